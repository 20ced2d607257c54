import { type EntitySpan, EntityTagger, type TaggedText } from '../../src/nlp/index.js';
import { layers, type NerScore, scoreEntities } from './ner-eval.js';

export interface FoldResult {
  fold: number;
  trainTexts: number;
  testTexts: number;
  seconds: number;
  score: NerScore;
}

/**
 * Trains on the texts whose fold ≠ k and scores on fold k, for each k; nested gold entities are
 * learned by one tagger per nesting layer (outermost, then inner) and the predictions united.
 */
export function crossValidate(
  texts: readonly (TaggedText & { fold: number })[],
  folds: readonly number[],
  options: {
    epochs: number;
    dictionary?: (train: readonly TaggedText[]) => Map<string, string>;
    /** Jackknife the dictionary over this many parts of the training folds (0: off). */
    jackknife?: number;
    /** jieba word-boundary features. */
    words?: boolean;
    maxLayers?: number;
    log?: (s: string) => void;
  },
): { folds: FoldResult[]; pooled: NerScore } {
  const results: FoldResult[] = [];
  const allPairs: { gold: EntitySpan[]; pred: EntitySpan[] }[] = [];
  for (const k of folds) {
    const started = Date.now();
    const train = texts.filter((t) => t.fold !== k);
    const test = texts.filter((t) => t.fold === k);
    const dictionary = options.dictionary?.(train);
    const parts = options.dictionary && options.jackknife ? options.jackknife : 0;
    const trainingDictionaries = parts ? [...Array(parts).keys()].map((p) => options.dictionary!(train.filter((_, i) => i % parts !== p))) : undefined;
    const layerCount = Math.min(options.maxLayers ?? 2, Math.max(...train.map((t) => layers(t.entities).length), 1));
    const taggers: EntityTagger[] = [];
    for (let l = 0; l < layerCount; l++) {
      const examples = train.map((t, i) => ({ text: t.text, entities: layers(t.entities)[l] ?? [], ...(parts ? { dictionaryIndex: i % parts } : {}) }));
      if (!examples.some((e) => e.entities.length > 0)) break;
      taggers.push(EntityTagger.train(examples, { epochs: options.epochs, ...(dictionary ? { dictionary } : {}), ...(trainingDictionaries ? { trainingDictionaries } : {}), words: options.words ?? false }));
    }
    const pairs = test.map((t) => {
      const seen = new Set<string>();
      const pred: EntitySpan[] = [];
      for (const tagger of taggers)
        for (const e of tagger.tag(t.text)) {
          const key = `${e.start}:${e.end}:${e.type}`;
          if (!seen.has(key)) {
            seen.add(key);
            pred.push(e);
          }
        }
      return { gold: [...t.entities], pred };
    });
    allPairs.push(...pairs);
    const score = scoreEntities(pairs);
    const seconds = (Date.now() - started) / 1000;
    options.log?.(`fold ${k}: train ${train.length} texts, test ${test.length}; strict F1 ${score.strict.f1.toFixed(4)}, overlap F1 ${score.overlap.f1.toFixed(4)} (${seconds.toFixed(1)} s)`);
    results.push({ fold: k, trainTexts: train.length, testTexts: test.length, seconds, score });
  }
  return { folds: results, pooled: scoreEntities(allPairs) };
}
