import { readFileSync } from 'node:fs';
import type { Bilingual } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import type { SafetyRuleBook } from './rulebook.js';

/**
 * The hospital formulary a card's "replace with" suggestion must respect: a card never suggests a
 * drug the pharmacy cannot dispense (prasugrel is not among the drugs the Chinese lists show
 * marketed in mainland China). The default is `knowledge/data/cds/formulary.json`: the drugs of
 * drugs.json found in the shared Chinese drug lists (国家医保药品目录 restriction rules, NMPA
 * imported-drug 本位码 list), each with the row that shows it. A hospital sets its own with the rule
 * parameter `formulary` of the rules that suggest replacements: `'default'`, a list of drug ids
 * (its whole formulary), or `{ add, remove }` over the default.
 */
export interface Formulary {
  has(drugId: string): boolean;
}

interface FormularyFile {
  readonly drugs: readonly { readonly id: string; readonly listed: boolean }[];
}

const file = JSON.parse(
  readFileSync(new URL('../../knowledge/data/cds/formulary.json', import.meta.url), 'utf8'),
) as FormularyFile;

/** Drug ids the shared Chinese lists show marketed in mainland China. */
export const DEFAULT_FORMULARY_IDS: ReadonlySet<string> = new Set(file.drugs.filter((d) => d.listed).map((d) => d.id));

const ids = (v: unknown, field: string, book: SafetyRuleBook): string[] => {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw invalid('must be a list of drug ids', { field: `params.formulary${field}` });
  const unknown = (v as string[]).filter((x) => !book.drugs.has(x));
  if (unknown.length)
    throw invalid(`unknown drug id(s) ${unknown.join(', ')}: use ids of drugs.json`, {
      field: `params.formulary${field}`,
    });
  return v as string[];
};

/** The formulary a rule parameter names (`'default'`, drug ids, or `{ add, remove }`); throws naming the field. */
export function formularyOf(param: unknown, book: SafetyRuleBook): Formulary {
  if (param === undefined || param === null || param === 'default')
    return { has: (id) => DEFAULT_FORMULARY_IDS.has(id) };
  if (Array.isArray(param)) {
    const own = new Set(ids(param, '', book));
    return { has: (id) => own.has(id) };
  }
  if (typeof param === 'object') {
    const p = param as { add?: unknown; remove?: unknown };
    const add = new Set(p.add === undefined ? [] : ids(p.add, '.add', book));
    const remove = new Set(p.remove === undefined ? [] : ids(p.remove, '.remove', book));
    return { has: (id) => !remove.has(id) && (add.has(id) || DEFAULT_FORMULARY_IDS.has(id)) };
  }
  throw invalid("must be 'default', a list of drug ids or { add, remove }", { field: 'params.formulary' });
}

/** A card's replacement as the data gives it: text, and (optionally) the drug ids it names. */
type Replacement = Bilingual & { readonly drugs?: unknown };

/**
 * The replacement a card may offer under a formulary. A replacement naming drugs (`drugs` in the
 * data) keeps only those in the formulary, named from the drug table ("ticagrelor or prasugrel" →
 * "ticagrelor"); none left: no replacement (the card still offers to remove the drug). A
 * replacement naming no drug (a class: "a non-aromatic anticonvulsant") is kept as written. The
 * drug ids kept travel with it (`drugs`), so a CDS card can order each one as a coded alternative.
 */
export function formularyReplacement(
  r: Replacement | undefined,
  formulary: Formulary,
  book: SafetyRuleBook,
): (Bilingual & { readonly drugs?: readonly string[] }) | undefined {
  if (!r) return undefined;
  const named = Array.isArray(r.drugs) ? r.drugs.filter((x): x is string => typeof x === 'string') : [];
  if (named.length === 0) return { en: r.en, ...(r.zh ? { zh: r.zh } : {}) };
  const kept = named.filter((id) => formulary.has(id)).map((id) => book.drugs.get(id)?.name ?? { en: id, zh: id });
  if (kept.length === 0) return undefined;
  const drugs = named.filter((id) => formulary.has(id));
  if (kept.length === named.length) return { en: r.en, ...(r.zh ? { zh: r.zh } : {}), drugs };
  return { en: kept.map((n) => n.en).join(' or '), zh: kept.map((n) => n.zh).join('或'), drugs };
}
