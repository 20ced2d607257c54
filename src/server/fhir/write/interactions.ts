import type { CapabilityStatementRestResource } from 'fhir/r4.js';
import { FHIR_TYPES } from '../resource-types.js';

/**
 * What the write routes support, per type, in CapabilityStatement terms
 * (https://hl7.org/fhir/R4/capabilitystatement-definitions.html#CapabilityStatement.rest.resource),
 * for capability.ts to merge into each type's entry, so that the statement lists exactly what
 * routes/fhir-write.ts serves: every type the API reads, searches and writes, conditional forms included.
 */
export type TypeWriteCapability = Pick<
  CapabilityStatementRestResource,
  'interaction' | 'versioning' | 'updateCreate' | 'conditionalCreate' | 'conditionalUpdate' | 'conditionalDelete'
>;

export const WRITE_INTERACTIONS = ['create', 'update', 'patch', 'delete'] as const;

/** System interactions at the base (`POST /fhir` and `POST /fhir/`). */
export const SYSTEM_WRITE_INTERACTIONS = ['transaction', 'batch'] as const;

/** Patch formats accepted (`PATCH` Content-Type; in a Bundle, a Binary of this contentType). */
export const PATCH_FORMATS = ['application/json-patch+json'] as const;

export function isWritableType(type: string): boolean {
  return Object.hasOwn(FHIR_TYPES, type);
}

export function writeCapability(type: string): TypeWriteCapability | undefined {
  if (!isWritableType(type)) return undefined;
  return {
    interaction: WRITE_INTERACTIONS.map((code) => ({ code })),
    // Every write checks If-Match when it is sent; it is not required.
    versioning: 'versioned-update',
    updateCreate: true,
    conditionalCreate: true,
    conditionalUpdate: true,
    conditionalDelete: 'not-supported',
  };
}
