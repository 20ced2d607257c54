import { fileURLToPath } from 'node:url';
import { evaluateQc, type QcEncounter, qualityRulesFromData } from '../../src/reasoning/index.js';
import { loadCleanRecords } from './records.js';

/**
 * The bench's dev records (bench/data/qc/dev) by id ("h01", "k04"), and one rule's findings on an encounter,
 * for the engine's forms tests (src/reasoning/quality/forms-dev*.test.ts). It lives in bench/ because a non-test
 * file of src/ may not import bench (test/layering.test.ts).
 */
const BOOK = qualityRulesFromData();
/** The bench's "now" (bench/qc.ts): every stay is over, so every time limit has run out. */
const NOW = '2026-12-01T00:00:00+08:00';

export const DEV_RECORDS: ReadonlyMap<string, QcEncounter> = new Map(
  loadCleanRecords(fileURLToPath(new URL('../data/qc/dev', import.meta.url)), 'fresh', 'dev').map((r) => [
    r.id,
    r.encounter,
  ]),
);

/** The zh statements of rule `rule`'s findings on `enc`. */
export const found = (enc: QcEncounter, rule: string): string[] =>
  evaluateQc(enc, BOOK, { now: NOW })
    .issues.filter((i) => i.ruleId === rule)
    .map((i) => i.conclusion.statement.zh ?? '');

/**
 * A deep copy of dev record `id` edited by `edit`, seen through `E`, the test's own view of the fields it edits
 * (a defect or a form written into a clean record).
 */
export function changed<E>(id: string, edit: (e: E) => void): QcEncounter {
  const base = DEV_RECORDS.get(id);
  if (!base) throw new Error(`${id}: no such dev record`);
  const e = structuredClone(base) as unknown as E;
  edit(e);
  return e as unknown as QcEncounter;
}

/** Dev record `id` with the text of its document `docId` rewritten by `f` (a form or a defect written into it). */
export const editDocument = (id: string, docId: string, f: (text: string) => string): QcEncounter =>
  changed<{ documents: { id: string; text: string }[] }>(id, (e) => {
    const d = e.documents.find((x) => x.id === docId);
    if (!d) throw new Error(`${id}: no document ${docId}`);
    d.text = f(d.text);
  });
