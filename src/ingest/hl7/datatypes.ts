import type { Hl7Segment } from '@medplum/core';
import { Hl7Error, type Hl7Location } from './error.js';
import { repetitions, subValue, value } from './message.js';

/**
 * v2 data types → FHIR R4 data types, after the v2-to-FHIR IG's data type maps
 * (https://hl7.org/fhir/uv/v2mappings/ — ConceptMaps "CWE[CodeableConcept]", "CX[Identifier]",
 * "XPN[HumanName]", "XAD[Address]", "XTN[ContactPoint]", "EI[Identifier]", "DTM[dateTime]").
 */
type Json = Record<string, unknown>;

/** Where a field of a segment sits, for errors. */
export interface FieldRef {
  readonly segment: Hl7Segment;
  readonly sequence: number;
}

export function at(ref: FieldRef, field: number, component?: number): Hl7Location {
  return { segment: ref.segment.name, sequence: ref.sequence, field, ...(component ? { component } : {}) };
}

/**
 * HL7 table 0396 coding system names → FHIR system URIs (https://terminology.hl7.org/CodeSystem-v2-0396.html
 * and the IG's "Table HL70396 to FHIR system" guidance). A name not listed keeps a MedSeek URN so
 * that it is never mistaken for a standard system.
 */
const SYSTEMS: Readonly<Record<string, string>> = {
  LN: 'http://loinc.org',
  LOINC: 'http://loinc.org',
  SCT: 'http://snomed.info/sct',
  SNM: 'http://snomed.info/sct',
  I10: 'http://hl7.org/fhir/sid/icd-10',
  I10C: 'http://hl7.org/fhir/sid/icd-10-cm',
  I9C: 'http://hl7.org/fhir/sid/icd-9-cm',
  RXN: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  UCUM: 'http://unitsofmeasure.org',
  NDC: 'http://hl7.org/fhir/sid/ndc',
  CVX: 'http://hl7.org/fhir/sid/cvx',
  ATC: 'http://www.whocc.no/atc',
};

export function systemUri(name: string): string | undefined {
  if (!name) return undefined;
  const upper = name.toUpperCase();
  if (SYSTEMS[upper]) return SYSTEMS[upper];
  const table = /^HL7(\d{4})$/.exec(upper);
  if (table) return `http://terminology.hl7.org/CodeSystem/v2-${table[1]}`;
  if (/^(urn:|https?:\/\/)/.test(name)) return name;
  return `urn:medseek:hl7v2:codesystem:${encodeURIComponent(name)}`;
}

/** CWE/CE/CNE (code ^ text ^ system ^ alt code ^ alt text ^ alt system … ^ original text at .9). */
export function codeableConcept(segment: Hl7Segment, n: number, rep = 0): Json | undefined {
  const coding: Json[] = [];
  for (const base of [1, 4]) {
    const code = value(segment, n, base, rep);
    const display = value(segment, n, base + 1, rep);
    const system = systemUri(value(segment, n, base + 2, rep));
    if (code) coding.push({ ...(system ? { system } : {}), code, ...(display ? { display } : {}) });
  }
  const text = value(segment, n, 9, rep) || value(segment, n, 2, rep) || value(segment, n, 5, rep);
  if (coding.length === 0 && !text) return undefined;
  return { ...(coding.length ? { coding } : {}), ...(text ? { text } : {}) };
}

/** HD (namespace & universal id & universal id type) → an identifier system URI. */
function hdSystem(namespace: string, universal: string, type: string): string | undefined {
  if (universal && type.toUpperCase() === 'ISO') return `urn:oid:${universal}`;
  if (universal && /^(URI|URL)$/i.test(type)) return universal;
  const name = namespace || universal;
  return name ? `urn:medseek:hl7v2:assigner:${encodeURIComponent(name)}` : undefined;
}

/**
 * CX (id ^ check digit ^ scheme ^ assigning authority (HD) ^ type ^ assigning facility): one
 * Identifier. Without CX.4 the assigning facility (CX.6), then `fallbackAuthority`, names the system.
 */
