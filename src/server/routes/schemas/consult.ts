import { z } from 'zod';
import { wholeNumber } from './common.js';

/**
 * What `/api/consult` (routes/consult.ts) validates; the same objects describe the routes in the
 * OpenAPI document (openapi/modules/consult.ts).
 */

export const createBody = z.object({
  complaint: z.string().min(1).max(2000),
  lang: z.enum(['zh', 'en']).default('zh'),
  kb: z.string().min(1).max(100).default('release'),
  age: z.number().min(0).max(130).optional(),
  sex: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  informant: z.string().max(100).optional(),
  channel: z.string().max(50).optional(),
});
export const answerBody = z.object({ text: z.string().max(2000) });
export const draftBody = z.object({ text: z.string().trim().min(1, 'the draft is empty').max(20_000) });
export const acceptBody = draftBody.extend({
  patientId: z.string().trim().min(1, 'name the patient whose record receives the note').max(64),
});

export const sessionParams = z.object({ id: z.string().min(1).max(200).describe('The consultation session id') });

export const queueQuery = z.object({ limit: wholeNumber('How many sessions (default 100)').optional() });

/** A query value out of a fixed set, refused with the set named (`format must be json or text, got 'x'`). */
const oneOf = <T extends string>(name: string, values: readonly [T, ...T[]], what: string) =>
  z
    .enum(values, { error: (i) => `${name} must be ${values.join(' or ')}, got '${String(i.input)}'` })
    .optional()
    .describe(what);

export const reportQuery = z.object({
  format: oneOf('format', ['json', 'text'], 'json (default) or plain text'),
  lang: oneOf('lang', ['zh', 'en'], 'Language of the text format (default zh)'),
  audience: oneOf('audience', ['clinician', 'patient'], 'patient: no differential or triage (default clinician)'),
});
