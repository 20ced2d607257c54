import type { Patient } from 'fhir/r4.js';

/**
 * The Patient ID a PACS files this patient's studies under: the Patient's medical record number
 * (an identifier typed v2-0203 MR), else its only identifier, else its FHIR id. Hospitals that key
 * the PACS otherwise pass `--mrn` / `{mrn}` explicitly.
 */
export function pacsPatientId(patient: Pick<Patient, 'id' | 'identifier'>): string | undefined {
  const ids = (patient.identifier ?? []).filter((i) => i.value?.trim());
  const mr = ids.find((i) => i.type?.coding?.some((c) => c.code === 'MR'));
  return (mr ?? (ids.length === 1 ? ids[0] : undefined))?.value?.trim() ?? patient.id;
}
