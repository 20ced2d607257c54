import { allFacts, type Fact, type PatientState } from '../../src/core/index.js';
import type { AskAnswer } from '../../src/agents/index.js';
import type { AskQuestion } from './questions.js';

export type Outcome = 'correct' | 'refused' | 'wrong';

export interface Graded {
  readonly outcome: Outcome;
  /** A wrong answer with a shown sentence whose cited facts do not state it. */
  readonly unsupportedCitation: boolean;
  readonly why?: string;
}

const NUMBER = /\d+(?:\.\d+)?/g;

function doses(d: Fact['dosage']): string[] {
  return d ? [String(d.dose?.value ?? ''), String(d.strength?.value ?? ''), d.frequency?.code ?? ''] : [];
}

/**
 * Independently of the answer's own checks: the numbers a shown sentence states are among its
 * cited facts' values, times, value texts, names, doses and their drug courses' event times and doses.
 */
export function citedFactsState(text: string, factIds: readonly string[], state: PatientState): boolean {
  const facts = new Map(allFacts(state).map((f) => [f.id, f]));
  const cited = factIds.map((id) => facts.get(id)).filter((f): f is Fact => f !== undefined);
  if (cited.length === 0) return false;
  const said: string[] = [];
  for (const f of cited) {
    if (f.value) said.push(String(f.value.value), String(f.value.value2 ?? ''));
    said.push(
      f.time?.start ?? '',
      f.time?.end ?? '',
      f.valueText ?? '',
      f.concept.display ?? '',
      f.concept.displayZh ?? '',
    );
    said.push(...doses(f.dosage));
    for (const c of state.medications ?? [])
      if (c.factIds.includes(f.id))
        for (const e of c.events) said.push(e.time ?? '', e.reason ?? '', ...doses(e.dosage));
  }
  const numbers = said.flatMap((s) => [...s.matchAll(NUMBER)].map((m) => Number(m[0])));
  return [...text.matchAll(NUMBER)].every((m) => {
    const d = m[0].includes('.') ? m[0].length - m[0].indexOf('.') - 1 : 0;
    return numbers.some((n) => Number(n.toFixed(d)) === Number(m[0]));
  });
}

export function grade(q: AskQuestion, a: AskAnswer, state: PatientState): Graded {
  const shown = a.sentences.map((s) => s.text).join(' ');
  const lower = shown.toLowerCase();
  const unsupportedCitation = a.sentences.some(
    (s) => s.kind === 'record' && !citedFactsState(s.text, s.factIds, state),
  );
  if (q.unanswerable) {
    // The right answer says the record does not answer it: a refusal, or only "nothing recorded" sentences.
    const saysAbsent = a.sentences.length > 0 && a.sentences.every((s) => s.kind === 'absence' || s.kind === 'refusal');
    if (a.refused || saysAbsent) return { outcome: 'correct', unsupportedCitation: false };
    return { outcome: 'wrong', unsupportedCitation, why: `answered an unanswerable question: ${shown}` };
  }
  if (a.refused) return { outcome: 'refused', unsupportedCitation: false };
  const missing = (q.must ?? []).filter((group) => !group.some((alt) => lower.includes(alt.toLowerCase())));
  const forbidden = (q.mustNot ?? []).filter((w) => lower.includes(w.toLowerCase()));
  if (missing.length === 0 && forbidden.length === 0) return { outcome: 'correct', unsupportedCitation: false };
  const lacks = missing.length ? `missing ${missing.map((g) => g.join('|')).join('; ')}` : '';
  const says = forbidden.length ? ` says ${forbidden.join(', ')}` : '';
  return { outcome: 'wrong', unsupportedCitation, why: `${lacks}${says}: ${shown}` };
}
