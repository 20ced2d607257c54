import { type Concept, type Coding, conceptKey, type FactCategory } from '../../core/index.js';
import type { Lexicon } from '../../nlp/index.js';

/** A name the question says, with the concepts the lexicon knows it as. */
export interface NameHit {
  readonly term: string;
  readonly start: number;
  readonly end: number;
  readonly concepts: readonly { readonly concept: Concept; readonly category: FactCategory }[];
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();
const hasCjk = (s: string) => /[\u3400-\u9fff]/.test(s);

/** The names the lexicon finds in the question (longest matches, no overlaps). */
export function namesIn(question: string, lexicon: Lexicon): NameHit[] {
  return lexicon.match(question).map((m) => ({
    term: question.slice(m.start, m.end),
    start: m.start,
    end: m.end,
    concepts: m.entries.map((e) => ({ concept: e.concept, category: e.category })),
  }));
}

function codings(c: Concept): Coding[] {
  return [c, ...(c.codings ?? [])];
}

/** The names a concept is displayed by, folded: display, Chinese display, the display before ` [` (LOINC names). */
export function conceptNames(c: Concept): string[] {
  const names = new Set<string>();
  for (const k of codings(c))
    for (const n of [k.display, k.displayZh]) {
      if (!n) continue;
      names.add(fold(n));
      names.add(fold(n.replace(/\s*\[.*$/, '')));
    }
  return [...names].filter((n) => n.length > 0);
}

/** Long enough to look for inside another name: two characters of Chinese, four of Latin. */
function searchable(term: string): boolean {
  return hasCjk(term) ? term.length >= 2 : term.length >= 4;
}

/**
 * The things (facts, courses) the question names, in tiers, the first tier that finds any wins: a
 * code the lexicon gives for a name in the question; a concept name equal to one the lexicon
 * gives; a concept name containing the name the question wrote; the question containing the
 * thing's own name. Precision first: "hemoglobin A1c" never finds hemoglobin, "hemoglobin" never
 * finds HbA1c when the record codes hemoglobin.
 */
export function matchNamed<T>(
  things: readonly T[],
  conceptOf: (t: T) => Concept,
  question: string,
  hits: readonly NameHit[],
  categories?: ReadonlySet<FactCategory>,
): T[] {
  const useful = hits
    .map((h) => ({ ...h, concepts: h.concepts.filter((c) => !categories || categories.has(c.category)) }))
    .filter((h) => h.concepts.length > 0);
  const codes = new Set(useful.flatMap((h) => h.concepts.flatMap((c) => codings(c.concept).map(conceptKey))));
  const hitNames = new Set(useful.flatMap((h) => h.concepts.flatMap((c) => conceptNames(c.concept))));
  const terms = useful.map((h) => fold(h.term)).filter(searchable);
  const q = fold(question);
  const tiers: ((t: T) => boolean)[] = [
    (t) => codings(conceptOf(t)).some((k) => codes.has(conceptKey(k))),
    (t) => conceptNames(conceptOf(t)).some((n) => hitNames.has(n)),
    (t) => conceptNames(conceptOf(t)).some((n) => terms.some((term) => n.includes(term))),
    (t) => conceptNames(conceptOf(t)).some((n) => searchable(n) && q.includes(n)),
  ];
  for (const tier of tiers) {
    const found = things.filter(tier);
    if (found.length > 0) return found;
  }
  return [];
}
