import { z } from 'zod';
import { shown } from '../../../core/index.js';
import { FHIR_TYPES } from '../../fhir/resource-types.js';

/**
 * The `/fhir` routes' path parameters and resource bodies (routes/fhir.ts validates with them
 * through fhir/validate.ts; the OpenAPI module describes the same objects). The lists of types come
 * from resource-types.ts, so what is checked and what is documented cannot drift.
 */
const SEARCH_TYPES = Object.keys(FHIR_TYPES) as [string, ...string[]];
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

const unsupportedType = (input: unknown) =>
  `resource type '${shown(input)}' is not supported; supported: ${SEARCH_TYPES.join(', ')}`;

/** A type this server searches, creates and updates. */
export const searchType = z
  .enum(SEARCH_TYPES, { error: (i) => unsupportedType(i.input) })
  .describe('A resource type this server searches');

/** A type this server reads: the searchable ones and the resources they reference. */

/** A logical id; `_history` in its place asks for type-level history, which is not offered. */
export const fhirId = z
  .string()
  .refine((v) => v !== '_history', {
    message: 'type-level _history is not supported; ask for an instance: {type}/{id}/_history',
    params: { fhir: 'not-supported' },
    abort: true,
  })
  .regex(FHIR_ID, { error: (i) => `'${shown(i.input)}' is not a valid FHIR id ([A-Za-z0-9-.]{1,64})` })
  .describe('The logical id ([A-Za-z0-9-.]{1,64})');

export const TypeParams = z.object({ type: searchType });
export const ReadParams = z.object({ type: searchType, id: fhirId });
export const VersionParams = z.object({
  type: searchType,
  id: fhirId,
  vid: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, { error: (i) => `'${shown(i.input)}' is not a version id` })
    .describe('The version id (1, 2, …)'),
});

/** The one instance operation offered: `Patient/{id}/$everything`. */
export const OperationParams = z
  .object({
    type: searchType,
    id: fhirId,
    operation: z
      .enum(['$everything'], {
        error: (i) => `operation '${shown(i.input)}' is not supported; supported: Patient/{id}/$everything`,
      })
      .describe('$everything'),
  })
  .refine((p) => p.type === 'Patient', {
    path: ['type'],
    message: '$everything is offered on Patient only: Patient/{id}/$everything',
    params: { fhir: 'not-supported' },
  });

/**
 * A single-resource body (create, update): a JSON object of the URL's type, with the URL's id when
 * one is given; R4 validation of the rest follows in the route.
 */
export const resourceBody = (type: string, id?: string) =>
  z.looseObject({
    resourceType: z.string().refine((t) => t === type, {
      error: (i) => `the body is a ${shown(i.input)}, the URL names ${type}`,
    }),
    id:
      id === undefined
        ? z.unknown().optional()
        : z.unknown().refine((v) => v === id, {
            error: (i) => `the body's id '${shown(i.input ?? '')}' is not the URL's '${id}'`,
          }),
  });
