import { z } from 'zod';
import { ReadParams, TypeParams } from '../../routes/schemas/fhir.js';
import { Bundle, FhirResource, OperationOutcome } from '../components.js';
import type { ModuleDoc, OperationDoc } from '../operation.js';

/**
 * `/fhir` writes (routes/fhir-write.ts): create, update, conditional update, JSON Patch, delete, and
 * transaction/batch Bundles at the base with or without a trailing slash.
 */
const fhir = (description: string, schema: z.ZodType = FhirResource) => ({
  description,
  contentType: 'application/fhir+json',
  schema,
});
const outcome = (description: string) => fhir(description, OperationOutcome);
const versionHeaders = z.object({
  'If-Match': z
    .string()
    .regex(/^(W\/)?"?\d+"?$/)
    .optional()
    .describe('The version the write is based on: W/"3" (412 when it is no longer current)'),
  Prefer: z
    .string()
    .optional()
    .describe('return=minimal (no body), return=representation (the resource, default) or return=OperationOutcome'),
});
const precondition = { 412: outcome('If-Match is not the current version, or the condition matches several.') };

const operations: OperationDoc[] = [
  {
    method: 'post',
    path: '/fhir/:type',
    summary: 'Create',
    description:
      'Stores a new resource of the URL’s type, validated against FHIR R4 (each problem named with its element); the server assigns the id. With `If-None-Exist: <search>` it is created only when nothing matches (one match: 200 with it; several: 412). The resource’s patient must be one the caller may see; a resource outside any patient needs a credential that sees all patients. Answers with Location and ETag; `Prefer` chooses the body. Audited.',
    params: TypeParams,
    body: {
      schema: FhirResource,
      contentType: 'application/fhir+json',
      description: 'A resource of the URL’s type (application/json is accepted too).',
    },
    responses: { 201: fhir('The stored resource.') },
    notFound: false,
    smartScopes: [['patient/*.c'], ['user/*.c'], ['system/*.c']],
  },
  {
    method: 'put',
    path: '/fhir/:type/:id',
    summary: 'Update (or create with a chosen id)',
    description:
      'Stores a new version of the resource, validated against FHIR R4; the body’s id must be the URL’s; creates it when absent. With `If-Match: W/"n"` the write happens only if n is still the current version (412 otherwise). Both the new and the current record’s patient must be ones the caller may see. Audited.',
    params: ReadParams,
    headers: z.object({
      'If-Match': z
        .string()
        .regex(/^W\/"\d+"$/)
        .optional()
        .describe('The version the update is based on: W/"3"'),
    }),
    body: {
      schema: FhirResource,
      contentType: 'application/fhir+json',
      description: 'The resource, with the URL’s id (application/json is accepted too).',
    },
    responses: {
      200: fhir('The updated resource.'),
      201: fhir('The resource, created with this id.'),
      412: {
        description: 'If-Match is not the current version.',
        contentType: 'application/fhir+json',
        schema: OperationOutcome,
      },
    },
    notFound: false,
    smartScopes: [['patient/*.u'], ['user/*.u'], ['system/*.u']],
  },
  {
    method: 'post',
    path: '/fhir',
    summary: 'Transaction or batch',
    description:
      'A transaction or batch Bundle. Entries may create (with ifNoneExist), update (to an id or a search, with ifMatch), patch (a Binary holding a JSON Patch) and delete. A transaction is all or nothing: any problem names its entry and field, and nothing is written. A batch answers per entry. Bodies over 64 MiB are refused (413): import large files with `medseek import`. Audited.',
    body: {
      schema: Bundle,
      contentType: 'application/fhir+json',
      description: 'A Bundle of type transaction or batch (application/json is accepted too).',
    },
    responses: {
      200: fhir('A transaction-response or batch-response Bundle.', Bundle),
      413: { description: 'The body is over 64 MiB.', contentType: 'application/fhir+json', schema: OperationOutcome },
    },
    smartScopes: [['user/*.cu'], ['system/*.cu']],
  },
  {
    method: 'post',
    path: '/fhir/',
    summary: 'Transaction or batch (base with a trailing slash)',
    description:
      'The same as POST /fhir, at the base as clients such as fhir-kit-client address it. Entries may create (with ifNoneExist), update (to an id or a search, with ifMatch), patch (a Binary holding a JSON Patch) and delete. A transaction is all or nothing, answered with the failing entry’s status and an OperationOutcome naming it; a batch answers each entry with its own status. Audited.',
    body: { schema: Bundle, contentType: 'application/fhir+json', description: 'A transaction or batch Bundle.' },
    responses: {
      200: fhir('A transaction-response or batch-response Bundle.', Bundle),
      ...precondition,
      413: outcome('The body is over 64 MiB.'),
    },
    smartScopes: [['user/*.cu'], ['system/*.cu']],
  },
  {
    method: 'put',
    path: '/fhir/:type',
    summary: 'Conditional update',
    description:
      'PUT /fhir/{type}?search: one match is updated (the body’s id, if any, must be its id); no match creates the resource (201); several are refused (412). The search is the same as GET /fhir/{type}. Validated against R4, held to the caller’s role and patient scope. Audited.',
    params: TypeParams,
    headers: versionHeaders,
    body: { schema: FhirResource, contentType: 'application/fhir+json', description: 'The resource.' },
    responses: { 200: fhir('The updated resource.'), 201: fhir('The resource, created.'), ...precondition },
    notFound: false,
    smartScopes: [['patient/*.u'], ['user/*.u'], ['system/*.u']],
  },
  {
    method: 'patch',
    path: '/fhir/:type/:id',
    summary: 'Patch (JSON Patch)',
    description:
      'Applies a JSON Patch (RFC 6902) to the current version; the result is validated against R4 before it is stored as a new version, and may not change the type or id. 410 for a deleted resource. Audited.',
    params: ReadParams,
    headers: versionHeaders,
    body: {
      schema: z.array(z.object({ op: z.string(), path: z.string(), from: z.string().optional(), value: z.unknown() })),
      contentType: 'application/json-patch+json',
      description: 'The JSON Patch operations.',
    },
    responses: {
      200: fhir('The patched resource.'),
      ...precondition,
      410: outcome('The resource was deleted.'),
    },
    smartScopes: [['patient/*.u'], ['user/*.u'], ['system/*.u']],
  },
  {
    method: 'delete',
    path: '/fhir/:type/:id',
    summary: 'Delete',
    description:
      'Deletes the resource: a new, deleted version, kept in its history; a read then answers 410 and earlier versions stay readable by vread. Deleting it again changes nothing. Audited.',
    params: ReadParams,
    headers: versionHeaders,
    responses: {
      200: outcome('Deleted (with Prefer: return=OperationOutcome).'),
      204: { description: 'Deleted.' },
      ...precondition,
    },
    smartScopes: [['patient/*.d'], ['user/*.d'], ['system/*.d']],
  },
];

export const fhirWriteDoc: ModuleDoc = {
  tag: 'FHIR writes',
  description:
    'FHIR R4 writes (https://hl7.org/fhir/R4/http.html): create (and conditional create), update (and conditional update), JSON Patch, delete, and transaction/batch Bundles at the base; each validated against R4, held to the caller’s role and patient scope, and audited.',
  operations,
};
