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
  /**
   * The findings of the clean base record, for a variant. A finding the variant repeats from its base
   * (same rule and message, with multiplicity) is standing: it was there before any defect was put in,
   * so it is judged as on the base record, never as the injected defect, and it does not detect one.
   * Without it every finding is matched to the labels by rule alone.
   */
  readonly standing?: readonly Finding[];
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

/** `standing`: the finding repeats one of the base record's (see `ScoredRecord.standing`). */
export function verdictOf(rec: ScoredRecord, f: Finding, book: JudgementBook, standing = false): Verdict {
  if (!standing && rec.labels.some((l) => l.ruleId === f.ruleId)) return 'injected';
  if (!standing && rec.labels.some((l) => l.also.includes(f.ruleId))) return 'collateral';
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
 * and recall over every injected defect (detected when the record has a finding of the label's rule that
 * is not standing from its base record), in total, per rule family (`familyOf`) and per rule.
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
    const standing = standingFlags(rec.findings, rec.labels.length && rec.standing ? rec.standing : []);
    for (const [k, f] of rec.findings.entries()) {
      const v = verdictOf(rec, f, book, standing[k]);
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
      const hit = rec.findings.some((f, k) => f.ruleId === l.ruleId && !standing[k]);
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

const findingKey = (f: Finding) => `${f.ruleId}\u0000${f.statement ?? ''}`;

/** For each finding of a variant, whether it repeats one of its base record's (with multiplicity). */
export function standingFlags(variant: readonly Finding[], base: readonly Finding[]): boolean[] {
  const left = new Map<string, number>();
  for (const f of base) left.set(findingKey(f), (left.get(findingKey(f)) ?? 0) + 1);
  return variant.map((f) => {
    const n = left.get(findingKey(f)) ?? 0;
    if (n > 0) left.set(findingKey(f), n - 1);
    return n > 0;
  });
}

/**
 * The findings of a variant that its clean base record does not have (same rule and message, counted
 * with multiplicity): what the injected defects changed. Scoring these gives precision on the injected
 * defects alone, apart from the base record's standing false positives repeated in every variant.
 */
export function newFindings(variant: readonly Finding[], base: readonly Finding[]): Finding[] {
  const standing = standingFlags(variant, base);
  return variant.filter((_, k) => !standing[k]);
}
