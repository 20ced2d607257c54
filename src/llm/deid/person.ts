import type { PhiKind } from './detect.js';

/** The parts of a FHIR Patient that identify the person. */
export interface PatientLike {
  readonly id?: string;
  readonly name?: readonly { text?: string; family?: string; given?: readonly string[]; prefix?: readonly string[] }[];
  readonly identifier?: readonly { value?: string }[];
  readonly telecom?: readonly { value?: string }[];
  readonly address?: readonly { text?: string; line?: readonly string[]; city?: string }[];
}

/**
 * The names a text may call the patient by: each part, and family + given joined as Chinese writes them
 * (no space), in both orders with a space, and with a prefix ("Mr. John Smith"). Parts under 2 characters
 * are left out (they would mask ordinary words).
 */
export function patientNames(patient: PatientLike): string[] {
  const out = (patient.name ?? []).flatMap((n) => {
    const given = n.given ?? [];
    return [
      n.text,
      n.family,
      ...given,
      [n.family, ...given].filter(Boolean).join(''),
      [...given, n.family].filter(Boolean).join(' '),
      [n.family, ...given].filter(Boolean).join(' '),
      [...(n.prefix ?? []), ...given, n.family].filter(Boolean).join(' '),
    ];
  });
  return [...new Set(out.filter((s): s is string => !!s && s.trim().length >= 2))];
}

/** The patient's identifiers as the detector takes them (record numbers, phones, address lines and city, id). */
export function patientIdentifiers(patient: PatientLike): { kind: PhiKind; value: string }[] {
  return [
    ...(patient.identifier ?? []).map((i) => ({ kind: 'MRN' as PhiKind, value: i.value ?? '' })),
    ...(patient.telecom ?? []).map((t) => ({ kind: 'PHONE' as PhiKind, value: t.value ?? '' })),
    ...(patient.address ?? []).flatMap((a) =>
      [a.text, ...(a.line ?? []), a.city].map((value) => ({ kind: 'ADDRESS' as PhiKind, value: value ?? '' })),
    ),
    ...(patient.id ? [{ kind: 'ID' as PhiKind, value: patient.id }] : []),
  ].filter((i) => i.value.trim().length >= 3);
}
