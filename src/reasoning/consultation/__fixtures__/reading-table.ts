import { expect, it } from 'vitest';
import { readAnswer } from '../reading.js';

/** One phrasing and its expected reading: the question (a DDXPlus evidence or a slot), language, text, value. */
export type Row = readonly [question: string, lang: 'zh' | 'en', text: string, value: string];

/** The answer read as the session reads it: a slot question for the three history slots, else a yes/no question. */
export const read = ([question, lang, text]: Row) => {
  const slot = ['duration', 'allergies', 'medications'].includes(question);
  return readAnswer(
    slot ? { id: question, kind: 'slot', slot: question } : { id: question, kind: 'binary' },
    text,
    lang,
  );
};

/** One test per row: the phrasing reads to the row's value. */
export const table = (rows: readonly Row[]) =>
  it.each(rows.map((r) => [r[2], r[0], r[3], r] as const))('%s (%s) → %s', (_t, _q, value, row) => {
    expect(read(row).value).toBe(value);
  });
