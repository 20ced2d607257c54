import type { FhirResource } from './resource-store.js';

/**
 * What the store extracts from a resource at write time so that search never has to look inside
 * the JSONB: its patient, its code tokens, its identifiers and its clinical date as a range.
 * Paths follow the R4 search parameters `patient`, `code` and `date` of each type
 * (https://hl7.org/fhir/R4/searchparameter-registry.html).
 */
export interface ResourceIndex {
  readonly patientId: string | null;
  readonly codes: string[];
  readonly identifiers: string[];
  /** ISO instant, `-infinity` or null when the resource has no date. */
  readonly dateStart: string | null;
  /** Exclusive upper bound: ISO instant, `infinity` or null. */
  readonly dateEnd: string | null;
}

type Json = Record<string, unknown>;

/** Elements holding a CodeableConcept (or Coding) searched as `code`, per type. */
const CODE_PATHS: Record<string, readonly string[]> = {
  Observation: ['code'],
  Condition: ['code'],
  MedicationRequest: ['medicationCodeableConcept'],
  MedicationStatement: ['medicationCodeableConcept'],
  MedicationAdministration: ['medicationCodeableConcept'],
  MedicationDispense: ['medicationCodeableConcept'],
  Medication: ['code'],
  Procedure: ['code'],
  AllergyIntolerance: ['code'],
  DiagnosticReport: ['code'],
  DocumentReference: ['type'],
  // ImagingStudy has no R4 `code` parameter; its procedure, modality and reason stand in for it.
  ImagingStudy: ['procedureCode', 'modality', 'series.modality', 'reasonCode'],
  Immunization: ['vaccineCode'],
  Encounter: ['type'],
  ServiceRequest: ['code'],
  FamilyMemberHistory: ['condition.code'],
};

/**
 * Elements giving the clinical date, in order of preference, per type. A choice type `x[x]` is
 * tried as every dateTime-ish variant (`xDateTime`, `xPeriod`, `xInstant`).
 */
const DATE_PATHS: Record<string, readonly string[]> = {
  Observation: ['effective[x]', 'issued'],
  Condition: ['onset[x]', 'recordedDate'],
  MedicationRequest: ['authoredOn'],
  MedicationStatement: ['effective[x]', 'dateAsserted'],
  MedicationAdministration: ['effective[x]'],
  Procedure: ['performed[x]'],
  AllergyIntolerance: ['recordedDate', 'onset[x]'],
  DiagnosticReport: ['effective[x]', 'issued'],
  DocumentReference: ['date', 'context.period'],
  ImagingStudy: ['started'],
  Encounter: ['period'],
  Immunization: ['occurrence[x]'],
  CarePlan: ['period'],
  Claim: ['billablePeriod', 'created'],
  ExplanationOfBenefit: ['billablePeriod', 'created'],
  ServiceRequest: ['occurrence[x]', 'authoredOn'],
  FamilyMemberHistory: ['date'],
};
const GENERIC_DATE_PATHS = ['effective[x]', 'period', 'date', 'issued'];

/** Elements referencing the patient whose compartment a resource is in. */
const PATIENT_REFS = ['subject', 'patient', 'beneficiary'];

export function indexResource(r: FhirResource): ResourceIndex {
  const [dateStart, dateEnd] = clinicalDate(r);
  return { patientId: patientOf(r), codes: codeTokens(r), identifiers: identifierTokens(r), dateStart, dateEnd };
}

/** `Patient.id` itself, or the id in `subject`/`patient`/`beneficiary` when it points at a Patient. */
export function patientOf(r: FhirResource): string | null {
  if (r.resourceType === 'Patient') return r.id ?? null;
  for (const name of PATIENT_REFS) {
    const ref = (r as Json)[name];
    const id = patientIdFromReference(ref);
    if (id) return id;
  }
  return null;
}

/** `Patient/123`, `http://x/fhir/Patient/123`, `Patient/123/_history/2` → `123`. */
export function patientIdFromReference(ref: unknown): string | null {
  if (!ref || typeof ref !== 'object') return null;
  const reference = (ref as Json).reference;
  if (typeof reference !== 'string') return null;
  const m = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m ? m[1]! : null;
}

export function codeTokens(r: FhirResource): string[] {
  const tokens = new Set<string>();
  for (const steps of pathSteps(CODE_PATHS, r.resourceType, ['code'])) {
    for (const value of valuesAt(r, steps)) {
      for (const coding of codingsOf(value)) {
        const system = typeof coding.system === 'string' ? coding.system : '';
        const code = typeof coding.code === 'string' ? coding.code : '';
        if (!code) continue;
        tokens.add(`${system}|${code}`);
        tokens.add(code);
      }
    }
  }
  return [...tokens];
}

export function identifierTokens(r: FhirResource): string[] {
  const ids = (r as Json).identifier;
  if (!Array.isArray(ids)) return [];
  const tokens = new Set<string>();
  for (const i of ids) {
    if (i && typeof i === 'object' && typeof (i as Json).value === 'string') {
      const system = typeof (i as Json).system === 'string' ? ((i as Json).system as string) : '';
      tokens.add(`${system}|${(i as Json).value as string}`);
    }
  }
  return [...tokens];
}

