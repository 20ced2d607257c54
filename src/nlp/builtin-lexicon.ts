import { readFileSync } from 'node:fs';
import {
  type Coding,
  CodeSystems,
  type Concept,
  type FactCategory,
  invalid,
  type LexiconEntry,
} from '../core/index.js';
import { Lexicon } from './lexicon.js';

const systems: Record<string, string> = {
  snomed: CodeSystems.snomed,
  icd10: CodeSystems.icd10,
  loinc: CodeSystems.loinc,
  atc: CodeSystems.atc,
  rxnorm: CodeSystems.rxnorm,
};

const categories = new Set<FactCategory>([
  'finding',
  'condition',
  'measurement',
  'imaging',
  'medication',
  'procedure',
  'allergy',
  'genotype',
  'risk-factor',
  'encounter',
]);

function coding(ref: string, where: string): Coding {
  const i = ref.indexOf(':');
  const system = systems[ref.slice(0, i)];
  if (i < 0 || !system) throw invalid(`unknown code system in '${ref}'`, { where });
  return { system, code: ref.slice(i + 1) };
}

/**
 * Parses the built-in lexicon's TSV format (see data/lexicon-builtin.tsv for the columns).
 * Exported so a hospital can ship its own list in the same format.
 */
export function parseLexiconTsv(text: string, file = 'lexicon'): LexiconEntry[] {
  const entries: LexiconEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const where = `${file} line ${i + 1}`;
    const [category, primary, en, zh, enSyn, zhSyn, more] = line.replace(/\r$/, '').split('\t');
    if (!category || !primary || !en) throw invalid('expected category, code, English name', { where });
    if (!categories.has(category as FactCategory))
      throw invalid(`unknown category '${category}'`, { where, field: 'category' });
    const concept: Concept = {
      ...coding(primary, where),
      display: en,
      ...(zh ? { displayZh: zh } : {}),
      ...(more
        ? {
            codings: more
              .split('|')
              .filter(Boolean)
              .map((r) => coding(r, where)),
          }
        : {}),
    };
    const add = (term: string, lang: 'en' | 'zh') => {
      if (term.trim()) entries.push({ term: term.trim(), lang, concept, category: category as FactCategory });
    };
    add(en, 'en');
    if (zh) add(zh, 'zh');
    for (const t of (enSyn ?? '').split('|')) add(t, 'en');
    for (const t of (zhSyn ?? '').split('|')) add(t, 'zh');
  });
  return entries;
}

let cached: Lexicon | undefined;

/** The small curated zh+en lexicon shipped with MedSeek (findings, conditions, labs/vitals, drugs). */
export function builtinLexicon(): Lexicon {
  if (!cached) {
    const url = new URL('./data/lexicon-builtin.tsv', import.meta.url);
    cached = new Lexicon(parseLexiconTsv(readFileSync(url, 'utf8'), 'lexicon-builtin.tsv'));
  }
  return cached;
}
