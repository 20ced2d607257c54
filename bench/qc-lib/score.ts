import { type JudgementBook, judgementOf } from './judgements.js';
import type { Label } from './variants.js';

/** One engine finding, reduced to what scoring needs. */
export interface Finding {
  readonly ruleId: string;
  readonly statement?: string;
}

/** A record as scored: its base (whose judgements apply), its injected labels, and the engine's findings. */
export interface ScoredRecord {
  readonly id: string;
  readonly base: string;
  readonly labels: readonly Label[];
  readonly findings: readonly Finding[];
}

export type Verdict =
  /** matches a defect injected into this record (counts for recall) */
  | 'injected'
  /** the injected defect read by another rule (`also`): true, not counted for recall */
  | 'collateral'
  /** judged true on the clean base record */
  | 'judged-true'
  /** judged false on the clean base record, or not among its expected findings */
  | 'judged-false'
  /** the base record has no judgements at all */
  | 'unjudged';

export function verdictOf(rec: ScoredRecord, f: Finding, book: JudgementBook): Verdict {
  if (rec.labels.some((l) => l.ruleId === f.ruleId)) return 'injected';
  if (rec.labels.some((l) => l.also.includes(f.ruleId))) return 'collateral';
  const j = judgementOf(book, rec.base, f.ruleId);
  if (!j) return 'unjudged';
  return j.verdict ? 'judged-true' : 'judged-false';
}

export interface Tally {
  findings: number;
  truePositives: number;
  falsePositives: number;
  unjudged: number;
  injected: number;
  detected: number;
}

export interface Row extends Tally {
  readonly key: string;
  /** true / (true + false); unjudged findings are left out and reported. NaN when nothing was judged. */
  readonly precision: number;
  /** detected / injected; NaN when nothing was injected. */
  readonly recall: number;
}

export interface FalsePositive {
  readonly record: string;
  readonly ruleId: string;
  readonly statement?: string;
}

export interface Miss {
  readonly record: string;
  readonly ruleId: string;
  readonly injection: string;
  readonly what: string;
}

export interface Score {
  readonly records: number;
  readonly total: Row;
  readonly byFamily: readonly Row[];
  readonly byRule: readonly Row[];
  readonly falsePositives: readonly FalsePositive[];
  readonly misses: readonly Miss[];
  readonly unjudged: readonly FalsePositive[];
}

const empty = (): Tally => ({
  findings: 0,
  truePositives: 0,
  falsePositives: 0,
  unjudged: 0,
  injected: 0,
  detected: 0,
});

const row = (key: string, t: Tally): Row => ({
  key,
  ...t,
  precision: t.truePositives + t.falsePositives ? t.truePositives / (t.truePositives + t.falsePositives) : Number.NaN,
  recall: t.injected ? t.detected / t.injected : Number.NaN,
});

/**
 * Precision over every finding (each judged: injected, collateral or from the base record's judgements)
 * and recall over every injected defect (detected when the record has a finding of the label's rule),
 * in total, per rule family (`familyOf`) and per rule.
 */
export function score(
  records: readonly ScoredRecord[],
  book: JudgementBook,
  familyOf: (ruleId: string) => string,
): Score {
  const total = empty();
  const fam = new Map<string, Tally>();
  const rule = new Map<string, Tally>();
  const at = (m: Map<string, Tally>, k: string): Tally => {
    const t = m.get(k) ?? empty();
    m.set(k, t);
    return t;
  };
  const falsePositives: FalsePositive[] = [];
  const unjudged: FalsePositive[] = [];
  const misses: Miss[] = [];
  for (const rec of records) {
    for (const f of rec.findings) {
      const v = verdictOf(rec, f, book);
      const ts = [total, at(fam, familyOf(f.ruleId)), at(rule, f.ruleId)];
      for (const t of ts) {
        t.findings++;
        if (v === 'unjudged') t.unjudged++;
        else if (v === 'judged-false') t.falsePositives++;
        else t.truePositives++;
      }
      const fp = { record: rec.id, ruleId: f.ruleId, ...(f.statement ? { statement: f.statement } : {}) };
      if (v === 'judged-false') falsePositives.push(fp);
      if (v === 'unjudged') unjudged.push(fp);
    }
    for (const l of rec.labels) {
      const hit = rec.findings.some((f) => f.ruleId === l.ruleId);
      for (const t of [total, at(fam, familyOf(l.ruleId)), at(rule, l.ruleId)]) {
        t.injected++;
        if (hit) t.detected++;
      }
      if (!hit) misses.push({ record: rec.id, ruleId: l.ruleId, injection: l.injection, what: l.what });
    }
  }
  const sorted = (m: Map<string, Tally>) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => row(k, t));
  return {
    records: records.length,
    total: row('all', total),
    byFamily: sorted(fam),
    byRule: sorted(rule),
    falsePositives,
    misses,
    unjudged,
  };
}

/**
 * The findings of a variant that its clean base record does not have (same rule and message, counted
 * with multiplicity): what the injected defects changed. Scoring these gives precision on the injected
 * defects alone, apart from the base record's standing false positives repeated in every variant.
 */
export function newFindings(variant: readonly Finding[], base: readonly Finding[]): Finding[] {
  const left = new Map<string, number>();
  const key = (f: Finding) => `${f.ruleId}\u0000${f.statement ?? ''}`;
  for (const f of base) left.set(key(f), (left.get(key(f)) ?? 0) + 1);
  return variant.filter((f) => {
    const n = left.get(key(f)) ?? 0;
    if (n === 0) return true;
    left.set(key(f), n - 1);
    return false;
  });
}
