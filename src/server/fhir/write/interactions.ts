import type { CapabilityStatementRestResource } from 'fhir/r4.js';
import { FHIR_TYPES } from '../resource-types.js';

/**
 * What the write routes support, per type, in CapabilityStatement terms
 * (https://hl7.org/fhir/R4/capabilitystatement-definitions.html#CapabilityStatement.rest.resource),
 * for capability.ts to merge into each type's entry, so that the statement lists exactly what
 * routes/fhir-write.ts serves. Every type the API reads can be written; the conditional forms need a
 * search, so they are offered on the types the API searches.
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

export function isSearchableType(type: string): boolean {
  return Object.hasOwn(FHIR_TYPES, type);
}

export function writeCapability(type: string): TypeWriteCapability | undefined {
  if (!isWritableType(type)) return undefined;
  const searchable = isSearchableType(type);
  return {
    interaction: WRITE_INTERACTIONS.map((code) => ({ code })),
    // Every write checks If-Match when it is sent; it is not required.
    versioning: 'versioned-update',
    updateCreate: true,
    conditionalCreate: searchable,
    conditionalUpdate: searchable,
    conditionalDelete: 'not-supported',
  };
}

/** Every writable type with its write capability. */
export function writeCapabilities(): Record<string, TypeWriteCapability> {
  return Object.fromEntries(Object.keys(FHIR_TYPES).map((t) => [t, writeCapability(t)!]));
}
