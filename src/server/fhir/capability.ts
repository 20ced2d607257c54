import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import { FHIR_TYPES, READ_TYPES, searchParamsOf } from './resource-types.js';

const PARAM_TYPES: Record<string, 'token' | 'reference' | 'date' | 'number' | 'string'> = {
  _id: 'token',
  _lastUpdated: 'date',
  _count: 'number',
  _offset: 'number',
  _sort: 'string',
  _format: 'string',
  patient: 'reference',
  subject: 'reference',
  code: 'token',
  identifier: 'token',
  date: 'date',
};

/** What this server does (https://hl7.org/fhir/R4/capabilitystatement.html), built from the same tables that drive search. */
export function capabilityStatement(
  base: string,
  options: { software: string; version: string; transaction: boolean; date: string },
): CapabilityStatement {
  const resource = Object.keys(FHIR_TYPES).map(
    (type): CapabilityStatementRestResource => ({
      type: type as CapabilityStatementRestResource['type'],
      interaction: [
        { code: 'read' },
        { code: 'vread' },
        { code: 'history-instance' },
        { code: 'search-type' },
        { code: 'create' },
        { code: 'update' },
      ],
      versioning: 'versioned',
      updateCreate: true,
      readHistory: true,
      searchParam: searchParamsOf(type)
        .filter((p) => p !== '_format')
        .map((name) => ({ name, type: PARAM_TYPES[name] ?? 'string' })),
      ...(type === 'Patient'
        ? {
            operation: [
              { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
            ],
          }
        : {}),
    }),
  );
  for (const type of READ_TYPES) {
    resource.push({
      type: type as CapabilityStatementRestResource['type'],
      interaction: [{ code: 'read' }, { code: 'vread' }, { code: 'history-instance' }],
      versioning: 'versioned',
      readHistory: true,
    });
  }
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.date,
    kind: 'instance',
    software: { name: options.software, version: options.version },
    implementation: { description: 'MedSeek FHIR R4 API', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
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
        ...(options.transaction ? { interaction: [{ code: 'transaction' }, { code: 'batch' }] } : {}),
      },
    ],
  };
}
