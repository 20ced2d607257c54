import type { Fact, PatientState } from '../../core/index.js';
import { CodeSystems, isAffirmed, isCurrentCourse } from '../../core/index.js';

const INACTIVE_MED = new Set([
  'stopped',
  'completed',
  'cancelled',
  'entered-in-error',
  'on-hold',
  'unknown',
  'not-taken',
  'revoked',
]);
const INACTIVE_PROBLEM = new Set(['resolved', 'inactive', 'remission', 'refuted', 'entered-in-error']);

/**
 * Medications the patient is on or about to get: active orders, home medications and draft orders
 * (a draft, status `draft`, is fused as `hypothetical`: proposed, not given, but exactly what
 * order-select / order-sign must check).
 * Where the state carries medication reconciliation (`state.medications`), a drug whose course is
 * not current at the state's moment — stopped (停用螺内酯), held, given once (胰岛素 for
 * hyperkalaemia, x1), completed — drives no alert now, whatever an older order or note still says;
 * draft orders are always checked.
 */
export function activeMedications(state: PatientState): Fact[] {
  const notCurrent = new Set<string>();
  for (const c of state.medications ?? []) if (!isCurrentCourse(c)) for (const id of c.factIds) notCurrent.add(id);
  return state.intervention.filter(
    (f) =>
      f.category === 'medication' &&
      (isAffirmed(f) || (f.status === 'draft' && f.assertion !== 'absent' && f.subject.who === 'patient')) &&
      !INACTIVE_MED.has(f.status ?? 'active') &&
      !(f.time?.end && f.time.end < state.at) &&
      (isDraft(f) || !notCurrent.has(f.id)),
  );
}

/** Medication facts still on a draft order (CDS Hooks order-select / order-sign). */
export function isDraft(f: Fact): boolean {
  return f.status === 'draft';
}

export function allergies(state: PatientState): Fact[] {
  return state.phenotype.filter(
    (f) => f.category === 'allergy' && isAffirmed(f) && !INACTIVE_PROBLEM.has(f.status ?? 'active'),
  );
}

export function conditions(state: PatientState): Fact[] {
  return state.phenotype.filter(
    (f) => f.category === 'condition' && isAffirmed(f) && !INACTIVE_PROBLEM.has(f.status ?? 'active'),
  );
}

export function genotypes(state: PatientState): Fact[] {
  return state.biology.filter(
    (f) =>
      f.category === 'genotype' &&
      f.assertion !== 'absent' &&
      f.subject.who === 'patient' &&
      f.status !== 'entered-in-error',
  );
}

/** The codes of a fact in one system (the primary coding and its equivalents). */
export function codesIn(f: Fact, system: string): string[] {
  return [f.concept, ...(f.concept.codings ?? [])].filter((c) => c.system === system).map((c) => c.code);
}

export function text(f: Fact): string {
  const c = f.concept;
  return [c.display, c.displayZh, ...(c.codings ?? []).flatMap((x) => [x.display, x.displayZh]), f.valueText]
    .filter(Boolean)
    .join(' | ')
    .toLowerCase();
}

export interface MeasurementMatch {
  readonly loinc?: readonly string[];
  /** Lower-case names (English or Chinese) matched as substrings of the display, when no LOINC code matches. */
  readonly names?: readonly string[];
}

function factTime(f: Fact): string {
  return f.time?.start ?? f.time?.end ?? '';
}

export function measurements(state: PatientState, m: MeasurementMatch): Fact[] {
  return state.phenotype.filter((f) => {
    if (
      f.category !== 'measurement' ||
      f.assertion === 'absent' ||
      f.subject.who !== 'patient' ||
      f.status === 'entered-in-error' ||
      f.status === 'cancelled'
    )
      return false;
    const codes = codesIn(f, CodeSystems.loinc);
    if (m.loinc && codes.some((c) => m.loinc!.includes(c))) return true;
    if (codes.length > 0 && m.loinc) return false;
    const t = text(f);
    return !!m.names?.some((n) => t.includes(n));
  });
}

/** The latest measurement matching, not after `state.at`. */
export function latestMeasurement(state: PatientState, m: MeasurementMatch): Fact | undefined {
  return measurements(state, m)
    .filter((f) => f.value !== undefined && factTime(f) <= state.at)
    .sort((a, b) => factTime(b).localeCompare(factTime(a)))[0];
}

/** Age in whole years at `at`, from the demographics. */
export function ageYears(state: PatientState): number | undefined {
  if (state.demographics.age !== undefined) return state.demographics.age;
  const b = state.demographics.birthDate;
  if (!b) return undefined;
  const birth = new Date(b);
  const at = new Date(state.at);
  let age = at.getUTCFullYear() - birth.getUTCFullYear();
  const m = at.getUTCMonth() - birth.getUTCMonth();
  if (m < 0 || (m === 0 && at.getUTCDate() < birth.getUTCDate())) age--;
  return age;
}

export function ageDays(state: PatientState): number | undefined {
  const b = state.demographics.birthDate;
  if (!b) return state.demographics.age !== undefined ? state.demographics.age * 365.25 : undefined;
  return (Date.parse(state.at) - Date.parse(b)) / 86_400_000;
}

export function label(f: Fact): { en: string; zh: string } {
  const en = f.concept.display ?? f.concept.displayZh ?? f.concept.code;
  return { en, zh: f.concept.displayZh ?? en };
}
