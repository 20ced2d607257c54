/**
 * The resource types the FHIR API serves and the search parameters each accepts, beyond the
 * common `_id`, `_lastUpdated`, `_count`, `_offset`, `_sort`, `_format`, `identifier`.
 * Parameter names follow the R4 search parameter registry
 * (https://hl7.org/fhir/R4/searchparameter-registry.html); `code` and `date` are the registry's
 * clinical `code` / `date` parameters of each type, as the store indexes them.
 */
export interface TypeSearch {
  /** `patient` (and `subject` where the resource has one) are accepted. */
  readonly patient: boolean;
  readonly subject: boolean;
  readonly code: boolean;
  readonly date: boolean;
}

const clinical = (subject: boolean): TypeSearch => ({ patient: true, subject, code: true, date: true });

/**
 * `code` is each type's registry `code` where it has one; Encounter and DocumentReference search
 * their `type`, ImagingStudy its procedure code and modality (the store's CODE_PATHS decide).
 */
export const FHIR_TYPES: Readonly<Record<string, TypeSearch>> = {
  Patient: { patient: false, subject: false, code: false, date: false },
  Encounter: clinical(true),
  Condition: clinical(true),
  Observation: clinical(true),
  MedicationRequest: clinical(true),
  MedicationStatement: clinical(true),
  // AllergyIntolerance has `patient`, no `subject`.
  AllergyIntolerance: clinical(false),
  Procedure: clinical(true),
  DiagnosticReport: clinical(true),
  DocumentReference: clinical(true),
  ImagingStudy: clinical(true),
};

export const COMMON_PARAMS = ['_id', '_lastUpdated', '_count', '_offset', '_sort', '_format', 'identifier'] as const;

export function searchParamsOf(type: string): string[] {
  const t = FHIR_TYPES[type];
  if (!t) return [];
  return [
    ...COMMON_PARAMS,
    ...(t.patient ? ['patient'] : []),
    ...(t.subject ? ['subject'] : []),
    ...(t.code ? ['code'] : []),
    ...(t.date ? ['date'] : []),
  ];
}

/**
 * Types served by read, vread and history only: resources outside the patient compartment that
 * clinical records reference (and that Patient/$everything includes).
 */
export const READ_TYPES: readonly string[] = [
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'Medication',
  'Device',
  'Specimen',
  'Substance',
];
