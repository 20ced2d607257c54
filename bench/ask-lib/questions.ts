import { readFileSync } from 'node:fs';

/** One question of the set (bench/data/ask/questions.jsonl), with its reference answer from the demo record. */
export interface AskQuestion {
  readonly id: string;
  readonly patient: string;
  readonly lang: 'zh' | 'en';
  readonly question: string;
  /** The reference answer, written from the demo records (demo/zh/*.json, demo/synthea/*.json). */
  readonly reference: string;
  /** The record does not answer it (or it is not a record question): the right answer says so. */
  readonly unanswerable?: boolean;
  /** Each group: one of these must appear in a correct answer (case-insensitive). */
  readonly must?: readonly (readonly string[])[];
  /** None of these may appear in a correct answer. */
  readonly mustNot?: readonly string[];
}

export function loadQuestions(path: string): AskQuestion[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, n }) => {
      let q: AskQuestion;
      try {
        q = JSON.parse(line) as AskQuestion;
      } catch (e) {
        throw new Error(`${path} line ${n}: not JSON (${(e as Error).message})`);
      }
      for (const field of ['id', 'patient', 'lang', 'question', 'reference'] as const)
        if (typeof q[field] !== 'string' || !q[field]) throw new Error(`${path} line ${n}: field ${field} is missing`);
      if (!q.unanswerable && !(Array.isArray(q.must) && q.must.length > 0))
        throw new Error(`${path} line ${n}: field must is missing (or mark the question unanswerable)`);
      return q;
    });
}
