import type { Benchmark } from './lib/harness.js';
import { readNegexTsv, scoreNegex } from './nlp-lib/negex-eval.js';

/**
 * Negation detection on the NegEx annotated test set (Chapman et al.): each row gives a sentence
 * and a concept; MedSeek's ConText assigns the concept's assertion and "absent" counts as negated.
 * Triggers: the published NegEx list unchanged plus general ConText rules (src/nlp/data), none
 * derived from this file.
 */
export const published = {
  negexPaper: { note: 'Chapman 2001, different discharge summaries', recall: 0.778, precision: 0.845, specificity: 0.945 },
  referenceNegexRun: { note: 'negex.py with the same triggers on this exact file (shared/data/negex/SOURCE.md)', precision: 0.944, recall: 0.9, f1: 0.922, accuracy: 0.964 },
};

export default {
  name: 'negex',
  description: 'Negation (negated class) on the NegEx annotated test set: precision, recall, F1',
  defaultData: '../shared/data/negex/negex_annotations_part1.tsv',
  async run({ data, args, log }) {
    const rows = readNegexTsv(data);
    const s = scoreNegex(rows);
    log(`negex: ${s.n} rows, ${rows.filter((r) => r.negated).length} negated, concept not found in ${s.notFound}`);
    if (args.errors || process.env.MEDSEEK_BENCH_ERRORS) for (const e of s.errors) log(`${e.gold}→${e.predicted} [${e.triggers.join(', ')}] ${e.concept} | ${e.sentence}`);
    return {
      n: s.n,
      precision: s.precision,
      recall: s.recall,
      f1: s.f1,
      accuracy: s.accuracy,
      confusion: { tp: s.tp, fp: s.fp, fn: s.fn, tn: s.tn },
      conceptNotFound: s.notFound,
      published,
      table: [
        { system: 'MedSeek ConText', precision: s.precision, recall: s.recall, f1: s.f1, accuracy: s.accuracy },
        { system: 'reference negex.py (same file)', ...published.referenceNegexRun, note: undefined },
        { system: 'NegEx paper (other data)', precision: published.negexPaper.precision, recall: published.negexPaper.recall, f1: 0.8115, accuracy: '' },
      ],
      errors: s.errors.slice(0, 60),
    };
  },
} satisfies Benchmark;
