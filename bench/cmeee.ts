import type { Benchmark } from './lib/harness.js';
import { readCmeee } from './nlp-lib/ccks.js';
import { runNerBench } from './nlp-lib/ner-bench.js';

/**
 * Chinese medical NER on CMeEE (CBLUE), 9 types with nested entities, strict entity micro-F1.
 * Only the first half of the dev set is here (no training split), so the tagger is trained and
 * scored by 5-fold cross-validation over its sentences (sentence index mod 5): it learns from
 * ~2,000 sentences where the published baselines learn from the 15,000-sentence training set.
 */
export const published = {
  note: 'CBLUE official table, CMeEE test set, models trained on the 15k-sentence training split',
  f1: { 'BERT-base': 0.621, 'MacBERT-large': 0.624, human: 0.67 },
  promptCblue: { note: 'PromptCBLUE dev (CMeEE-V2), LLM generation', 'ChatGLM-6B+LoRA': 0.6725, 'ChatGPT ICL': 0.4698 },
};

export default {
  name: 'cmeee',
  description: 'CMeEE (CBLUE) Chinese medical NER, 9 types, nested: strict micro-F1 per type, 5-fold CV over the dev half',
  defaultData: '../shared/data/cblue/CMeEE/CMeEE_dev_part1.json',
  async run({ data, args, log }) {
    const texts = readCmeee(data).map((t) => ({ text: t.text, entities: t.entities, fold: t.index }));
    log(`cmeee: ${texts.length} sentences, ${texts.reduce((a, t) => a + t.entities.length, 0)} entities`);
    const r = runNerBench(texts, args, log, { folds: 5, epochs: 10, dictionary: 'jackknife' });
    return { ...r, split: 'fold = sentence index mod 5; train on 4 folds, score the 5th, for each fold', published, table: [...r.table, { type: 'published BERT-base (test set)', f1: 0.621 }] };
  },
} satisfies Benchmark;
