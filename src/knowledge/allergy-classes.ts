import { readFileSync } from 'node:fs';
import type { Bilingual } from '../core/index.js';
import { invalid } from '../core/index.js';

/**
 * Drug-allergy classes (`data/cds/allergy-classes.json`): which drugs an allergy covers, the words
 * that name a class in allergy text, and the known cross-reactivity between classes. Data only,
 * with lookups: verify and reasoning decide what to do with a match.
 */
export interface AllergyDrug {
  readonly id: string;
  readonly names: { readonly en: readonly string[]; readonly zh: readonly string[] };
  readonly atc: readonly string[];
}

export interface AllergyClass {
  readonly id: string;
  readonly name: Bilingual;
  readonly atc: readonly string[];
  /** Words that name the class itself in allergy text ("青霉素类", "sulfa drugs"). */
  readonly terms: { readonly en: readonly string[]; readonly zh: readonly string[] };
  readonly members: readonly string[];
  readonly note?: string;
}

export interface CrossReactivity {
  /** A class id or a drug id. */
  readonly from: string;
  readonly to: string;
  readonly level: 'warning';
  readonly note: string;
}

export interface AllergyClasses {
  readonly source: string;
  readonly drugs: ReadonlyMap<string, AllergyDrug>;
  readonly classes: ReadonlyMap<string, AllergyClass>;
  readonly crossReactivity: readonly CrossReactivity[];
}

/** A drug or class named in text: its ids and where. */
export interface AllergenMention {
  /** Drug ids the words cover (a class term covers all its members). */
  readonly drugs: readonly string[];
  /** Class ids: the class a class term names, or the classes of the drug named. */
  readonly classes: readonly string[];
  /** The words named a class ("青霉素类", "sulfa drugs"), not one drug. */
  readonly isClass: boolean;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

let cached: AllergyClasses | undefined;

export function allergyClasses(): AllergyClasses {
  cached ??= loadAllergyClasses();
  return cached;
}

export function loadAllergyClasses(
  file: URL | string = new URL('./data/cds/allergy-classes.json', import.meta.url),
): AllergyClasses {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    source: string;
    drugs: AllergyDrug[];
    classes: AllergyClass[];
    crossReactivity: CrossReactivity[];
  };
  const drugs = new Map(raw.drugs.map((d) => [d.id, d]));
  const classes = new Map(raw.classes.map((c) => [c.id, c]));
  const problems: string[] = [];
  for (const c of raw.classes)
    for (const m of c.members) if (!drugs.has(m)) problems.push(`class ${c.id}: unknown drug ${m}`);
  for (const x of raw.crossReactivity)
    for (const id of [x.from, x.to])
      if (!drugs.has(id) && !classes.has(id)) problems.push(`crossReactivity: unknown id ${id}`);
  if (problems.length > 0)
    throw invalid(`allergy-classes.json refers to unknown ids: ${problems.join('; ')}`, {
      where: 'data/cds/allergy-classes.json',
    });
  return { source: raw.source, drugs, classes, crossReactivity: raw.crossReactivity };
}

/** The classes a drug id belongs to. */
export function classesOfDrug(data: AllergyClasses, drugId: string): string[] {
  return [...data.classes.values()].filter((c) => c.members.includes(drugId)).map((c) => c.id);
}

/** The drug ids a coded medication belongs to, by ATC code (an ATC prefix of a class member counts). */
export function allergyDrugsByAtc(data: AllergyClasses, code: string): string[] {
  const c = code.toUpperCase();
  return [...data.drugs.values()]
    .filter((d) => d.atc.some((a) => c === a || (a.length < 7 && c.startsWith(a))))
    .map((d) => d.id);
}

interface Term {
  readonly word: string;
  readonly drug?: string;
  readonly cls?: string;
  readonly en: boolean;
}

/** Per allergy data (the bundled file's, a release's), its terms longest first. */
const termsOf = new WeakMap<AllergyClasses, Term[]>();

function allTerms(data: AllergyClasses): Term[] {
  const known = termsOf.get(data);
  if (known) return known;
  const out: Term[] = [];
  for (const d of data.drugs.values()) {
    for (const w of d.names.en) out.push({ word: w.toLowerCase(), drug: d.id, en: true });
    for (const w of d.names.zh) out.push({ word: w, drug: d.id, en: false });
  }
  for (const c of data.classes.values()) {
    for (const w of c.terms.en) out.push({ word: w.toLowerCase(), cls: c.id, en: true });
    for (const w of c.terms.zh) out.push({ word: w, cls: c.id, en: false });
  }
  // Longest first, so "复方磺胺甲噁唑" wins over "磺胺" and "sulfa drugs" over "sulfa".
  out.sort((a, b) => b.word.length - a.word.length);
  termsOf.set(data, out);
  return out;
}

/**
 * Every drug or class of the allergy data named in the text, longest name first, no overlaps.
 * English names match as whole words (case-insensitive); Chinese names anywhere.
 */
export function findAllergens(text: string, data: AllergyClasses = allergyClasses()): AllergenMention[] {
  const lower = text.toLowerCase();
  const taken: boolean[] = new Array(text.length).fill(false);
  const found: AllergenMention[] = [];
  for (const t of allTerms(data)) {
    let from = 0;
    for (;;) {
      const at = lower.indexOf(t.word, from);
      if (at < 0) break;
      from = at + 1;
      const end = at + t.word.length;
      if (t.en && (/[a-z0-9]/.test(lower[at - 1] ?? '') || /[a-z0-9]/.test(lower[end] ?? ''))) continue;
      if (taken.slice(at, end).some(Boolean)) continue;
      for (let k = at; k < end; k++) taken[k] = true;
      const classIds = t.cls ? [t.cls] : classesOfDrug(data, t.drug!);
      const drugIds = t.cls ? [...(data.classes.get(t.cls)?.members ?? [])] : [t.drug!];
      found.push({ drugs: drugIds, classes: classIds, isClass: !!t.cls, start: at, end, text: text.slice(at, end) });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
