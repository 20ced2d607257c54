import type { Fact } from '../../core/index.js';
import { type BookClass, type BookDrug, type SafetyRuleBook, safetyRulesFromData } from './rulebook.js';

/**
 * Which drugs a medication fact is, by the rule book's drug table (knowledge `data/cds/drugs.json`,
 * or the release it was loaded into): ATC codes (exactly, or by prefix for codes shorter than 7
 * characters), Chinese names anywhere in the text, English names as whole words. Ids are the
 * release's; an id a rule or caller names may also be a drug's or class's former id (`rifampin`
 * for `rifampicin`), which resolves to it.
 */
export type IngredientId = string;
export type DrugClassId = string;

/** A matcher over a medication fact: an ingredient or a class. */
export type DrugRef = { readonly ingredient: IngredientId } | { readonly class: DrugClassId };

export interface DrugIndex {
  readonly book: SafetyRuleBook;
  /** The drug an id or former id names. */
  drug(id: string): BookDrug | undefined;
  /** The class an id or former id names. */
  drugClass(id: string): BookClass | undefined;
  /** The drug ids of a medication fact that the book knows (a combination product has several). */
  ingredientsOf(f: Fact): Set<IngredientId>;
  hasIngredient(f: Fact, id: IngredientId): boolean;
  inClass(f: Fact, cls: DrugClassId): boolean;
  matches(f: Fact, ref: DrugRef): boolean;
  refLabel(ref: DrugRef): { en: string; zh: string };
}

const wordCache = new Map<string, RegExp>();
function wordRe(word: string): RegExp {
  let re = wordCache.get(word);
  if (!re) {
    re = new RegExp(`(^|[^a-z])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z])`, 'i');
    wordCache.set(word, re);
  }
  return re;
}

/** Every name a medication fact goes by (displays of its codings, in both languages, and the codes). */
function namesOf(f: Fact): { text: string; codes: string[] } {
  const c = f.concept;
  const parts = [c.display, c.displayZh, ...(c.codings ?? []).flatMap((x) => [x.display, x.displayZh])].filter(
    (x): x is string => !!x,
  );
  const codes = [c, ...(c.codings ?? [])].filter((x) => x.system.includes('atc')).map((x) => x.code);
  return { text: parts.join(' | ').toLowerCase(), codes };
}

const indexes = new WeakMap<SafetyRuleBook, DrugIndex>();

/** The matcher for one rule book (built once per book). */
export function drugIndex(book: SafetyRuleBook = safetyRulesFromData()): DrugIndex {
  let index = indexes.get(book);
  if (!index) {
    index = buildIndex(book);
    indexes.set(book, index);
  }
  return index;
}

function buildIndex(book: SafetyRuleBook): DrugIndex {
  const drugAlias = new Map<string, string>();
  for (const d of book.drugs.values()) for (const f of d.formerIds) drugAlias.set(f, d.id);
  const classAlias = new Map<string, string>();
  for (const c of book.classes.values()) for (const f of c.formerIds) classAlias.set(f, c.id);
  const drug = (id: string) => book.drugs.get(id) ?? book.drugs.get(drugAlias.get(id) ?? '');
  const drugClass = (id: string) => book.classes.get(id) ?? book.classes.get(classAlias.get(id) ?? '');
  const drugs = [...book.drugs.values()];
  const cache = new WeakMap<Fact, Set<IngredientId>>();
  const ingredientsOf = (f: Fact): Set<IngredientId> => {
    const cached = cache.get(f);
    if (cached) return cached;
    const { text, codes } = namesOf(f);
    const found = new Set<IngredientId>();
    for (const d of drugs) {
      if (d.atc.some((atc) => codes.some((code) => code === atc || (atc.length < 7 && code.startsWith(atc)))))
        found.add(d.id);
      else if (d.zh.some((z) => text.includes(z))) found.add(d.id);
      else if (d.en.some((e) => text.includes(e) && wordRe(e).test(text))) found.add(d.id);
    }
    // "isosorbide dinitrate" must not count as mononitrate, nor 单硝酸异山梨酯 as dinitrate (a name inside another).
    if (found.has('isosorbide-mononitrate') && !text.includes('mononitrate') && !text.includes('单硝酸'))
      found.delete('isosorbide-mononitrate');
    if (
      found.has('isosorbide-dinitrate') &&
      text.includes('单硝酸异山梨酯') &&
      !/(^|[^单])硝酸异山梨酯/.test(text) &&
      !text.includes('dinitrate')
    )
      found.delete('isosorbide-dinitrate');
    cache.set(f, found);
    return found;
  };
  const hasIngredient = (f: Fact, id: IngredientId) => ingredientsOf(f).has(drug(id)?.id ?? id);
  const inClass = (f: Fact, cls: DrugClassId) => {
    const ings = ingredientsOf(f);
    return (drugClass(cls)?.members ?? []).some((m) => ings.has(m));
  };
  return {
    book,
    drug,
    drugClass,
    ingredientsOf,
    hasIngredient,
    inClass,
    matches: (f, ref) => ('ingredient' in ref ? hasIngredient(f, ref.ingredient) : inClass(f, ref.class)),
    refLabel: (ref) => {
      const x = 'class' in ref ? drugClass(ref.class) : drug(ref.ingredient);
      const id = 'class' in ref ? ref.class : ref.ingredient;
      return x ? { en: x.name.en, zh: x.name.zh } : { en: id, zh: id };
    },
  };
}

/** The drug ids of a medication fact, by the bundled data files' table (callers without a release). */
export function ingredientsOf(f: Fact, book?: SafetyRuleBook): Set<IngredientId> {
  return drugIndex(book).ingredientsOf(f);
}

/** A drug's names (English names first, then Chinese). */
export interface Ingredient {
  readonly en: readonly string[];
  readonly zh: readonly string[];
  readonly atc: readonly string[];
}

function tables(book: SafetyRuleBook) {
  const ingredients: Record<string, Ingredient> = {};
  const classes: Record<string, { en: string; zh: string; members: readonly string[] }> = {};
  for (const d of book.drugs.values())
    for (const id of [d.id, ...d.formerIds]) ingredients[id] = { en: d.en, zh: d.zh, atc: d.atc };
  for (const c of book.classes.values())
    for (const id of [c.id, ...c.formerIds]) classes[id] = { en: c.name.en, zh: c.name.zh, members: c.members };
  return { ingredients, classes };
}

const bundled = tables(safetyRulesFromData());

/**
 * The bundled data files' drugs and classes by id and former id, for callers that name a few of
 * them (quality control's antibiotic and allergy checks). Rules read the book they are given.
 */
export const INGREDIENTS: Readonly<Record<IngredientId, Ingredient>> = bundled.ingredients;
export const DRUG_CLASSES: Readonly<
  Record<DrugClassId, { readonly en: string; readonly zh: string; readonly members: readonly string[] }>
> = bundled.classes;
