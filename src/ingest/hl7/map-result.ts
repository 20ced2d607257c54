import type { MapContext, Mapped } from './context.js';
import { derivedId } from './context.js';
import { at, codeableConcept, dateTime, type FieldRef, identifierEi, toFhirDateTime } from './datatypes.js';
import { Hl7Error } from './error.js';
import { repetitions, value } from './message.js';

type Json = Record<string, unknown>;

/**
 * HL7 table 0085 → ObservationStatus (IG ConceptMap "Table HL70085 to Observation Status"); the codes it
 * leaves unmapped (B, N, O, R, U, V) become unknown.
 */
const OBSERVATION_STATUS: Readonly<Record<string, string>> = {
  A: 'amended',
  C: 'corrected',
  D: 'entered-in-error',
  F: 'final',
  I: 'registered',
  P: 'preliminary',
  S: 'preliminary',
  W: 'entered-in-error',
  X: 'cancelled',
};
/** HL7 table 0123 → DiagnosticReportStatus (IG ConceptMap "Table HL70123 to Diagnostic Report Status"). */
const REPORT_STATUS: Readonly<Record<string, string>> = {
  O: 'registered',
  I: 'registered',
  S: 'partial',
  A: 'partial',
  P: 'preliminary',
  C: 'corrected',
  R: 'partial',
  F: 'final',
  X: 'cancelled',
};
/**
 * HL7 table 0078 abnormal flags → v3 ObservationInterpretation: the IG's ConceptMap "Table HL70078 to
 * Observation Interpretation" maps each code to the same code there. A flag outside it keeps its v2 system.
 */
const INTERPRETATION = new Set([
  'L',
  'H',
  'LL',
  'HH',
  '<',
  '>',
  'N',
  'A',
  'AA',
  'U',
  'D',
  'B',
  'W',
  'S',
  'R',
  'I',
  'NEG',
  'POS',
  'IND',
  'DET',
  'ND',
  'HU',
  'LU',
]);
/** Results that may come without a value (cancelled, in process, deleted). */
const VALUE_OPTIONAL = new Set(['X', 'I', 'D', 'W']);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export interface ReportKey {
  readonly key: string;
  readonly identifiers: Json[];
}

/** OBR-3 filler order number, else OBR-2 placer, else the message and the OBR's position. */
export function reportKey(ctx: MapContext, obr: FieldRef): ReportKey {
  const filler = identifierEi(obr.segment, 3, 'FILL', ctx.authority);
  const placer = identifierEi(obr.segment, 2, 'PLAC', ctx.authority);
  const identifiers = [filler, placer].filter((i): i is Json => i !== undefined);
  const first = identifiers[0];
  const key = first ? `${first.system ?? ''}|${first.value}` : `${ctx.parsed.controlId}|OBR${obr.sequence}`;
  return { key, identifiers };
}

/** OBR (with its OBX) → DiagnosticReport (IG "Segment OBR to DiagnosticReport Map"). */
export function mapReport(
  ctx: MapContext,
  obr: FieldRef,
  subject: string,
  encounter: string | undefined,
  results: readonly Mapped[],
): Mapped {
  const s = obr.segment;
  const code = codeableConcept(s, 4);
  if (!code) throw new Hl7Error('AE', 101, at(obr, 4), 'the universal service identifier (OBR-4) is missing');
  const statusCode = value(s, 25).toUpperCase();
  const status = statusCode ? REPORT_STATUS[statusCode] : 'unknown';
  if (!status) throw new Hl7Error('AE', 103, at(obr, 25), `'${statusCode}' is not a result status of HL7 table 0123`);
  const { key, identifiers } = reportKey(ctx, obr);
  const effective = dateTime(s, 7, at(obr, 7), ctx.defaultOffset);
  const issued = dateTime(s, 22, at(obr, 22), ctx.defaultOffset);
  const section = value(s, 24);
  return {
    from: at(obr, 4),
    resource: {
      resourceType: 'DiagnosticReport',
      id: derivedId('DiagnosticReport', key),
      ...(identifiers.length ? { identifier: identifiers } : {}),
      status,
      ...(section
        ? { category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: section }] }] }
        : {}),
      code,
      subject: { reference: subject },
      ...(encounter ? { encounter: { reference: encounter } } : {}),
      ...(effective ? { effectiveDateTime: effective } : {}),
      // `issued` is an instant: only a time to the second qualifies.
      ...(issued && /T\d\d:\d\d:\d\d/.test(issued) ? { issued } : {}),
      ...(results.length ? { result: results.map((r) => ({ reference: `Observation/${r.resource.id}` })) } : {}),
    },
  };
}

