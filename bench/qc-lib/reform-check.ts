import { evaluateQc, type QcEncounter, type QcRuleBook } from '../../src/reasoning/index.js';
import type { BaseRecord, Draft } from './records.js';
import type { Form } from './reform.js';

/** The bench's "now" (bench/qc.ts): every stay is over, so every time limit has run out. */
const NOW = '2026-12-01T00:00:00+08:00';

/**
 * A finding as the form check compares it: its rule and its statement's Chinese words (the digits, times and
 * punctuation a form rewrites are left out, so that a quoted time in another notation is the same finding).
 */
const key = (ruleId: string, statement: string): string => `${ruleId} ${statement.replace(/[^\p{Script=Han}]+/gu, '')}`;

export function findingKeys(enc: QcEncounter, book: QcRuleBook): string[] {
  return evaluateQc(enc, book, { now: NOW }).issues.map((i) => key(i.ruleId, i.conclusion.statement.zh ?? ''));
}

/** The record with every document's text in `form`; undefined when the form changes no text. */
export function reformed(enc: QcEncounter, form: Form): QcEncounter | undefined {
  const e = structuredClone(enc) as Draft<QcEncounter>;
  let changed = false;
  for (const d of e.documents) {
    const text = form.render(d.text);
    if (text !== d.text) {
      d.text = text;
      changed = true;
    }
  }
  return changed ? (e as QcEncounter) : undefined;
}

/** `a` minus `b`, with multiplicity. */
const minus = (a: readonly string[], b: readonly string[]): string[] => {
  const left = [...b];
  return a.filter((x) => {
    const i = left.indexOf(x);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
};

export interface FormDiff {
  readonly record: string;
  readonly form: string;
  readonly appeared: readonly string[];
  readonly disappeared: readonly string[];
}

export interface FormCount {
  readonly form: string;
  readonly group: string;
  /** Records whose text the form rewrote. */
  readonly rewritten: number;
  /** Of those, records whose findings changed. */
  readonly changedRecords: number;
  readonly appeared: number;
  readonly disappeared: number;
}

/** Runs the engine on each record as written and in each form; every finding that appears or disappears. */
export function checkForms(
  bases: readonly BaseRecord[],
  forms: readonly Form[],
  book: QcRuleBook,
): { counts: FormCount[]; diffs: FormDiff[] } {
  const diffs: FormDiff[] = [];
  const counts = forms.map((f) => ({
    form: f.name,
    group: f.group,
    rewritten: 0,
    changedRecords: 0,
    appeared: 0,
    disappeared: 0,
  }));
  for (const b of bases) {
    const before = findingKeys(b.encounter, book);
    forms.forEach((form, i) => {
      const enc = reformed(b.encounter, form);
      if (!enc) return;
      const after = findingKeys(enc, book);
      const appeared = minus(after, before);
      const disappeared = minus(before, after);
      const c = counts[i]!;
      c.rewritten++;
      if (appeared.length || disappeared.length) {
        c.changedRecords++;
        c.appeared += appeared.length;
        c.disappeared += disappeared.length;
        diffs.push({ record: b.id, form: form.name, appeared, disappeared });
      }
    });
  }
  return { counts, diffs };
}
