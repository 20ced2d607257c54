import { createRequire } from 'node:module';
import type { NlpLang } from './language.js';
import type { Span } from './sentences.js';

/** A token with its offsets (`text.slice(start, end) === text`). */
export interface Token extends Span {
  readonly text: string;
}

interface JiebaLike {
  cut(sentence: string, hmm?: boolean): string[];
}

let jieba: JiebaLike | undefined;

/** @node-rs/jieba with its shipped dictionary (an empty `new Jieba()` would split into characters). */
function zhSegmenter(): JiebaLike {
  if (!jieba) {
    const require = createRequire(import.meta.url);
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): JiebaLike } };
    const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/**
 * Tokens for either language: Chinese runs are segmented by jieba (HMM on, for unknown words);
 * Latin words, numbers (3.5, 120/80 stays three tokens) and punctuation are split by rule, so mixed
 * zh/en text ("口服aspirin 100mg") works. Whitespace is dropped.
 */
export function tokenize(text: string, lang: NlpLang): Token[] {
  const out: Token[] = [];
  const re =
    /[A-Za-z\uff21-\uff3a\uff41-\uff5a]+(?:['’-][A-Za-z]+)*|[0-9\uff10-\uff19]+(?:[.．][0-9\uff10-\uff19]+)?|[\u3400-\u4dbf\u4e00-\u9fff]+|\S/g;
  for (const m of text.matchAll(re)) {
    const w = m[0];
    if (lang === 'zh' || /[\u3400-\u9fff]/.test(w)) {
      if (/^[\u3400-\u4dbf\u4e00-\u9fff]+$/.test(w) && w.length > 1) {
        let at = m.index;
        for (const piece of zhSegmenter().cut(w, true)) {
          out.push({ start: at, end: at + piece.length, text: piece });
          at += piece.length;
        }
        continue;
      }
    }
    out.push({ start: m.index, end: m.index + w.length, text: w });
  }
  return out;
}
