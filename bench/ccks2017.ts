import type { Benchmark } from './lib/harness.js';
import { readCcks } from './nlp-lib/ccks.js';
import { runNerBench } from './nlp-lib/ner-bench.js';

/**
 * Chinese clinical NER on CCKS 2017 task 2 records (5 types), strict entity match. Only the
 * training records are public here (ids 1–200), so the tagger is trained and scored by 5-fold
 * cross-validation split by record id (record id mod 5): a record's four sections are always on
 * the same side, and no string of a scored record is in the dictionary that scores it.
 */
export const published = {
  note: 'CCKS 2017 task 2 test set (100 records, not in this copy), supervised systems; figures as collected in lingluodlut/Chinese-BioNLP CNER_sota.md',
  f1: { 'HIT-CNER (top-1)': 0.9114, 'BiLSTM-CRF-DIC': 0.9124, 'RD-CNN-CRF': 0.9132 },
};

export default {
  name: 'ccks2017',
  description: 'CCKS2017 Chinese EMR NER (5 types): strict and overlap P/R/F1 per type, record-level 5-fold CV',
  defaultData: '../shared/data/emr-ccks2017-ner/ccks2017_emr_records.jsonl',
  async run({ data, args, log }) {
    const texts = readCcks(data).map((t) => ({ text: t.text, entities: t.entities, fold: t.record }));
    log(`ccks2017: ${texts.length} section texts, ${texts.reduce((a, t) => a + t.entities.length, 0)} entities`);
    const r = runNerBench(texts, args, log, { folds: 5, epochs: 10 });
    return { ...r, split: 'fold = record id mod 5; train on 4 folds, score the 5th, for each fold', published, table: [...r.table, { type: 'published best (test set)', f1: 0.9132 }] };
  },
} satisfies Benchmark;
