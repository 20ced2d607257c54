import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceSearchParam,
} from 'fhir/r4.js';
import { searchParametersOf } from '../../store/index.js';
import { FHIR_TYPES } from './resource-types.js';
import { PATCH_FORMATS, SYSTEM_WRITE_INTERACTIONS, writeCapability } from './write/interactions.js';

type ParamType = CapabilityStatementRestResourceSearchParam['type'];

/** `_id` and `_lastUpdated`, answered on every searchable type (R4 Resource search parameters). */
const RESOURCE_SEARCH_PARAMS: CapabilityStatementRestResourceSearchParam[] = [
  {
    name: '_id',
    type: 'token',
    definition: 'http://hl7.org/fhir/SearchParameter/Resource-id',
    documentation: 'Logical id of this artifact',
  },
  {
    name: '_lastUpdated',
    type: 'date',
    definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated',
    documentation: 'When the resource version last changed',
  },
];

/** The result and control parameters every search takes (https://hl7.org/fhir/R4/search.html#return). */
export const RESULT_PARAMS: CapabilityStatementRestResourceSearchParam[] = [
  { name: '_count', type: 'number', documentation: 'Page size (at most 1000; default 20)' },
  { name: '_offset', type: 'number', documentation: 'Index of the first entry of the page (the paging links use it)' },
  {
    name: '_sort',
    type: 'special',
    documentation: 'Comma-separated keys, `-` for descending: _id, _lastUpdated or any parameter of the type',
  },
  { name: '_total', type: 'special', documentation: 'none | estimate | accurate (estimate is answered accurately)' },
  { name: '_summary', type: 'special', documentation: 'true | false | text | data | count' },
  { name: '_elements', type: 'special', documentation: 'Comma-separated top-level elements to return' },
  {
    name: '_include',
    type: 'special',
    documentation: 'Type:parameter[:target]; :iterate follows included resources (3 rounds, 1000 resources at most)',
  },
  {
    name: '_revinclude',
    type: 'special',
    documentation: 'Type:parameter[:target]; :iterate follows included resources (3 rounds, 1000 resources at most)',
  },
  {
    name: '_has',
    type: 'special',
    documentation: 'Reverse chaining: _has:Type:reference:parameter=value',
  },
  { name: '_format', type: 'special', documentation: 'json or application/fhir+json' },
  { name: '_pretty', type: 'special', documentation: 'Accepted and ignored' },
];

/** The search parameters of a type as the CapabilityStatement lists them: `_id`, `_lastUpdated`, then the registry's. */
export function searchParamsAdvertised(type: string): CapabilityStatementRestResourceSearchParam[] {
  const own = [...searchParametersOf(type).values()]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map(
      (p): CapabilityStatementRestResourceSearchParam => ({
        name: p.code,
        definition: p.url,
        type: p.type as ParamType,
        ...(p.description ? { documentation: p.description } : {}),
      }),
    );
  return [...RESOURCE_SEARCH_PARAMS, ...own];
}

/** `_include` values for a type: each of its reference parameters. */
function includesOf(type: string): string[] {
  return [...searchParametersOf(type).values()].filter((p) => p.type === 'reference').map((p) => `${type}:${p.code}`);
}

/** `_revinclude` values for a type: every searchable type's reference parameters that may point at it. */
function revIncludesOf(type: string): string[] {
  return Object.keys(FHIR_TYPES).flatMap((source) =>
    [...searchParametersOf(source).values()]
      .filter((p) => p.type === 'reference' && (p.target.length === 0 || p.target.includes(type)))
      .map((p) => `${source}:${p.code}`),
  );
}

/** The Bulk Data Access 2.0 export operations (https://hl7.org/fhir/uv/bulkdata/OperationDefinition-export.html). */
const BULK_EXPORT = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export';
const BULK_PATIENT_EXPORT = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export';
const BULK_GROUP_EXPORT = 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export';

/** What this server does (https://hl7.org/fhir/R4/capabilitystatement.html), built from the same tables that drive search. */
export function capabilityStatement(
  base: string,
  options: { software: string; version: string; date: string },
): CapabilityStatement {
  const READS = [{ code: 'read' }, { code: 'vread' }, { code: 'history-instance' }] as const;
  const operations: Record<string, CapabilityStatementRestResource['operation']> = {
    Patient: [
      { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
      { name: 'export', definition: BULK_PATIENT_EXPORT },
    ],
    Group: [{ name: 'export', definition: BULK_GROUP_EXPORT }],
  };
  /** Reads, then the writes routes/fhir-write.ts serves for the type (write/interactions.ts). */
  const entry = (type: string, searchable: boolean): CapabilityStatementRestResource => {
    const writes = writeCapability(type);
    return {
      ...writes,
      type: type as CapabilityStatementRestResource['type'],
      interaction: [
        ...READS,
        ...(searchable ? [{ code: 'search-type' as const }] : []),
        ...(writes?.interaction ?? []),
      ],
      versioning: writes?.versioning ?? 'versioned',
      readHistory: true,
      ...(searchable
        ? {
            searchInclude: includesOf(type),
            searchRevInclude: revIncludesOf(type),
            searchParam: searchParamsAdvertised(type),
          }
        : {}),
      ...(operations[type] ? { operation: operations[type] } : {}),
    };
  };
  const resource = Object.keys(FHIR_TYPES).map((type) => entry(type, true));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.date,
    kind: 'instance',
    software: { name: options.software, version: options.version },
    implementation: { description: 'MedSeek FHIR R4 API', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: [...PATCH_FORMATS],
    instantiates: ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' },
              ],
            },
          ],
          // SMART App Launch: where apps authorize (see also /fhir/.well-known/smart-configuration).
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [
                { url: 'authorize', valueUri: `${new URL(base).origin}/oauth2/authorize` },
                { url: 'token', valueUri: `${new URL(base).origin}/oauth2/token` },
              ],
            },
          ],
          description:
            'SMART on FHIR (see /fhir/.well-known/smart-configuration), or Authorization: Bearer <API key or JWT>. Every read of patient data is audited; send X-Purpose-Of-Use.',
        },
        resource,
        searchParam: RESULT_PARAMS,
        interaction: SYSTEM_WRITE_INTERACTIONS.map((code) => ({ code })),
        // FHIR Bulk Data Access 2.0 (routes/fhir-bulk.ts): system, Patient and Group level export.
        operation: [{ name: 'export', definition: BULK_EXPORT }],
      },
    ],
  };
}
