import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { invalid } from '../../src/core/index.js';
import type { TaggedText } from '../../src/nlp/index.js';
import { KG_FILES, kgDictionaryDir, kgLexicon, trainingDictionary } from './dictionary.js';
import { type NerScore, scoreEntities } from './ner-eval.js';
import type { Half } from './splits.js';
import { crossValidate, type NerTrainOptions, type Prediction, trainThenPredict } from './train-eval.js';

const round = (x: number) => Math.round(x * 10000) / 10000;

/** A scored text: its fold and half (cross-validation) and a name for error listings. */
export interface NerBenchText extends TaggedText {
  readonly fold: number;
  readonly half: Half;
  readonly id: string;
}

export interface NerBenchDefaults {
  epochs: number;
  /** 'lexicon' | 'mentions' | 'jackknife' (see trainingDictionary). */
  dictionary: string;
  words?: boolean;
  /** 'none' | 'kg' (the xywy knowledge graph's name lists as a fixed lexicon). */
  lexicon?: string;
}

function trainOptions(args: Readonly<Record<string, string>>, d: NerBenchDefaults) {
  const epochs = Number(args.epochs ?? d.epochs);
  if (!Number.isInteger(epochs) || epochs < 1)
    throw invalid(`--epochs must be a positive integer, got '${args.epochs}'`, { field: '--epochs' });
  const mode = args.dictionary ?? d.dictionary;
  if (!['lexicon', 'mentions', 'jackknife'].includes(mode))
    throw invalid(`--dictionary must be lexicon, mentions or jackknife, got '${mode}'`, { field: '--dictionary' });
  const words = (args.words ?? String(d.words ?? false)) === 'true';
  const parts = 4; // jackknife parts of the training texts
  const lexiconMode = args.lexicon ?? d.lexicon ?? 'none';
  if (!['none', 'kg'].includes(lexiconMode))
    throw invalid(`--lexicon must be none or kg, got '${lexiconMode}'`, { field: '--lexicon' });
  const options: NerTrainOptions = {
    epochs,
    dictionary: (train) => trainingDictionary(train, mode !== 'lexicon'),
    jackknife: mode === 'jackknife' ? parts : 0,
    words,
    ...(lexiconMode === 'kg' ? { lexicon: kgLexicon() } : {}),
  };
  const method = {
    model: 'character-level structured averaged perceptron (BIOES, first-order Viterbi), trained here at bench time',
    features: 'character uni/bi/tri-grams in a ±2 window, character classes, dictionary matches',
    dictionary:
      mode === 'jackknife'
        ? `MedSeek built-in lexicon + entity strings of the training texts only (jackknifed in ${parts} contiguous parts while training)`
        : mode === 'mentions'
          ? 'MedSeek built-in lexicon + entity strings of the training texts only'
          : 'MedSeek built-in lexicon only',
    epochs,
    nestedLayers: 'one tagger per nesting layer (outer, inner), predictions united',
    jiebaWordFeatures: words,
    externalLexicon: lexiconMode === 'kg' ? `xywy knowledge graph name lists (${kgDictionaryDir})` : 'none',
  };
  // the files the figures depend on besides --data and --train (hashed into the provenance)
  const inputs = lexiconMode === 'kg' ? KG_FILES.map((f) => join(kgDictionaryDir, f)).filter((f) => existsSync(f)) : [];
  return { options, method, inputs };
}

/** Figures for a set of predictions: strict and overlap P/R/F1, per type, seen-mention share. */
function figures<T extends TaggedText>(preds: readonly Prediction<T>[]) {
  const s: NerScore = scoreEntities(preds.map((p) => ({ gold: p.item.entities, pred: p.pred })));
  const gold = preds.reduce((a, p) => a + p.item.entities.length, 0);
  const seen = preds.reduce((a, p) => a + p.seen, 0);
  const perType = Object.fromEntries(
    Object.entries(s.perType).map(([t, v]) => [
      t,
      {
        precision: round(v.strict.precision),
        recall: round(v.strict.recall),
        f1: round(v.strict.f1),
        overlapF1: round(v.overlap.f1),
        gold: v.strict.tp + v.strict.fn,
      },
    ]),
  );
  return {
    texts: preds.length,
    n: gold,
    f1: round(s.strict.f1),
    precision: round(s.strict.precision),
    recall: round(s.strict.recall),
    seenMentionShare: round(seen / Math.max(1, gold)),
    overlap: { precision: round(s.overlap.precision), recall: round(s.overlap.recall), f1: round(s.overlap.f1) },
    perType,
    score: s,
  };
}

function table(f: ReturnType<typeof figures>, label: string) {
  return [
    ...Object.entries(f.perType).map(([type, v]) => ({
      type,
      gold: v.gold,
      precision: v.precision,
      recall: v.recall,
      f1: v.f1,
      overlapF1: v.overlapF1,
    })),
    {
      type: `ALL (micro, ${label})`,
      gold: f.n,
      precision: f.precision,
      recall: f.recall,
      f1: f.f1,
      overlapF1: f.overlap.f1,
    },
  ];
}

const half = (f: ReturnType<typeof figures>) => {
  const { score: _s, perType: _p, ...rest } = f;
  return rest;
};