/**
 * OBX → Observation (IG "Segment OBX to Observation Map"): OBX-2 decides the value[x] (NM and SN a
 * Quantity, Range or Ratio with OBX-6 units; ST/TX/FT a string; CWE/CE/CNE a CodeableConcept; DT/DTM/TS
 * a dateTime; TM a time), OBX-7 the reference range, OBX-8 the interpretation, OBX-11 the status.
 */
export function mapObservation(
  ctx: MapContext,
  obx: FieldRef,
  report: { key: string; effective?: string },
  subject: string,
  encounter: string | undefined,
  notes: readonly string[],
): Mapped {
  const s = obx.segment;
  const code = codeableConcept(s, 3);
  if (!code) throw new Hl7Error('AE', 101, at(obx, 3), 'the observation identifier (OBX-3) is missing');
  const statusCode = value(s, 11).toUpperCase();
  if (!statusCode) throw new Hl7Error('AE', 101, at(obx, 11), 'the result status (OBX-11) is missing');
  const status = OBSERVATION_STATUS[statusCode] ?? 'unknown';
  const unit = units(s);
  const observed = observationValue(ctx, obx, unit, statusCode);
  const range = referenceRange(s, unit);
  const interpretation: Json[] = [];
  for (let rep = 0; rep < repetitions(s, 8); rep++) {
    const flag = value(s, 8, 1, rep);
    if (!flag) continue;
    const system = INTERPRETATION.has(flag.toUpperCase())
      ? 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation'
      : 'http://terminology.hl7.org/CodeSystem/v2-0078';
    interpretation.push({
      coding: [{ system, code: INTERPRETATION.has(flag.toUpperCase()) ? flag.toUpperCase() : flag }],
    });
  }
  const effective = dateTime(s, 14, at(obx, 14), ctx.defaultOffset) ?? report.effective;
  const setId = value(s, 1) || String(obx.sequence);
  return {
    from: at(obx, 5),
    resource: {
      resourceType: 'Observation',
      id: derivedId('Observation', report.key, setId, value(s, 3, 1), value(s, 4)),
      status,
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
      ],
      code,
      subject: { reference: subject },
      ...(encounter ? { encounter: { reference: encounter } } : {}),
      ...(effective ? { effectiveDateTime: effective } : {}),
      ...observed,
      ...(interpretation.length ? { interpretation } : {}),
      ...(notes.length ? { note: notes.map((text) => ({ text })) } : {}),
      ...(range ? { referenceRange: [range] } : {}),
    },
  };
}

interface Unit {
  readonly unit?: string;
  readonly system?: string;
  readonly code?: string;
}

/** OBX-6 (CWE): UCUM when OBX-6.3 says so, else the unit as written. */
function units(s: FieldRef['segment']): Unit {
  const code = value(s, 6, 1);
  const text = value(s, 6, 2) || code;
  if (!text) return {};
  const ucum = /^UCUM$/i.test(value(s, 6, 3));
  return { unit: text, ...(ucum ? { system: 'http://unitsofmeasure.org', code } : {}) };
}

function quantity(v: string, unit: Unit, comparator?: string): Json {
  return { value: Number(v), ...(comparator ? { comparator } : {}), ...unit };
}

