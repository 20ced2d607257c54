import { type EntitySpan, EntityTagger, type TaggedText } from '../../src/nlp/index.js';
import { layers } from './ner-eval.js';

export interface NerTrainOptions {
  epochs: number;
  /** Dictionary features built from the given training texts only. */
  dictionary?: (train: readonly TaggedText[]) => Map<string, string>;
  /**
   * Jackknife the dictionary over this many contiguous parts of the training texts (0: off): each
   * training text sees a dictionary built from the other parts only, as a scored text would.
   */
  jackknife?: number;
  /** jieba word-boundary features. */
  words?: boolean;
  /** A fixed lexicon from outside the annotated data (its own features; see TaggerOptions.lexicon). */
  lexicon?: ReadonlyMap<string, string>;
  maxLayers?: number;
}

/** A trained model: one tagger per nesting layer (outermost first), predictions united. */
export interface NerModel {
  predict(text: string): EntitySpan[];
}

/**
 * Trains on `train` and nothing else: the function never sees a text it will be asked to
 * predict, so whatever calls it decides what is held out. Jackknife parts are contiguous runs of
 * `train` in the order given (texts of one passage or record stay in one part), so a training
 * text sees its neighbours' strings in the dictionary no more often than a new text would.
 */
export function trainNer(train: readonly TaggedText[], options: NerTrainOptions): NerModel {
  const dictionary = options.dictionary?.(train);
  const parts = options.dictionary && options.jackknife ? options.jackknife : 0;
  const partOf = (i: number) => Math.floor((i * parts) / train.length);
  const trainingDictionaries = parts
    ? [...Array(parts).keys()].map((p) => options.dictionary!(train.filter((_, i) => partOf(i) !== p)))
    : undefined;
  const layered = train.map((t) => layers(t.entities));
  const layerCount = Math.min(options.maxLayers ?? 2, Math.max(...layered.map((l) => l.length), 1));
  const taggers: EntityTagger[] = [];
  for (let l = 0; l < layerCount; l++) {
    const examples = train.map((t, i) => ({
      text: t.text,
      entities: layered[i]![l] ?? [],
      ...(parts ? { dictionaryIndex: partOf(i) } : {}),
    }));
    if (!examples.some((e) => e.entities.length > 0)) break;
    taggers.push(
      EntityTagger.train(examples, {
        epochs: options.epochs,
        ...(dictionary ? { dictionary } : {}),
        ...(trainingDictionaries ? { trainingDictionaries } : {}),
        ...(options.lexicon ? { lexicon: options.lexicon } : {}),
        words: options.words ?? false,
      }),
    );
  }
  return {
    predict(text) {
      const seen = new Set<string>();
      const pred: EntitySpan[] = [];
      for (const tagger of taggers)
        for (const e of tagger.tag(text)) {
          const key = `${e.start}:${e.end}:${e.type}`;
          if (!seen.has(key)) {
            seen.add(key);
            pred.push(e);
          }
        }
      return pred;
    },
  };
}

export interface Prediction<T extends TaggedText> {
  readonly item: T;
  readonly pred: EntitySpan[];
  /** How many of this text's gold mentions are, as exact strings, gold mentions of the training texts. */
  readonly seen: number;
}

/** The strings of gold mentions, as a set. */
export function mentionSet(texts: readonly TaggedText[]): Set<string> {
  const out = new Set<string>();
  for (const t of texts) for (const e of t.entities) out.add(t.text.slice(e.start, e.end));
  return out;
}

/** How many of a text's gold mentions are in `known`. */
function seenCount(t: TaggedText, known: ReadonlySet<string>): number {
  return t.entities.filter((e) => known.has(t.text.slice(e.start, e.end))).length;
}

/** Trains on `train`, then (and only then) predicts each text of `test`. */
export function trainThenPredict<T extends TaggedText>(
  train: readonly TaggedText[],
  test: () => readonly T[],
  options: NerTrainOptions,
): Prediction<T>[] {
  const model = trainNer(train, options);
  const known = mentionSet(train);
  return test().map((item) => ({ item, pred: model.predict(item.text), seen: seenCount(item, known) }));
}

export interface FoldRun<T> {
  fold: number;
  trainTexts: number;
  testTexts: number;
  seconds: number;
  predictions: Prediction<T & TaggedText>[];
}

/** For each fold k: trains on the texts whose fold ≠ k and predicts fold k. */
export function crossValidate<T extends TaggedText & { fold: number }>(
  texts: readonly T[],
  folds: readonly number[],
  options: NerTrainOptions & { log?: (s: string) => void },
): FoldRun<T>[] {
  return folds.map((k) => {
    const started = Date.now();
    const train = texts.filter((t) => t.fold !== k);
    const test = texts.filter((t) => t.fold === k);
    const predictions = trainThenPredict(train, () => test, options);
    const seconds = (Date.now() - started) / 1000;
    options.log?.(`fold ${k}: trained on ${train.length} texts, scored ${test.length} (${seconds.toFixed(1)} s)`);
    return { fold: k, trainTexts: train.length, testTexts: test.length, seconds, predictions };
  });
}
