import type { Patient } from 'fhir/r4.js';
import type { Demographics, Fact, Sex } from '../core/index.js';
import { factStart, instant } from './fhir.js';

/** LOINC body weight and height (https://hl7.org/fhir/R4/observation-vitalsigns.html). */
const weightCodes = ['29463-7', '3141-9'];
const heightCodes = ['8302-2', '8306-3', '3137-7'];

/** Whole years between a birth date and a moment (a birthday on the day counts). */
export function ageAt(birthDate: string, at: string): number | undefined {
  const b = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(birthDate);
  const a = new Date(instant(at) ?? Number.NaN);
  if (!b || Number.isNaN(a.getTime())) return undefined;
  const by = Number(b[1]);
  const bm = Number(b[2] ?? 1);
  const bd = Number(b[3] ?? 1);
  let age = a.getUTCFullYear() - by;
  if (a.getUTCMonth() + 1 < bm || (a.getUTCMonth() + 1 === bm && a.getUTCDate() < bd)) age--;
  return age >= 0 ? age : undefined;
}

function toKg(v: number, unit: string): number | undefined {
  if (unit === 'kg') return v;
  if (unit === 'g') return v / 1000;
  if (unit === '[lb_av]' || unit === 'lb' || unit === 'lbs') return v * 0.45359237;
  return undefined;
}

function toCm(v: number, unit: string): number | undefined {
  if (unit === 'cm') return v;
  if (unit === 'm') return v * 100;
  if (unit === 'mm') return v / 10;
  if (unit === '[in_i]' || unit === 'in') return v * 2.54;
  return undefined;
}

function latest(
  facts: readonly Fact[],
  codes: readonly string[],
  convert: (v: number, unit: string) => number | undefined,
): number | undefined {
  let best: { t: number; v: number } | undefined;
  for (const f of facts) {
    if (f.category !== 'measurement' || !f.value || f.assertion !== 'present') continue;
    const all = [f.concept, ...(f.concept.codings ?? [])];
    if (!all.some((c) => codes.includes(c.code))) continue;
    const v = convert(f.value.value, f.value.unit);
    if (v === undefined) continue;
    const t = factStart(f.time) ?? 0;
    if (!best || t >= best.t) best = { t, v };
  }
  return best ? Math.round(best.v * 10) / 10 : undefined;
}

/**
 * Patient → Demographics at a moment: sex, age at `at`, deceased by then, and the latest weight and
 * height among the facts (already filtered to `at`).
 */
export function demographicsOf(patient: Patient | undefined, at: string, facts: readonly Fact[]): Demographics {
  const g = patient?.gender;
  const sex: Sex = g === 'male' || g === 'female' || g === 'other' ? g : 'unknown';
  const atMs = instant(at) ?? Date.now();
  const deceasedAt = patient?.deceasedDateTime ? instant(patient.deceasedDateTime) : undefined;
  const deceased = deceasedAt !== undefined ? deceasedAt <= atMs : patient?.deceasedBoolean === true ? true : undefined;
  // A patient who has died is as old as they were at death, not as old as they would be today.
  const diedAt = deceasedAt !== undefined && deceasedAt <= atMs ? patient?.deceasedDateTime : undefined;
  const age = patient?.birthDate ? ageAt(patient.birthDate, diedAt ?? at) : undefined;
  const weightKg = latest(facts, weightCodes, toKg);
  const heightCm = latest(facts, heightCodes, toCm);
  return {
    sex,
    ...(patient?.birthDate ? { birthDate: patient.birthDate } : {}),
    ...(age !== undefined ? { age } : {}),
    ...(deceased !== undefined ? { deceased } : {}),
    ...(diedAt ? { deceasedDateTime: diedAt } : {}),
    ...(weightKg !== undefined ? { weightKg } : {}),
    ...(heightCm !== undefined ? { heightCm } : {}),
  };
}
