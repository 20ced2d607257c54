import { z } from 'zod';
import { COMMON_PARAMS } from '../../fhir/resource-types.js';
import { DEFAULT_COUNT, MAX_COUNT } from '../../fhir/search/parse.js';
import { OperationParams, ReadParams, TypeParams, VersionParams } from '../../routes/schemas/fhir.js';
import { Bundle, CapabilityStatement, FhirResource, OperationOutcome } from '../components.js';
import type { ModuleDoc, OperationDoc } from '../operation.js';

/**
 * `/fhir` (routes/fhir.ts). The path parameters are the routes' own zod schemas (routes/schemas/fhir.ts);
 * the search parameters are checked per type by fhir/search-params.ts and described here from the
 * same tables (COMMON_PARAMS), so the list of types and parameters cannot drift.
 */
const PARAM_DESCRIPTIONS: Record<string, string> = {
  _id: 'Resource ids, comma-separated for OR',
  _lastUpdated:
    'A date search on when the server stored it (prefix eq|ne|gt|lt|ge|le|sa|eb|ap, then YYYY[-MM[-DD[Thh:mm[:ss][zone]]]]); may repeat',
  _count: `Page size, 0 to ${MAX_COUNT} (default ${DEFAULT_COUNT})`,
  _offset: 'How many matches to skip (paging)',
  _sort: '_lastUpdated or -_lastUpdated; date or -date where the type has a date',
  _format: 'json or application/fhir+json only',
  identifier: 'system|value (|value for no system), comma-separated for OR',
  patient: 'A patient id or Patient reference (clinical types)',
  subject: 'A Patient reference (types with a subject)',
  code: 'A token: system|code, code or |code, comma-separated for OR (clinical types)',
  date: 'A date search on the clinical date (clinical types); may repeat',
};
const SEARCH_PARAMS = [...COMMON_PARAMS, 'patient', 'subject', 'code', 'date'];
/** Every parameter any type accepts; a type refuses (400) one it does not take, naming it. */
export const FhirSearchQuery = z.object(
  Object.fromEntries(
    SEARCH_PARAMS.map((p) => [
      p,
      z
        .string()
        .optional()
        .describe(PARAM_DESCRIPTIONS[p] ?? p),
    ]),
  ),
);

const everythingQuery = z.object({
  _count: z.string().regex(/^\d+$/).optional().describe(`Page size, 0 to ${MAX_COUNT} (default ${MAX_COUNT})`),
  _offset: z.string().regex(/^\d+$/).optional().describe('How many resources to skip (paging)'),
});

const fhirOk = (description: string, schema: z.ZodType = FhirResource) => ({
  description,
  contentType: 'application/fhir+json',
  schema,
});
const gone = {
  410: {
    description: 'The resource (or that version) was deleted.',
    contentType: 'application/fhir+json',
    schema: OperationOutcome,
  },
};
const notAcceptable = {
  406: {
    description: 'The Accept header asks for something other than JSON.',
    contentType: 'application/fhir+json',
    schema: OperationOutcome,
  },
};
const read = [['patient/*.r'], ['user/*.r']] as const;
const search = [['patient/*.s'], ['user/*.s']] as const;

const operations: OperationDoc[] = [
  {
    method: 'get',
    path: '/fhir/metadata',
    summary: 'CapabilityStatement',
    description:
      'What this FHIR server supports: types, interactions, search parameters, and the SMART security extension. No credential needed; no patient data.',
    responses: { 200: fhirOk('The CapabilityStatement.', CapabilityStatement), ...notAcceptable },
  },
  {
    method: 'get',
    path: '/fhir/:type',
    summary: 'Search (type level)',
    description:
      'Searches one resource type with offset paging; the answer is a searchset Bundle with next/previous links. Unknown parameters and modifiers are refused (400) rather than ignored. A patient-scoped credential only ever gets its own patient’s resources. Audited.',
    params: TypeParams,
    query: FhirSearchQuery,
    responses: { 200: fhirOk('A searchset Bundle.', Bundle), ...notAcceptable },
    notFound: false,
    smartScopes: search,
  },
  {
    method: 'post',
    path: '/fhir/:type/_search',
    summary: 'Search by POST (_search)',
    description:
      'The same search with its parameters form-encoded in the body (and the query string), for searches too long or too private for a URL. Any other content type is refused (400).',
    params: TypeParams,
    body: {
      schema: FhirSearchQuery,
      contentType: 'application/x-www-form-urlencoded',
      description: 'Search parameters, as in the query string of a search.',
    },
    responses: { 200: fhirOk('A searchset Bundle.', Bundle), ...notAcceptable },
    notFound: false,
    smartScopes: search,
  },
  {
    method: 'get',
    path: '/fhir/:type/:id',
    summary: 'Read',
    description: 'The current version of one resource, with ETag, Last-Modified and Content-Location headers. Audited.',
    params: ReadParams,
    responses: { 200: fhirOk('The resource.'), ...gone, ...notAcceptable },
    smartScopes: read,
  },
  {
    method: 'get',
    path: '/fhir/:type/:id/_history',
    summary: 'History (instance level)',
    description:
      'Every stored version of one resource, newest first, as a history Bundle (deletions included). Type-level history is not offered. Audited.',
    params: ReadParams,
    responses: { 200: fhirOk('A history Bundle.', Bundle), ...notAcceptable },
    smartScopes: read,
  },
  {
    method: 'get',
    path: '/fhir/:type/:id/_history/:vid',
    summary: 'Version read (vread)',
    description: 'One version of one resource. Audited.',
    params: VersionParams,
    responses: { 200: fhirOk('That version of the resource.'), ...gone, ...notAcceptable },
    smartScopes: read,
  },
  {
    method: 'get',
    path: '/fhir/:type/:id/:operation',
    summary: 'Patient $everything',
    description:
      'The only instance operation offered: `Patient/{id}/$everything`, the patient compartment plus the resources it references (practitioners, organizations, medications…), paged as a searchset Bundle. A SMART token gets the types its scopes let it read. Any other type or operation is refused (400). Audited.',
    params: OperationParams,
    query: everythingQuery,
    responses: { 200: fhirOk('A searchset Bundle of the patient’s record.', Bundle), ...gone, ...notAcceptable },
    smartScopes: read,
  },
];

export const fhirDoc: ModuleDoc = {
  tag: 'FHIR',
  description:
    'The FHIR R4 REST API (https://hl7.org/fhir/R4/http.html): read, vread, instance history, search (GET and POST _search) and Patient/$everything; the writes are under FHIR writes. Everything is application/fhir+json; errors are OperationOutcomes.',
  operations,
};
