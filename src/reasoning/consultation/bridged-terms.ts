import { readFileSync } from 'node:fs';
import type { Lang } from '../../core/index.js';

/**
 * A symptom word broken by a short adverb or particle (嗓子也疼, 心也跳得特别快, "really sore throat", "voice is
 * pretty much gone"): the answer with those words left out (data/inner-adverbs.json), so the NLP stage finds the
 * whole term, and where each remaining character stood in the patient's words, so a span found there maps back onto
 * what the patient said. The words are dropped only inside the answer (a word on each side) and never right after
 * a negation ("不太疼", "not really sore" keep their degree).
 */
interface AdverbData {
  readonly zh: readonly string[];
  readonly en: readonly string[];
  readonly negations: { readonly zh: string; readonly en: string };
}

export interface Bridged {
  /** The answer without the inner adverbs. */
  readonly text: string;
  /** For each character of `text`, its index in the answer it came from. */
  readonly at: readonly number[];
}

const alt = (words: readonly string[]) =>
  [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'))
    .join('|');

let compiled: Record<Lang, RegExp> | undefined;
function patterns(): Record<Lang, RegExp> {
  if (compiled) return compiled;
  const d = JSON.parse(readFileSync(new URL('./data/inner-adverbs.json', import.meta.url), 'utf8')) as AdverbData;
  compiled = {
    // Between two Chinese characters, the one before no negation.
    zh: new RegExp(`(?<=[\\u4e00-\\u9fff])(?<![${d.negations.zh}])(?:${alt(d.zh)})+(?=[\\u4e00-\\u9fff])`, 'gu'),
    // Whole words followed by another word; not after a negation.
    en: new RegExp(`(?<!\\b(?:${d.negations.en})\\s+)(?<!n't\\s+)\\b(?:(?:${alt(d.en)})\\s+)+(?=[a-z])`, 'giu'),
  };
  return compiled;
}

/** The answer with its inner adverbs left out, or undefined when it has none. */
export function withoutInnerAdverbs(text: string, lang: Lang): Bridged | undefined {
  const re = patterns()[lang];
  re.lastIndex = 0;
  let out = '';
  const at: number[] = [];
  let from = 0;
  for (const m of text.matchAll(re)) {
    for (let i = from; i < m.index; i++) {
      out += text[i];
      at.push(i);
    }
    from = m.index + m[0].length;
  }
  if (from === 0) return undefined;
  for (let i = from; i < text.length; i++) {
    out += text[i];
    at.push(i);
  }
  return { text: out, at };
}

/** A span of the bridged text as a span of the answer it came from (the dropped words inside it included). */
export function spanInAnswer(b: Bridged, start: number, end: number): { start: number; end: number } {
  return { start: b.at[start] ?? 0, end: (b.at[Math.max(start, end - 1)] ?? 0) + 1 };
}
