import type { Benchmark } from './lib/harness.js';
import { readCcks } from './nlp-lib/ccks.js';
import { runNerBench } from './nlp-lib/ner-bench.js';
import { ccksPlacement, FOLDS } from './nlp-lib/splits.js';

/**
 * Chinese clinical NER on CCKS 2017 task 2 records (5 types), strict entity match. Only training
 * records are public here (ids 1–200); the CCKS test set is not.
 *
 * Without --train: 10-fold cross-validation by record (fold = record id mod 10, so a record's four
 * sections are always on one side), each fold's model trained on the other nine. The file is cut
 * in two halves by record: odd ids are the development half, even ids the report half; `f1` is the
 * report half's strict micro-F1, pooled over its five folds. Both halves are scored the same way
 * (trained on the other 90 % of the file, the same amount a user training on the whole file gets);
 * they differ only in who may look: the development half's errors may be read (`--errors dev`),
 * the report half's are refused, so its figure is one nobody tuned on.
 * With --train FILE: the model learns from FILE only and scores --data only.
 *
 * History, honestly: until issue 23 the features, the 10 epochs, the dictionary mode and the
 * built-in lexicon were chosen while looking at 5-fold cross-validation over all 200 records, so
 * both halves were looked at then. Since issue 23 only the development half (odd record ids) is
 * studied. The built-in lexicon (src/nlp/data/lexicon-builtin.tsv) was curated for extraction, not
 * from these records' mention strings, and no record's own mentions reach the dictionary that
 * scores it. Record-level folds do not leak passages (a record is one patient), but clinical notes
 * repeat phrases across patients: `seenMentionShare` says how many scored mentions the training
 * records contain verbatim (94 % here). Contiguous blocks of 20 record ids instead of id mod 10
 * lower that only to 93 %, so neighbouring records do not leak; what lowers the F1 on other
 * records (0.865 on unseen texts, issue 23) is how they differ from these 200, which no split of
 * this file can show.
 */
export const published = {
  note: 'CCKS 2017 task 2 test set (100 records, not in this copy), supervised systems; figures as collected in lingluodlut/Chinese-BioNLP CNER_sota.md',
  f1: { 'HIT-CNER (top-1)': 0.9114, 'BiLSTM-CRF-DIC': 0.9124, 'RD-CNN-CRF': 0.9132 },
};

export default {
  name: 'ccks2017',
  description:
    'CCKS2017 Chinese EMR NER (5 types): strict and overlap P/R/F1 per type; record-level 10-fold CV, dev/report halves',
  learns: true,
  defaultData: '../shared/data/emr-ccks2017-ner/ccks2017_emr_records.jsonl',
  async run(options) {
    const { data, args, log } = options;
    const texts = () => {
      const out = readCcks(data).map((t) => ({
        text: t.text,
        entities: t.entities,
        ...ccksPlacement(t.record),
        id: `record ${t.record} ${t.section}`,
      }));
      log(`ccks2017: ${out.length} section texts, ${out.reduce((a, t) => a + t.entities.length, 0)} entities`);
      return out;
    };
    const path = options.train;
    const r = runNerBench({
      texts,
      ...(path ? { train: { path, read: () => readCcks(path) } } : {}),
      data,
      args,
      log,
      defaults: { epochs: 10, dictionary: 'lexicon' },
      split: `fold = record id mod ${FOLDS}; development half = odd record ids, report half = even ids; each fold scored by a model trained on the other folds`,
    });
    return { ...r, published, table: [...r.table, { type: 'published best (test set)', f1: 0.9132 }] };
  },
} satisfies Benchmark;
