import type { TaggedText } from '../../src/nlp/index.js';
import type { NerScore } from './ner-eval.js';
import { trainingDictionary } from './dictionary.js';
import { crossValidate } from './train-eval.js';

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Runs k-fold cross-validation and shapes the figures for the JSON result and the table. */
export function runNerBench(
  texts: readonly (TaggedText & { fold: number })[],
  args: Readonly<Record<string, string>>,
  log: (s: string) => void,
  defaults: { folds: number; epochs: number; dictionary?: string; words?: boolean },
) {
  const k = Number(args.folds ?? defaults.folds);
  const only = args.fold === undefined ? undefined : Number(args.fold);
  const folds = only === undefined ? [...Array(k).keys()] : [only];
  const epochs = Number(args.epochs ?? defaults.epochs);
  // dictionary: 'lexicon' (built-in lexicon only), 'mentions' (+ training-fold entity strings),
  // 'jackknife' (+ training-fold strings, each training example seeing only the other parts' strings)
  const mode = args.dictionary ?? defaults.dictionary ?? 'lexicon';
  const withMentions = mode !== 'lexicon';
  const cv = crossValidate(
    texts.map((t) => ({ ...t, fold: t.fold % k })),
    folds,
    { epochs, dictionary: (train) => trainingDictionary(train, withMentions), jackknife: mode === 'jackknife' ? 4 : 0, words: (args.words ?? String(defaults.words ?? false)) === 'true', log },
  );
  const s: NerScore = cv.pooled;
  const perType = Object.fromEntries(
    Object.entries(s.perType).map(([t, v]) => [
      t,
      { precision: round(v.strict.precision), recall: round(v.strict.recall), f1: round(v.strict.f1), overlapF1: round(v.overlap.f1), gold: v.strict.tp + v.strict.fn },
    ]),
  );
  return {
    n: texts.filter((t) => folds.includes(t.fold % k)).reduce((a, t) => a + t.entities.length, 0),
    precision: round(s.strict.precision),
    recall: round(s.strict.recall),
    f1: round(s.strict.f1),
    overlap: { precision: round(s.overlap.precision), recall: round(s.overlap.recall), f1: round(s.overlap.f1) },
    perType,
    method: {
      model: 'character-level structured averaged perceptron (BIOES, first-order Viterbi), trained here at bench time',
      features: 'character uni/bi/tri-grams in a ±2 window, character classes, dictionary matches',
      dictionary:
        mode === 'jackknife'
          ? 'MedSeek built-in lexicon + entity strings of the training folds only (jackknifed in 4 parts while training)'
          : withMentions
            ? 'MedSeek built-in lexicon + entity strings of the training folds only'
            : 'MedSeek built-in lexicon only',
      evaluation: `${k}-fold cross-validation, folds scored: ${folds.join(',')}; pooled micro-average over scored folds`,
      epochs,
      nestedLayers: 'one tagger per nesting layer (outer, inner), predictions united',
      jiebaWordFeatures: (args.words ?? String(defaults.words ?? false)) === 'true',
    },
    folds: cv.folds.map((f) => ({ fold: f.fold, trainTexts: f.trainTexts, testTexts: f.testTexts, seconds: f.seconds, f1: round(f.score.strict.f1), overlapF1: round(f.score.overlap.f1) })),
    table: [
      ...Object.entries(perType).map(([type, v]) => ({ type, gold: v.gold, precision: v.precision, recall: v.recall, f1: v.f1, overlapF1: v.overlapF1 })),
      { type: 'ALL (micro)', gold: s.strict.tp + s.strict.fn, precision: s.strict.precision, recall: s.strict.recall, f1: s.strict.f1, overlapF1: s.overlap.f1 },
    ],
  };
}
