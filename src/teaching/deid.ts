import { createHash } from 'node:crypto';
import type { Lang } from '../core/index.js';
import {
  Deidentifier,
  findDates,
  type PatientLike,
  type PhiKind,
  patientIdentifiers,
  patientNames,
} from '../llm/index.js';

/**
 * De-identification for teaching cases: the LLM stage's de-identifier (llm/deid), primed with what
 * the source record says about the person (names, identifiers, phone numbers, address lines); then
 * every date left is masked rather than shifted — a case needs intervals ("3 days"), not calendar
 * dates — and placeholders read as prose ("the patient", 患者). Ages over 89 become 90+ (Safe Harbor).
 */

/** What a source record says about the person, as the de-identifier takes it. */
export interface PersonOfRecord {
  readonly id?: string;
  readonly names: readonly string[];
  readonly identifiers: readonly { readonly kind: PhiKind; readonly value: string }[];
}

/** The person of a FHIR Patient: each name part and whole name, identifiers, phones, address lines, its id. */
export function personOfPatient(p: FhirPatientLike | undefined): PersonOfRecord {
  if (!p) return { names: [], identifiers: [] };
  return { ...(p.id ? { id: p.id } : {}), names: patientNames(p), identifiers: patientIdentifiers(p) };
}

export interface FhirPatientLike extends PatientLike {
  readonly gender?: string;
  readonly birthDate?: string;
}

/** A text de-identifier for one source record. */
export function caseDeidentifier(person: PersonOfRecord, lang: Lang): (text: string) => string {
  const d = new Deidentifier({ knownNames: person.names, knownIdentifiers: person.identifiers, shiftDays: 0 });
  const patient = lang === 'zh' ? '患者' : 'the patient';
  const masked = lang === 'zh' ? '[已隐去]' : '[removed]';
  const date = lang === 'zh' ? '[日期]' : '[date]';
  return (text: string) => {
    // The record's own id first: it is in references, which the detector does not look for.
    const own = person.id ? text.split(person.id).join(masked) : text;
    const out = d.deidentify(own).text;
    let masks = '';
    let at = 0;
    for (const m of findDates(out)) {
      masks += out.slice(at, m.start) + date;
      at = m.end;
    }
    masks += out.slice(at);
    masks = masks.replace(LOOSE_DATE, date);
    const places = lang === 'zh' ? masks.replace(NATIVE_PLACE, (_m, pre: string) => `${pre}${masked}`) : masks;
    return places
      .replace(/\[NAME_\d+\]/g, patient)
      .replace(/\[(?:ID|INSURANCE|MRN|PHONE|EMAIL|ADDRESS)_\d+\]/g, masked);
  };
}

/**
 * A place of residence or origin as Chinese records open (`承德市双滦区人`, `示例县石桥镇柳树村人`,
 * `东城区幸福路12号人`): a clause ending in 人 that names an administrative unit or a street. The LLM
 * stage's detector looks for addresses with their cue words (住址…); this clause has none.
 */
const NATIVE_PLACE =
  /(^|[，,、。；;\s])([^，,、。；;\s]{0,40}(?:省|市|县|区|旗|镇|乡|村|街道|小区|路|街|号|单元)[^，,、。；;\s]{0,12}人)(?=[，,。；;\s]|$)/gu;

/** Dates the shared detector misses in run-on records (`2016--10--1`, `2016年10月1日`, `2017-01-1112:04`). */
const SEP = String.raw`\s*(?:-{1,2}|－|\.|\/|[年月])\s*`;
const LOOSE_DATE = new RegExp(
  String.raw`(?<!\d)(?:19|20)\d{2}${SEP}\d{1,2}${SEP}\d{1,2}日?(?=\d{1,2}[:：]\d{2}|(?!\d))`,
  'g',
);

/** A case id that does not name the record: a one-way hash of where it came from. */
export function caseId(origin: string, key: string): string {
  return `case-${createHash('sha256').update(`teaching\u0000${origin}\u0000${key}`).digest('hex').slice(0, 12)}`;
}

/** Age in whole years at a date, or undefined; 90 and over as `90+` (HIPAA Safe Harbor). */
export function ageAt(birthDate: string | undefined, at: string | undefined): string | undefined {
  if (!birthDate || !at) return undefined;
  const b = new Date(birthDate);
  const d = new Date(at);
  if (Number.isNaN(b.getTime()) || Number.isNaN(d.getTime())) return undefined;
  let age = d.getUTCFullYear() - b.getUTCFullYear();
  if (d.getUTCMonth() < b.getUTCMonth() || (d.getUTCMonth() === b.getUTCMonth() && d.getUTCDate() < b.getUTCDate()))
    age--;
  if (age < 0) return undefined;
  return age >= 90 ? '90+' : String(age);
}