function codingsOf(value: unknown): Json[] {
  if (!value || typeof value !== 'object') return [];
  const v = value as Json;
  if (Array.isArray(v.coding)) return v.coding.filter((c): c is Json => !!c && typeof c === 'object');
  if (typeof v.code === 'string') return [v]; // a Coding
  return [];
}

/** Values at a dotted path (given as its steps), flattening arrays on the way. */
function valuesAt(r: unknown, steps: readonly string[]): unknown[] {
  let current: unknown[] = [r];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const c of current) {
      if (!c || typeof c !== 'object') continue;
      const v = (c as Json)[step];
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined && v !== null) next.push(v);
    }
    current = next;
  }
  return current;
}

/** Each path of a per-type table split into steps (a choice `x[x]` as its date variants), once per type. */
const stepsByTable = new Map<object, Map<string, readonly (readonly string[])[]>>();
function pathSteps(
  table: Record<string, readonly string[]>,
  type: string,
  fallback: readonly string[],
): readonly (readonly string[])[] {
  let byType = stepsByTable.get(table);
  if (!byType) {
    byType = new Map();
    stepsByTable.set(table, byType);
  }
  // Types outside the table share the fallback's entry (a write may name any type).
  const key = Object.hasOwn(table, type) ? type : '';
  let steps = byType.get(key);
  if (!steps) {
    const paths = key ? table[key]! : fallback;
    steps = paths
      .flatMap((path) =>
        path.endsWith('[x]') ? ['DateTime', 'Period', 'Instant', 'Date'].map((s) => path.slice(0, -3) + s) : [path],
      )
      .map((path) => path.split('.'));
    byType.set(key, steps);
  }
  return steps;
}

function clinicalDate(r: FhirResource): [string | null, string | null] {
  for (const steps of pathSteps(DATE_PATHS, r.resourceType, GENERIC_DATE_PATHS)) {
    for (const v of valuesAt(r, steps)) {
      const range = dateRangeOf(v);
      if (range) {
        // A Condition that has abated ends then.
        if (r.resourceType === 'Condition') return conditionRange(r, range);
        return range;
      }
    }
  }
  return [null, null];
}

function conditionRange(r: FhirResource, onset: [string, string]): [string, string] {
  const abated = dateRangeOf((r as Json).abatementDateTime ?? (r as Json).abatementPeriod);
  return abated ? [onset[0], abated[1]] : onset;
}

/** A date, dateTime, instant or Period as [start, end): start inclusive, end exclusive. */
export function dateRangeOf(v: unknown): [string, string] | null {
  if (typeof v === 'string') return fhirDateRange(v);
  if (v && typeof v === 'object') {
    const p = v as Json;
    const start = typeof p.start === 'string' ? fhirDateRange(p.start) : null;
    const end = typeof p.end === 'string' ? fhirDateRange(p.end) : null;
    if (!start && !end) return null;
    return [start ? start[0] : '-infinity', end ? end[1] : 'infinity'];
  }
  return null;
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * The range a FHIR date/dateTime/instant covers at its precision: `2020` is the whole year,
 * `2020-05-01T10:00:00Z` one second. Dates without a zone are read as UTC (the spec leaves the
 * zone of a date to the server).
 */
export function fhirDateRange(value: string): [string, string] | null {
  let range = recentRanges.get(value);
  if (range === undefined) {
    range = computeDateRange(value);
    // Resources written together share their dates (an encounter's observations): a small memo.
    if (recentRanges.size >= 4096) recentRanges.clear();
    recentRanges.set(value, range);
  }
  return range && [range[0], range[1]];
}

const recentRanges = new Map<string, readonly [string, string] | null>();

function computeDateRange(value: string): [string, string] | null {
  const m = DATE_RE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  if (mo === undefined) return [utc(year, 0, 1), utc(year + 1, 0, 1)];
  const month = Number(mo) - 1;
  if (d === undefined) return [utc(year, month, 1), utc(year, month + 1, 1)];
  const day = Number(d);
  if (h === undefined) return [utc(year, month, day), utc(year, month, day + 1)];
  const zone = tz === undefined || tz === 'Z' ? 'Z' : tz;
  const base = `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${frac ?? ''}${zone}`;
  const t = Date.parse(base);
  if (Number.isNaN(t)) return null;
  const step = s === undefined ? 60_000 : frac === undefined ? 1000 : 1;
  return [new Date(t).toISOString(), new Date(t + step).toISOString()];
}

function utc(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m, d)).toISOString();
}

/** The resource as stored: without meta.versionId / meta.lastUpdated (the store owns those). */
export function withoutVersionMeta(r: FhirResource): FhirResource {
  if (!r.meta) return r;
  const { versionId: _v, lastUpdated: _l, ...meta } = r.meta as Json;
  const { meta: _m, ...rest } = r;
  return (Object.keys(meta).length > 0 ? { ...rest, meta } : rest) as FhirResource;
}

/**
 * The search index (store/search/): writes call `indexForSearch` in their transaction to index a
 * resource at once and `deindexForSearch` after a delete; anything not indexed that way is queued
 * by a trigger and indexed before the next search (`refreshSearchIndex`).
 */
export { deindexForSearch, indexForSearch, refreshSearchIndex } from './search/index-queue.js';
