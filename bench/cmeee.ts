import type { Benchmark } from './lib/harness.js';
import { readCmeee } from './nlp-lib/ccks.js';
import { runNerBench } from './nlp-lib/ner-bench.js';
import { cmeeePlacements, FOLDS } from './nlp-lib/splits.js';

/**
 * Chinese medical NER on CMeEE (CBLUE), 9 types with nested entities, strict entity micro-F1.
 * Only the first half of the dev set is here (2,500 sentences, no training split).
 *
 * Without --train: 10-fold cross-validation over whole passages. CMeEE's sentences are consecutive
 * sentences of textbook excerpts; a passage starts at a first-level heading (第…章/节, 一、…; 64 in
 * the shared file) and passages go, whole, into 10 contiguous blocks (splits.ts); fold = block.
 * Even blocks are the development half (1,120 sentences), odd blocks the report half (1,380); `f1`
 * is the report half's strict micro-F1. Each block is scored by a model trained on the other nine,
 * and both halves are scored the same way: they differ only in who may look (`--errors dev`; the
 * report half's errors are refused). Not cross-validation inside each half, nor train-on-dev: a
 * half-sized training set sees fewer of a new text's mentions (23–26 % of scored mentions seen
 * verbatim in training, within a half) than a user training on this whole file does (38 % on
 * unseen texts); training on the other nine blocks gives 34 %, closest to that use.
 * With --train FILE: the model learns from FILE only and scores --data only.
 *
 * What the old figure (0.553, folds = sentence index mod 5) measured, and what changed (issue 23):
 * - The split: mod 5 put neighbouring sentences of one passage on both sides, so 56 % of a scored
 *   fold's mentions were in its training folds (35 % with 5 contiguous blocks). With the built-in
 *   lexicon alone, 5 folds: mod 5 scores 0.509, 5 contiguous blocks 0.367; the tagger's character
 *   n-gram weights had memorised the neighbours' mentions. Now: whole passages per block.
 * - The training-side dictionary: it added 0.044 on the leaky split (0.509 → 0.553), partly because
 *   its jackknife parts were interleaved (training sentence i mod 4), so each training sentence's
 *   dictionary held its neighbours' strings, a coverage no new text gets. Now the parts are
 *   contiguous runs of the training texts (train-eval.ts).
 * - Choices made looking at the whole file: the built-in lexicon has no row taken from CMeEE (git
 *   log -p of src/nlp/data: rows added for issue 12 from Synthea and verification records), but the
 *   features, 10 epochs and the `jackknife` dictionary default predate the git history (one WIP
 *   checkpoint) and were chosen while looking at cross-validation over all 2,500 sentences. Assume
 *   both halves were looked at until issue 23; since then only the development half (even blocks).
 * - Tried on the development half since (strict F1; the default scores 0.388 there): the xywy
 *   knowledge graph's names as a fixed lexicon (`--lexicon kg`) 0.392, within noise, so not the
 *   default; jieba word-boundary features (`--words true`) 0.387, no gain; one tagger for the
 *   types that contain others (sym) and one for the rest instead of nesting layers (its errors:
 *   218 of 861 missed bod sit inside a sym) 0.361, so dropped. The aim of 0.55 is not reached:
 *   0.553 was the leak, and this tagger learns from 2,250 sentences where BERT-base (0.621) had 15k.
 */
export const published = {
  note: 'CBLUE official table, CMeEE test set, models trained on the 15k-sentence training split',
  f1: { 'BERT-base': 0.621, 'MacBERT-large': 0.624, human: 0.67 },
  promptCblue: { note: 'PromptCBLUE dev (CMeEE-V2), LLM generation', 'ChatGLM-6B+LoRA': 0.6725, 'ChatGPT ICL': 0.4698 },
};

export default {
  name: 'cmeee',
  description:
    'CMeEE (CBLUE) Chinese medical NER, 9 types, nested: strict micro-F1 per type; 10-fold CV over passage blocks, dev/report halves',
  learns: true,
  defaultData: '../shared/data/cblue/CMeEE/CMeEE_dev_part1.json',
  async run(options) {
    const { data, args, log } = options;
    const texts = () => {
      const sentences = readCmeee(data);
      const placements = cmeeePlacements(sentences);
      const passages = new Set(placements.map((p) => p.passage)).size;
      log(
        `cmeee: ${sentences.length} sentences in ${passages} passages, ${sentences.reduce((a, t) => a + t.entities.length, 0)} entities`,
      );
      return sentences.map((t, i) => ({
        text: t.text,
        entities: t.entities,
        ...placements[i]!,
        id: `sentence ${t.index}`,
      }));
    };
    const path = options.train;
    const r = runNerBench({
      texts,
      ...(path ? { train: { path, read: () => readCmeee(path) } } : {}),
      data,
      args,
      log,
      defaults: { epochs: 10, dictionary: 'jackknife' },
      split: `whole passages (split at first-level headings) in ${FOLDS} contiguous blocks; fold = block; development half = even blocks, report half = odd blocks; each fold scored by a model trained on the other blocks`,
    });
    return { ...r, published, table: [...r.table, { type: 'published BERT-base (test set)', f1: 0.621 }] };
  },
} satisfies Benchmark;
