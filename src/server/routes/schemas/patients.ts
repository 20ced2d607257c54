import { z } from 'zod';
import { lang as langEnum } from './common.js';

/**
 * What `/api/patients` (routes/patients.ts) validates; the same objects describe the routes in the
 * OpenAPI document, and the web workspace types its requests with them (`z.input<…>`).
 */

export const patientParams = z.object({ id: z.string().min(1).describe('The Patient id') });

const lang = langEnum.optional().describe('Language (default zh)');
/** An optional id: absent, null and '' all mean none (the workspace sends '' for "no stay chosen"). */
const optionalId = (what: string) =>
  z
    .string()
    .nullish()
    .transform((v) => v || undefined)
    .describe(what);
const encounterId = optionalId('The stay (Encounter id); by default the latest inpatient stay');
const required = (max: number, what: string, message = 'is required (a non-empty string)') =>
  z
    .string(message)
    .refine((v) => v.trim() !== '', message)
    .refine((v) => v.length <= max, `longer than ${max} characters`)
    .describe(what);
const text = required(200_000, 'The summary text as edited');
const draftId = required(200, 'The draft the summary came from (POST /api/patients/{id}/summary)');

export const listQuery = z.object({
  q: z.string().optional().describe('Matches name, id or identifier (case-insensitive)'),
});
export const stateQuery = z.object({
  at: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'not a date')
    .optional()
    .describe('The record as it stood at this date/time'),
  encounter: z.string().optional().describe('Limit to one Encounter'),
});
export const differentialQuery = z.object({
  encounter: z.string().optional().describe('Limit to one Encounter'),
  top: z
    .string()
    .regex(/^\d{1,2}$/, 'must be a whole number from 1 to 50')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 50, 'must be a whole number from 1 to 50')
    .optional()
    .describe('How many diseases, 1 to 50 (default 10)'),
  department: z
    .string()
    .max(100)
    .optional()
    .describe("Department whose calibration map calibrates the probabilities (default: the hospital's map)"),
});
export const alertsQuery = z.object({
  scope: z
    .enum(['stay', 'now'], 'must be stay or now')
    .optional()
    .describe('stay (default when there is one): the latest stay as at discharge; now: the live view'),
});

export const summaryBody = z.object({ lang, encounterId });
export const verifyBody = z.object({
  text,
  encounterId,
  draftId: optionalId('The draft the summary came from (POST /api/patients/{id}/summary)'),
  lang,
  citations: z
    .record(z.string(), z.string(), 'must map citation keys to fact ids')
    .optional()
    .describe('Citation keys to fact ids (without draftId)'),
});
export const acceptClaimBody = z.object({
  draftId,
  text,
  claimId: required(200, 'The claim (its id in the verification report)'),
  reason: required(2000, 'Why the clinician accepts the statement').transform((v) => v.trim()),
  encounterId,
  lang,
});
export const signBody = z.object({
  draftId: required(
    200,
    'The draft the summary came from',
    'is required: compose the summary first (POST /api/patients/{id}/summary) and sign the draft it returns',
  ),
  text,
  encounterId,
  lang,
});
/** Types and lengths; learning's parseFeedback then checks what depends on the verdict (a reason to reject…). */
export const feedbackBody = z.object({
  targetKind: z.enum(['claim', 'diagnosis', 'alert', 'quality', 'question', 'summary', 'fact']),
  targetId: z.string().min(1).max(200),
  verdict: z.enum(['accept', 'reject', 'correct']),
  reason: z.string().max(4000).optional().describe('Required to reject or correct'),
  correction: z.string().max(4000).optional().describe('Required with correct'),
  producer: z.string().max(200).optional().describe('The rule or model that produced the target'),
  context: z.record(z.string(), z.unknown()).optional(),
});