/** Prints the development half's errors, text by text (missed gold and spurious predictions). */
function printErrors(preds: readonly Prediction<NerBenchText>[], log: (s: string) => void): void {
  const key = (e: { start: number; end: number; type: string }) => `${e.start}:${e.end}:${e.type}`;
  for (const { item, pred } of preds) {
    const gold = new Set(item.entities.map(key));
    const got = new Set(pred.map(key));
    const missed = item.entities.filter((e) => !got.has(key(e)));
    const spurious = pred.filter((e) => !gold.has(key(e)));
    if (missed.length === 0 && spurious.length === 0) continue;
    const show = (e: { start: number; end: number; type: string }) =>
      `${item.text.slice(e.start, e.end)}/${e.type}@${e.start}`;
    log(`[${item.id}] ${item.text}`);
    if (missed.length) log(`  missed:   ${missed.map(show).join('  ')}`);
    if (spurious.length) log(`  spurious: ${spurious.map(show).join('  ')}`);
  }
}

/**
 * Runs one NER bench. Without a training file: cross-validation over the fixed folds of the
 * scored file, reported per half (the development half, whose errors may be read, and the report
 * half, whose F1 is `f1`). With one: trains on it alone, then scores the data file alone.
 *
 * Options: --train FILE, --half dev (score only the development half's folds: for tuning),
 * --errors [dev] (print the development half's errors; the report half's are refused),
 * --epochs N, --dictionary lexicon|mentions|jackknife, --words true.
 */
export function runNerBench(input: {
  /** Reads the scored file; called only after training when there is a training file. */
  texts: () => readonly NerBenchText[];
  /** Reads the training file; set when --train was given. */
  train?: { path: string; read: () => readonly TaggedText[] };
  data: string;
  args: Readonly<Record<string, string>>;
  log: (s: string) => void;
  defaults: NerBenchDefaults;
  split: string;
}) {
  const { args, log } = input;
  const { options, method, inputs } = trainOptions(args, input.defaults);
  const errors = args.errors;
  if (errors !== undefined && errors !== 'true' && errors !== 'dev') {
    throw invalid(
      errors === 'report'
        ? '--errors report is refused: the report half is scored, never studied; read the development half (--errors dev) and choose changes from it'
        : `--errors takes 'dev' (the development half), got '${errors}'`,
      { field: '--errors' },
    );
  }
  if (input.train) {
    if (errors !== undefined)
      throw invalid('--errors is refused with --train: the scored file is held out and its errors are not for study', {
        field: '--errors',
      });
    if (args.half !== undefined)
      throw invalid('--half applies to cross-validation, not to --train', { field: '--half' });
    const { path } = input.train;
    if (resolve(path) === resolve(input.data))
      throw invalid('--train and --data name the same file: nothing would be held out', { field: '--train' });
    const train = input.train.read();
    log(`training on ${train.length} texts of ${path} (${input.data} is read only once the model is trained)`);
    const started = Date.now();
    const preds = trainThenPredict(train, input.texts, options);
    const trainTexts = new Set(train.map((t) => t.text));
    const f = figures(preds);
    log(`scored ${preds.length} texts of ${input.data} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return {
      split: `trained on all of ${path}, scored all of ${input.data}`,
      inputs,
      evaluation: {
        mode: 'train-test',
        train: path,
        data: input.data,
        note: 'the model learned only from the training file and was scored only on the data file',
        trainTexts: train.length,
        testTexts: preds.length,
        testTextsAlsoInTrain: preds.filter((p) => trainTexts.has(p.item.text)).length,
      },
      ...half(f),
      perType: f.perType,
      method,
      table: table(f, 'held-out file'),
    };
  }

  if (args.half !== undefined && args.half !== 'dev')
    throw invalid(`--half takes 'dev' (tuning runs score only the development half), got '${args.half}'`, {
      field: '--half',
    });
  const devOnly = args.half === 'dev';
  const texts = input.texts();
  const folds = [...new Set(texts.filter((t) => !devOnly || t.half === 'dev').map((t) => t.fold))].sort(
    (a, b) => a - b,
  );
  const runs = crossValidate(texts, folds, { ...options, log });
  const all = runs.flatMap((r) => r.predictions);
  const dev = figures(all.filter((p) => p.item.half === 'dev'));
  const report = devOnly ? undefined : figures(all.filter((p) => p.item.half === 'report'));
  if (errors !== undefined)
    printErrors(
      all.filter((p) => p.item.half === 'dev'),
      log,
    );
  const foldRows = runs.map((r) => {
    const f = figures(r.predictions);
    return {
      fold: r.fold,
      half: r.predictions[0]?.item.half,
      trainTexts: r.trainTexts,
      testTexts: r.testTexts,
      seconds: r.seconds,
      f1: f.f1,
      overlapF1: f.overlap.f1,
      seenMentionShare: f.seenMentionShare,
    };
  });
  const evaluation = {
    mode: 'cross-validation',
    folds: folds.length,
    scored: devOnly
      ? 'development half only (a tuning run: no report figure)'
      : 'both halves; f1, precision, recall, perType are the report half',
  };
  const split = `${input.split}; f1 = the report half`;
  if (!report)
    return {
      split: `${input.split}; development half only`,
      inputs,
      evaluation,
      devHalf: half(dev),
      perTypeDev: dev.perType,
      method,
      folds: foldRows,
      table: table(dev, 'dev half'),
    };
  return {
    split,
    inputs,
    evaluation,
    n: report.n,
    precision: report.precision,
    recall: report.recall,
    f1: report.f1,
    overlap: report.overlap,
    seenMentionShare: report.seenMentionShare,
    devHalf: half(dev),
    reportHalf: half(report),
    perType: report.perType,
    method,
    folds: foldRows,
    table: [...table(dev, 'dev half').slice(-1), ...table(report, 'report half')],
  };
}
