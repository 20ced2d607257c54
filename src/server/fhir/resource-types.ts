import { searchParametersOf } from '../../store/index.js';
import { CONTROL_PARAMS, RESOURCE_PARAMS } from './search/parse.js';

/**
 * The resource types the FHIR API reads, searches, creates, updates and deletes, and the search parameters each
 * accepts: the R4 registry's (generated from the official SearchParameter definitions, see
 * store/search/registry.ts), `_id` and `_lastUpdated`, and the result parameters. The router,
 * the parser and the CapabilityStatement all read this one table, so they cannot drift.
 */
export interface TypeSearch {
  /** Whether resources of the type belong to a patient's compartment (Patient is the compartment itself). */
  readonly compartment: boolean;
}

export const FHIR_TYPES: Readonly<Record<string, TypeSearch>> = {
  Patient: { compartment: false },
  Encounter: { compartment: true },
  Condition: { compartment: true },
  Observation: { compartment: true },
  MedicationRequest: { compartment: true },
  MedicationStatement: { compartment: true },
  AllergyIntolerance: { compartment: true },
  Procedure: { compartment: true },
  DiagnosticReport: { compartment: true },
  DocumentReference: { compartment: true },
  ImagingStudy: { compartment: true },
  Device: { compartment: true },
  Specimen: { compartment: true },
  // Directory data the record references (and Patient/$everything includes): outside any compartment.
  Practitioner: { compartment: false },
  PractitionerRole: { compartment: false },
  Organization: { compartment: false },
  Location: { compartment: false },
  Medication: { compartment: false },
  Substance: { compartment: false },
  // A cohort (a ward's patients, a study's): what Group/[id]/$export exports. It lists patients, so
  // only a caller who sees every patient searches Groups.
  Group: { compartment: false },
};

/** Parameters every searchable type takes besides its own (the OpenAPI document lists them). */
export const COMMON_PARAMS = [...RESOURCE_PARAMS, ...CONTROL_PARAMS] as const;

/** Every parameter a search on `type` accepts (without modifiers, chains or `_has`); empty for a type not searched. */
export function searchParamsOf(type: string): string[] {
  if (!FHIR_TYPES[type]) return [];
  return [...RESOURCE_PARAMS, ...[...searchParametersOf(type).keys()].sort(), ...CONTROL_PARAMS];
}