function observationValue(ctx: MapContext, obx: FieldRef, unit: Unit, statusCode: string): Json {
  const s = obx.segment;
  const type = value(s, 2).toUpperCase();
  const raw = value(s, 5);
  if (!raw && repetitions(s, 5) === 0) {
    if (VALUE_OPTIONAL.has(statusCode)) {
      return {
        dataAbsentReason: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-performed' }],
        },
      };
    }
    throw new Hl7Error(
      'AE',
      101,
      at(obx, 5),
      `the observation value (OBX-5) is missing for a result with status '${statusCode}'`,
    );
  }
  if (!type) throw new Hl7Error('AE', 101, at(obx, 2), 'the value type (OBX-2) is missing while OBX-5 has a value');
  const sent = s.getField(5)?.toString() ?? raw;
  const bad = (why: string) => new Hl7Error('AE', 102, at(obx, 5), `'${sent}' is not a valid ${type} value: ${why}`);
  switch (type) {
    case 'NM':
      if (!NUMBER.test(raw.trim())) throw bad('expected a number');
      return { valueQuantity: quantity(raw.trim(), unit) };
    case 'SN': {
      // SN: comparator ^ number ^ separator/suffix ^ number (v2.5.1 §2.A.74).
      const comparator = value(s, 5, 1);
      const n1 = value(s, 5, 2);
      const sep = value(s, 5, 3);
      const n2 = value(s, 5, 4);
      if (!NUMBER.test(n1) || (n2 && !NUMBER.test(n2))) throw bad('expected comparator^number[^separator^number]');
      if (n2 && sep === '-') return { valueRange: { low: quantity(n1, unit), high: quantity(n2, unit) } };
      if (n2 && (sep === ':' || sep === '/'))
        return { valueRatio: { numerator: quantity(n1, {}), denominator: quantity(n2, {}) } };
      if (comparator && !['<', '>', '<=', '>=', '='].includes(comparator))
        throw bad(`unknown comparator '${comparator}'`);
      return { valueQuantity: quantity(n1, unit, comparator && comparator !== '=' ? comparator : undefined) };
    }
    case 'ST':
    case 'TX':
    case 'FT': {
      const lines: string[] = [];
      for (let rep = 0; rep < repetitions(s, 5); rep++) lines.push(value(s, 5, 1, rep));
      return { valueString: lines.join('\n') };
    }
    case 'CWE':
    case 'CE':
    case 'CNE':
      return { valueCodeableConcept: codeableConcept(s, 5) };
    case 'DT':
    case 'DTM':
    case 'TS':
      return { valueDateTime: toFhirDateTime(raw, at(obx, 5), ctx.defaultOffset, false) };
    case 'TM': {
      const m = /^([01]\d|2[0-3])([0-5]\d)?([0-5]\d)?$/.exec(raw.trim());
      if (!m) throw bad('expected HHMM[SS]');
      return { valueTime: `${m[1]}:${m[2] ?? '00'}:${m[3] ?? '00'}` };
    }
    default:
      throw new Hl7Error(
        'AE',
        102,
        at(obx, 2),
        `value type '${type}' is not one MedSeek maps (NM, SN, ST, TX, FT, CWE, CE, CNE, DT, DTM, TS, TM)`,
      );
  }
}

/** OBX-7: `low-high`, `<high`, `>low`, or text kept as text. */
function referenceRange(s: FieldRef['segment'], unit: Unit): Json | undefined {
  const raw = value(s, 7).trim();
  if (!raw) return undefined;
  const num = '[+-]?\\d+(?:\\.\\d+)?';
  const between = new RegExp(`^(${num})\\s*-\\s*(${num})$`).exec(raw);
  if (between) return { low: quantity(between[1]!, unit), high: quantity(between[2]!, unit) };
  const below = new RegExp(`^<=?\\s*(${num})$`).exec(raw);
  if (below) return { high: quantity(below[1]!, unit) };
  const above = new RegExp(`^>=?\\s*(${num})$`).exec(raw);
  if (above) return { low: quantity(above[1]!, unit) };
  return { text: raw };
}
