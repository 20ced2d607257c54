import { jsonLines } from '../consult-lib/jsonl.js';

/**
 * What a 质控 officer would flag on a clean record, written from the norms before the engine's output
 * on it was seen (bench/data/qc/judgements.jsonl). One line per (record, rule): `verdict` true means a
 * finding of that rule on the record is correct; `ruleId: "*"` gives the verdict for every rule the
 * record has no line for (usually false: the record was written clean).
 */
export interface Judgement {
  readonly id: string;
  readonly record: string;
  readonly ruleId: string;
  readonly verdict: boolean;
  readonly reason: string;
}

export type JudgementBook = ReadonlyMap<string, ReadonlyMap<string, Judgement>>;

export function parseJudgements(text: string, where: string): JudgementBook {
  const book = new Map<string, Map<string, Judgement>>();
  for (const { at, o } of jsonLines(text, where)) {
    if (typeof o.record !== 'string' || !o.record) throw new Error(`${at}: field record: required`);
    if (typeof o.ruleId !== 'string' || !/^(\*|[A-Z]\d{2})$/.test(o.ruleId))
      throw new Error(`${at}: field ruleId: a rule id such as C01, or *`);
    if (typeof o.verdict !== 'boolean') throw new Error(`${at}: field verdict: true or false`);
    if (typeof o.reason !== 'string' || !o.reason.trim()) throw new Error(`${at}: field reason: required`);
    const rec = book.get(o.record) ?? new Map<string, Judgement>();
    if (rec.has(o.ruleId)) throw new Error(`${at}: field ruleId: ${o.record} ${o.ruleId} is judged twice`);
    rec.set(o.ruleId, { id: o.id, record: o.record, ruleId: o.ruleId, verdict: o.verdict, reason: o.reason });
    book.set(o.record, rec);
  }
  return book;
}

/** The judgement of a rule's finding on a clean record: its own line, else the record's `*` line, else none. */
export function judgementOf(book: JudgementBook, record: string, ruleId: string): Judgement | undefined {
  const rec = book.get(record);
  return rec?.get(ruleId) ?? rec?.get('*');
}

/**
 * One book from several (the main judgements file and the held-out records' own): a record judged in two
 * books is refused, since which of its lines holds would depend on the order the files were read.
 */
export function mergeJudgements(books: readonly { book: JudgementBook; where: string }[]): JudgementBook {
  const out = new Map<string, ReadonlyMap<string, Judgement>>();
  const from = new Map<string, string>();
  for (const { book, where } of books)
    for (const [record, rules] of book) {
      const before = from.get(record);
      if (before) throw new Error(`${where}: record ${record} is judged in ${before} too`);
      from.set(record, where);
      out.set(record, rules);
    }
  return out;
}