export function identifierCx(segment: Hl7Segment, n: number, rep: number, fallbackAuthority: string): Json | undefined {
  const id = value(segment, n, 1, rep);
  if (!id) return undefined;
  const system =
    hdSystem(subValue(segment, n, 4, 1, rep), subValue(segment, n, 4, 2, rep), subValue(segment, n, 4, 3, rep)) ??
    hdSystem(subValue(segment, n, 6, 1, rep), subValue(segment, n, 6, 2, rep), subValue(segment, n, 6, 3, rep)) ??
    hdSystem(fallbackAuthority, '', '');
  const type = value(segment, n, 5, rep);
  return {
    ...(type ? { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: type }] } } : {}),
    ...(system ? { system } : {}),
    value: id,
  };
}

/** EI (entity id ^ namespace ^ universal id ^ type) → Identifier; `type` is a v2-0203 code (PLAC, FILL). */
export function identifierEi(
  segment: Hl7Segment,
  n: number,
  type: string,
  fallbackAuthority: string,
): Json | undefined {
  const id = value(segment, n, 1);
  if (!id) return undefined;
  const system =
    hdSystem(value(segment, n, 2), value(segment, n, 3), value(segment, n, 4)) ?? hdSystem(fallbackAuthority, '', '');
  return {
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: type }] },
    ...(system ? { system } : {}),
    value: id,
  };
}

export function identifierKey(identifier: Json | undefined): string | undefined {
  if (!identifier) return undefined;
  return `${(identifier.system as string | undefined) ?? ''}|${identifier.value as string}`;
}

/** HL7 table 0200 name type → HumanName.use (IG ConceptMap "Table HL70200 to Name Use"). */
const NAME_USE: Readonly<Record<string, string>> = {
  L: 'official',
  D: 'usual',
  M: 'maiden',
  N: 'nickname',
  A: 'anonymous',
  TEMP: 'temp',
};
const CJK = /[\u3400-\u9fff]/;

/** XPN (family ^ given ^ second given ^ suffix ^ prefix ^ degree ^ name type). */
export function humanNames(segment: Hl7Segment, n: number): Json[] {
  const out: Json[] = [];
  for (let rep = 0; rep < repetitions(segment, n); rep++) {
    const family = subValue(segment, n, 1, 1, rep);
    const given = [value(segment, n, 2, rep), value(segment, n, 3, rep)].filter(Boolean);
    const suffix = value(segment, n, 4, rep);
    const prefix = value(segment, n, 5, rep);
    const use = NAME_USE[value(segment, n, 7, rep).toUpperCase()];
    if (!family && given.length === 0) continue;
    // A Chinese name is written family name first with no space: keep that as the text.
    const text = CJK.test(family + given.join('')) ? family + given.join('') : undefined;
    out.push({
      ...(use ? { use } : {}),
      ...(text ? { text } : {}),
      ...(family ? { family } : {}),
      ...(given.length ? { given } : {}),
      ...(prefix ? { prefix: [prefix] } : {}),
      ...(suffix ? { suffix: [suffix] } : {}),
    });
  }
  return out;
}

/** HL7 table 0190 address type → Address.use (IG ConceptMap "Table HL70190 to Address Use"). */
const ADDRESS_USE: Readonly<Record<string, string>> = { H: 'home', B: 'work', O: 'work', C: 'temp', BA: 'old' };

/** XAD (street ^ other designation ^ city ^ state ^ zip ^ country ^ type). */
export function addresses(segment: Hl7Segment, n: number): Json[] {
  const out: Json[] = [];
  for (let rep = 0; rep < repetitions(segment, n); rep++) {
    const line = [subValue(segment, n, 1, 1, rep), value(segment, n, 2, rep)].filter(Boolean);
    const parts = {
      city: value(segment, n, 3, rep),
      state: value(segment, n, 4, rep),
      postalCode: value(segment, n, 5, rep),
      country: value(segment, n, 6, rep),
    };
    const use = ADDRESS_USE[value(segment, n, 7, rep).toUpperCase()];
    const present = Object.fromEntries(Object.entries(parts).filter(([, v]) => v));
    if (line.length === 0 && Object.keys(present).length === 0) continue;
    out.push({ ...(use ? { use } : {}), ...(line.length ? { line } : {}), ...present });
  }
  return out;
}

