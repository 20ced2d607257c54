import type { AnyResource } from './fhir.js';

/** A patient as a list shows them (the workspace's patient list, the MCP patient search). */
export interface PatientSummary {
  readonly id: string;
  /** The first name's text, else its given and family names; the id when the Patient has no name. */
  readonly name: string;
  readonly gender: string;
  readonly birthDate?: string;
  readonly identifiers: readonly string[];
}

/** The summary of a Patient resource: id, name, sex, birth date, identifiers. */
export function patientSummary(patient: AnyResource): PatientSummary {
  const p = patient as {
    id?: string;
    name?: { text?: string; family?: string; given?: string[] }[];
    gender?: string;
    birthDate?: string;
    identifier?: { value?: string }[];
  };
  const n = p.name?.[0];
  const name = n?.text ?? [n?.given?.join(' '), n?.family].filter(Boolean).join(' ');
  return {
    id: p.id ?? '',
    name: name || (p.id ?? ''),
    gender: p.gender ?? 'unknown',
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    identifiers: (p.identifier ?? []).map((i) => i.value ?? '').filter(Boolean),
  };
}

/** Whether a patient's name, id or one of their identifiers contains `query` (lower-case); an empty one matches all. */
export function matchesPatientQuery(p: PatientSummary, query: string): boolean {
  return (
    !query ||
    p.name.toLowerCase().includes(query) ||
    p.id.toLowerCase().includes(query) ||
    p.identifiers.some((i) => i.toLowerCase().includes(query))
  );
}
