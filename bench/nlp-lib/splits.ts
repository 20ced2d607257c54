/**
 * Fixed splits for the Chinese NER benches: every scored text has a cross-validation fold and a
 * half. The development half is the only one whose errors anyone may read (lexicon entries, rules,
 * features, hyper-parameters are chosen from it); the report half is the figure the README shows.
 * Both are fixed here, in code, so nobody can move a text from one half to the other by accident.
 */
export type Half = 'dev' | 'report';

export interface Placement {
  readonly fold: number;
  readonly half: Half;
}

/** Number of cross-validation folds (and, for CMeEE, passage blocks). */
export const FOLDS = 10;

/**
 * CCKS 2017: by record, so a record's four sections are always on one side. Fold = record id mod
 * 10; odd record ids form the development half (folds 1, 3, 5, 7, 9), even ids the report half.
 */
export function ccksPlacement(record: number): Placement {
  if (!Number.isInteger(record) || record < 0)
    throw new Error(`record id must be a non-negative integer, got ${record}`);
  return { fold: record % FOLDS, half: record % 2 === 1 ? 'dev' : 'report' };
}

/**
 * A sentence that opens a new textbook passage in CMeEE: a first-level heading (第…章, 第…节, 一、…).
 * CMeEE's sentences are consecutive sentences of excerpts from Chinese medical textbooks; second-
 * level headings (（一）, 【诊断】) continue the same passage and are not boundaries.
 */
const PASSAGE_START = /^(第[一二三四五六七八九十百]+[章节]|[一二三四五六七八九十]+、)/;

/** Index of the first sentence of the passage each sentence belongs to. */
export function passageOf(texts: readonly { readonly text: string }[]): number[] {
  const out: number[] = [];
  let start = 0;
  texts.forEach((t, i) => {
    if (i > 0 && PASSAGE_START.test(t.text)) start = i;
    out.push(start);
  });
  return out;
}

/**
 * CMeEE: whole passages in contiguous blocks. A passage goes to block ⌊start·10/n⌋ by the index of
 * its first sentence, so blocks are contiguous, about n/10 sentences each, and no passage is split
 * between two blocks (a block may be empty when a long passage fills more than a tenth). Fold =
 * block; even blocks form the development half, odd blocks the report half, so both halves draw
 * from the whole file's mix of topics.
 */
export function cmeeePlacements(
  texts: readonly { readonly text: string }[],
): (Placement & { readonly passage: number })[] {
  const passages = passageOf(texts);
  return passages.map((passage) => {
    const block = Math.floor((passage * FOLDS) / texts.length);
    return { passage, fold: block, half: block % 2 === 0 ? 'dev' : 'report' };
  });
}
