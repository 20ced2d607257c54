import { z } from 'zod';
import { OUTPUT_FORMATS } from '../../fhir/bulk/request.js';
import { OperationOutcome } from '../components.js';
import type { ModuleDoc, OperationDoc, ResponseDoc } from '../operation.js';

/**
 * `/fhir/$export` and its status and file URLs (routes/fhir-bulk.ts): FHIR Bulk Data Access 2.0
 * (https://hl7.org/fhir/uv/bulkdata/export.html).
 */
const kickoffQuery = z.object({
  _outputFormat: z
    .enum(OUTPUT_FORMATS as [string, ...string[]])
    .optional()
    .describe('NDJSON, the only format (application/fhir+ndjson by default)'),
  _since: z.string().optional().describe('Only resources updated after this FHIR instant (with a time zone)'),
  _type: z.string().optional().describe('Comma-separated resource types; default every type the level covers'),
  _typeFilter: z
    .string()
    .optional()
    .describe('A search the resources of a type must match, e.g. Observation?category=laboratory; may repeat (OR)'),
});
const kickoffHeaders = z.object({
  Prefer: z.string().describe('respond-async (required); handling=lenient to have unsupported parameters ignored'),
});
const parameters = z.looseObject({ resourceType: z.literal('Parameters') }).meta({
  description: 'The kick-off parameters (_type, _since, _typeFilter, _outputFormat, patient) as a Parameters resource.',
});
const manifest = z.object({
  transactionTime: z.string(),
  request: z.string(),
  requiresAccessToken: z.literal(true),
  output: z.array(z.object({ type: z.string(), url: z.string(), count: z.number() })),
  error: z.array(z.object({ type: z.literal('OperationOutcome'), url: z.string(), count: z.number() })),
});
const accepted: Record<number, ResponseDoc> = {
  202: {
    description: 'Accepted: the Content-Location header is the status URL to poll.',
    contentType: 'application/fhir+json',
    schema: OperationOutcome,
  },
  429: {
    description: 'The caller has too many exports running (Retry-After says when to try again).',
    contentType: 'application/fhir+json',
    schema: OperationOutcome,
  },
};
const scopes = [['system/*.r'], ['user/*.r']] as const;

function kickoffs(path: string, what: string): OperationDoc[] {
  const description = `${what} Needs \`Prefer: respond-async\`; runs in the background. Unsupported parameters are refused (400) naming the parameter, unless the client sends \`Prefer: handling=lenient\`. Audited.`;
  return [
    {
      method: 'get',
      path,
      summary: `Bulk export kick-off (${path.replace('/fhir/', '')})`,
      description,
      query: kickoffQuery,
      headers: kickoffHeaders,
      responses: accepted,
      notFound: path.includes(':id') ? 'No such Group.' : false,
      smartScopes: scopes,
    },
    {
      method: 'post',
      path,
      summary: `Bulk export kick-off by POST (${path.replace('/fhir/', '')})`,
      description: `${description} The parameters come as a Parameters resource; \`patient\` (Patient and Group levels) only this way.`,
      headers: kickoffHeaders,
      body: { schema: parameters, contentType: 'application/fhir+json' },
      responses: accepted,
      notFound: path.includes(':id') ? 'No such Group.' : false,
      smartScopes: scopes,
    },
  ];
}

export const fhirBulkDoc: ModuleDoc = {
  tag: 'FHIR Bulk Data',
  description:
    'Bulk Data Access 2.0 export: system, Patient and Group level $export, asynchronous, with NDJSON output files that need the same credential.',
  operations: [
    ...kickoffs(
      '/fhir/$export',
      'Every stored resource (a credential that sees all patients only); `_type`, `_since` and `_typeFilter` narrow it.',
    ),
    ...kickoffs('/fhir/Patient/$export', 'The records of the patients the caller may see.'),
    ...kickoffs('/fhir/Group/:id/$export', 'The records of the Group’s active Patient members.'),
    {
      method: 'get',
      path: '/fhir/$export-status/:job',
      summary: 'Bulk export status',
      description:
        'In progress: 202 with X-Progress and Retry-After. Done: 200 with the manifest (Expires says until when the files are kept). Failed: 500 with an OperationOutcome. Only the credential that started the job sees it.',
      responses: {
        200: { description: 'The manifest.', contentType: 'application/json', schema: manifest },
        202: { description: 'Still running.' },
        500: { description: 'The export failed.', contentType: 'application/fhir+json', schema: OperationOutcome },
      },
      notFound: 'No such export of yours (or it was cancelled or has expired).',
    },
    {
      method: 'delete',
      path: '/fhir/$export-status/:job',
      summary: 'Cancel a bulk export',
      description: 'Stops the job and deletes its files; its status URL then answers 404. Audited.',
      responses: {
        202: { description: 'Cancelled.', contentType: 'application/fhir+json', schema: OperationOutcome },
      },
      notFound: 'No such export of yours.',
    },
    {
      method: 'get',
      path: '/fhir/$export-file/:job/:file',
      summary: 'Bulk export file',
      description:
        'One NDJSON file of a finished export, one resource per line. Audited once per patient whose data it holds.',
      responses: {
        200: { description: 'NDJSON.', contentType: 'application/fhir+ndjson', schema: z.string() },
      },
      notFound: 'No such file.',
    },
  ],
};
