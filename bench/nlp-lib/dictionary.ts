import { builtinLexicon, type TaggedText } from '../../src/nlp/index.js';

/**
 * Dictionary features for the tagger: MedSeek's built-in lexicon (labelled by category) plus, when
 * asked, the entity strings of the TRAINING part only (never the part being scored).
 */
export function trainingDictionary(train: readonly TaggedText[], withMentions: boolean): Map<string, string> {
  const dict = new Map<string, string>();
  for (const e of builtinLexicon().entries) if (e.lang === 'zh') dict.set(e.term, `lex-${e.category}`);
  if (withMentions) {
    const counts = new Map<string, Map<string, number>>();
    for (const t of train)
      for (const e of t.entities) {
        const m = t.text.slice(e.start, e.end);
        const c = counts.get(m) ?? new Map<string, number>();
        c.set(e.type, (c.get(e.type) ?? 0) + 1);
        counts.set(m, c);
      }
    for (const [m, c] of counts) dict.set(m, [...c].sort((a, b) => b[1] - a[1])[0]![0]);
  }
  return dict;
}