/** HL7 tables 0201/0202 (telecom use, equipment) → ContactPoint (IG "XTN[ContactPoint]"). */
const TELECOM_USE: Readonly<Record<string, string>> = {
  PRN: 'home',
  WPN: 'work',
  PRS: 'mobile',
  VHN: 'home',
  EMR: 'temp',
};

export function contactPoints(segment: Hl7Segment, n: number, defaultUse?: string): Json[] {
  const out: Json[] = [];
  for (let rep = 0; rep < repetitions(segment, n); rep++) {
    const equipment = value(segment, n, 3, rep).toUpperCase();
    const email = value(segment, n, 4, rep);
    const composed = [value(segment, n, 5, rep), value(segment, n, 6, rep), value(segment, n, 7, rep)]
      .filter(Boolean)
      .join(' ');
    const v = email || value(segment, n, 1, rep) || composed;
    if (!v) continue;
    const system = email || equipment === 'INTERNET' ? 'email' : equipment === 'FX' ? 'fax' : 'phone';
    const use = equipment === 'CP' ? 'mobile' : (TELECOM_USE[value(segment, n, 2, rep).toUpperCase()] ?? defaultUse);
    out.push({ system, value: v, ...(use ? { use } : {}) });
  }
  return out;
}

/** XCN (id ^ family ^ given …) → a display-only Reference (practitioners are not created from v2 names). */
export function practitionerDisplay(segment: Hl7Segment, n: number, rep = 0): Json | undefined {
  const id = value(segment, n, 1, rep);
  const family = subValue(segment, n, 2, 1, rep);
  const given = value(segment, n, 3, rep);
  const prefix = value(segment, n, 6, rep);
  const name = CJK.test(family + given) ? family + given : [prefix, given, family].filter(Boolean).join(' ');
  const display = name || id;
  if (!display) return undefined;
  return { display, ...(id ? { identifier: { value: id } } : {}) };
}

const DTM = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2}(?:\.\d{1,4})?)?([+-]\d{4})?$/;

/**
 * DTM/TS/DT (YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]) → FHIR date or dateTime. FHIR needs an
 * offset on a time of day: one the value lacks comes from `defaultOffset` (MSH-7's, else configured).
 * `dateOnly`: a FHIR `date` (birthDate), the time of day dropped.
 */
export function dateTime(
  segment: Hl7Segment,
  n: number,
  where: Hl7Location,
  defaultOffset: string,
  options: { dateOnly?: boolean; component?: number } = {},
): string | undefined {
  const raw = value(segment, n, options.component ?? 1);
  if (!raw) return undefined;
  return toFhirDateTime(raw, where, defaultOffset, options.dateOnly ?? false);
}

export function toFhirDateTime(raw: string, where: Hl7Location, defaultOffset: string, dateOnly: boolean): string {
  const m = DTM.exec(raw.trim());
  const bad = (why: string) => new Hl7Error('AE', 102, where, `'${raw}' is not an HL7 date/time (${why})`);
  if (!m) throw bad('expected YYYY[MM[DD[HHMM[SS]]]][+/-ZZZZ]');
  const [, y, mo, d, h, mi, s, tz] = m;
  if (mo && (Number(mo) < 1 || Number(mo) > 12)) throw bad('month out of range');
  if (d && (Number(d) < 1 || Number(d) > daysIn(Number(y), Number(mo)))) throw bad('day out of range');
  if (h && Number(h) > 23) throw bad('hour out of range');
  if (mi && Number(mi) > 59) throw bad('minute out of range');
  if (s && Number(s) >= 60) throw bad('second out of range');
  const date = [y, mo, d].filter(Boolean).join('-');
  if (!h || dateOnly || !d) return date;
  const offset = tz ? `${tz.slice(0, 3)}:${tz.slice(3)}` : defaultOffset;
  const seconds = s ? (s.includes('.') ? s.padStart(2, '0') : s) : '00';
  return `${date}T${h}:${mi ?? '00'}:${seconds}${offset}`;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The `+HH:MM` offset of an HL7 date/time, if it carries one. */
export function offsetOf(raw: string): string | undefined {
  const tz = DTM.exec(raw.trim())?.[7];
  return tz ? `${tz.slice(0, 3)}:${tz.slice(3)}` : undefined;
}
