import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinLexicon, type TaggedText } from '../../src/nlp/index.js';
import { sharedData } from '../lib/harness.js';

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

/** The xywy knowledge graph's name lists (../shared/data/kg-xywy-medical/dict), one label per file. */
const KG_LISTS: readonly [file: string, label: string][] = [
  ['diseases.txt', 'kg-disease'],
  ['symptoms.txt', 'kg-symptom'],
  ['drugs.txt', 'kg-drug'],
  ['checks.txt', 'kg-check'],
  ['departments.txt', 'kg-department'],
];

export const kgDictionaryDir = sharedData('kg-xywy-medical', 'dict');
export const KG_FILES = KG_LISTS.map(([file]) => file);

/**
 * Names from a consumer medical knowledge graph (寻医问药 xywy crawl; SOURCE.md in that folder), as a
 * fixed lexicon: it comes from neither CMeEE nor CCKS, so it is the same for every fold and for a
 * new user's texts. A name in two lists keeps the first list's label (diseases before symptoms).
 */
export function kgLexicon(dir = kgDictionaryDir): Map<string, string> {
  const lexicon = new Map<string, string>();
  for (const [file, label] of KG_LISTS) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`--lexicon kg: ${path} not found (the xywy knowledge graph's name lists)`);
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const term = line.trim();
      if (term.length >= 2 && !lexicon.has(term)) lexicon.set(term, label);
    }
  }
  return lexicon;
}
