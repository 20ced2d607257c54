import type { Fact, TextSource } from '../../core/index.js';
import { CodeSystems } from '../../core/index.js';
import type { ResultCriterion } from './model.js';

/**
 * Test results as findings, by the criteria a knowledge release gives its result findings
 * (`FindingNode.result`): a measurement read against its reference range (the record's
 * interpretation first, then the record's range, then the release's cited threshold), and a
 * statement (an imaging impression, an ECG reading) found in a sentence of a note or report that
 * names the test. A normal result is a pertinent negative; a negated statement ("未见实变") too.
 */
export type MeasurementCriterion = Extract<ResultCriterion, { kind: 'measurement' }>;
export type StatementCriterion = Extract<ResultCriterion, { kind: 'statement' }>;

/** A note or report text the statements are read from (`document`: its FHIR reference or key). */
export interface NoteText {
  readonly document: string;
  readonly text: string;
}

const HIGH = /^(H|HH|HU|>|AH)$/i;
const LOW = /^(L|LL|LU|<|AL)$/i;
const NORMAL = /^N$/i;

/** UCUM-ish unit key: case, spaces and the micro sign folded (`μmol/L` = `umol/L`). */
const unitKey = (u: string | undefined) => (u ?? '').replace(/\s+/g, '').replace(/[μµ]/g, 'u').toLowerCase();

/** Whether a fact is a measurement of one of the criterion's LOINC codes. */
export function measures(f: Fact, c: MeasurementCriterion): boolean {
  if (f.category !== 'measurement') return false;
  return [f.concept, ...(f.concept.codings ?? [])].some(
    (k) => k.system === CodeSystems.loinc && c.loinc.includes(k.code),
  );
}

/** 'high' / 'low' / 'normal' for a measurement, or undefined when nothing says (no range, no value). */
export function measuredDirection(f: Fact, c: MeasurementCriterion): 'high' | 'low' | 'normal' | undefined {
  const i = f.interpretation?.trim();
  if (i && HIGH.test(i)) return 'high';
  if (i && LOW.test(i)) return 'low';
  if (i && NORMAL.test(i)) return 'normal';
  const v = f.value;
  if (!v || !Number.isFinite(v.value)) return undefined;
  const r = f.referenceRange;
  if (r && (r.low !== undefined || r.high !== undefined) && (!r.unit || unitKey(r.unit) === unitKey(v.unit))) {
    if (r.high !== undefined && v.value > r.high) return 'high';
    if (r.low !== undefined && v.value < r.low) return 'low';
    return 'normal';
  }
  const t = c.threshold;
  if (t && unitKey(t.unit) === unitKey(v.unit)) {
    if (c.direction === 'high') return v.value >= t.value ? 'high' : 'normal';
    return v.value < t.value ? 'low' : 'normal';
  }
  return undefined;
}

/** Present (abnormal in the criterion's direction), absent (normal or the other way), or undefined. */
export function measurementFinding(f: Fact, c: MeasurementCriterion): boolean | undefined {
  const d = measuredDirection(f, c);
  return d === undefined ? undefined : d === c.direction;
}

const SENTENCE = /[^。；;\n!?！？]+/gu;
const CLAUSE_BREAK = /[，,：:、]/u;
const NEGATION = /(未见|未发现|未示|未提示|无|没有|排除|否认|不伴|\bno\b|\bwithout\b|negative for|free of)/iu;

const compiled = new WeakMap<StatementCriterion, { patterns: RegExp[]; context: RegExp[] }>();
function regexes(c: StatementCriterion) {
  let r = compiled.get(c);
  if (!r) {
    r = {
      patterns: c.patterns.map((p) => new RegExp(p, 'giu')),
      // Context words are case-sensitive (CT, ECG) so that English words do not match by accident.
      context: c.context.map((p) => new RegExp(p, 'u')),
    };
    compiled.set(c, r);
  }
  return r;
}

/** Each place a note states the result: present, or absent when the clause negates it. */
export function statementFindings(
  notes: readonly NoteText[],
  c: StatementCriterion,
): { present: boolean; source: TextSource }[] {
  const { patterns, context } = regexes(c);
  const out: { present: boolean; source: TextSource }[] = [];
  for (const note of notes) {
    for (const s of note.text.matchAll(SENTENCE)) {
      const sentence = s[0];
      if (!context.some((x) => x.test(sentence))) continue;
      // Overlapping patterns (心房颤动, 房颤) name one statement: the first match of a span wins.
      const taken: [number, number][] = [];
      for (const p of patterns) {
        p.lastIndex = 0;
        for (const m of sentence.matchAll(p)) {
          const [a, b] = [m.index!, m.index! + m[0].length];
          if (taken.some(([x, y]) => a < y && x < b)) continue;
          taken.push([a, b]);
          const before = sentence.slice(0, m.index);
          const clause = before.slice(lastBreak(before) + 1);
          const start = s.index! + m.index!;
          out.push({
            present: !NEGATION.test(clause),
            source: { kind: 'text', document: note.document, start, end: start + m[0].length, quote: m[0] },
          });
        }
      }
    }
  }
  return out;
}

function lastBreak(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (CLAUSE_BREAK.test(s[i]!)) return i;
  return -1;
}
