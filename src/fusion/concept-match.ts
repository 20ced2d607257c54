import type { Coding, Concept, FactCategory } from '../core/index.js';

/** Codes a concept is known by (primary and equivalents), as `system|code`; text-only pseudo-codes excluded. */
export function codeKeys(c: Concept): string[] {
  return [c, ...(c.codings ?? [])]
    .filter((x) => x.system !== 'urn:medseek:text')
    .map((x: Coding) => `${x.system}|${x.code}`);
}

/** Salt and ester words that do not change the drug (RxNorm names ingredients with them: "Naproxen sodium"). */
const saltWords =
  /\b(sodium|potassium|calcium|magnesium|hydrochloride|hcl|hydrobromide|sulfate|sulphate|succinate|tartrate|maleate|mesylate|besylate|besilate|citrate|acetate|phosphate|fumarate|bitartrate|monohydrate|dihydrate|trihydrate|bromide|chloride)\b/g;
/** Dose forms written after the drug name (English) — the name is what precedes them. */
const formWords =
  /\b(oral|tablet|tablets|tab|capsule|capsules|cap|injection|injectable|solution|suspension|syrup|cream|ointment|patch|inhaler|spray|drops|extended release|delayed release|er|xr|sr|dr|ec|chewable|film coated|enteric coated|prefilled syringe|auto-injector|metered dose|topical|powder|product|pack)\b.*$/;
/** Chinese dose forms and packaging after the drug name: 阿司匹林肠溶片 → 阿司匹林. */
const formSuffixZh =
  /(肠溶片|缓释片|控释片|分散片|咀嚼片|泡腾片|薄膜衣片|片|肠溶胶囊|缓释胶囊|软胶囊|胶囊|颗粒|注射液|注射用|粉针|针剂|针|口服液|口服溶液|糖浆|滴眼液|气雾剂|吸入剂|软膏|乳膏|栓|贴)+$/;
const saltZh = /^(盐酸|硫酸|酒石酸|琥珀酸|马来酸|甲磺酸|苯磺酸|枸橼酸|醋酸|磷酸|富马酸|注射用)|(钠|钾|钙|镁)$/g;

/** SNOMED CT semantic tags and qualifiers that name the same thing: "Hypertension (disorder)". */
const semanticTag =
  /\s*\((disorder|finding|situation|procedure|substance|observable entity|morphologic abnormality|product|regime\/therapy|event|qualifier value|body structure)\)\s*$/i;

/** A name folded for comparison: lower case, full-width → half-width, punctuation and spaces out. */
export function foldName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(semanticTag, '')
    .toLowerCase()
    .replace(/[\s\-_,.;:'"()[\]{}/\\，。；：、（）【】]+/g, ' ')
    .trim();
}

/** The drug's ingredient name as written in a product name: "Naproxen sodium 220 MG Oral Tablet" → "naproxen". */
export function drugName(name: string): string {
  const folded = name.normalize('NFKC').toLowerCase();
  if (/[\u3400-\u9fff]/.test(folded)) {
    let zh = folded.replace(/\d.*$/, '').replace(/\s+/g, '');
    zh = zh.replace(formSuffixZh, '');
    zh = zh.replace(saltZh, '');
    return zh;
  }
  const beforeStrength = folded.split(/\s\d/)[0] ?? folded;
  return foldName(beforeStrength.replace(formWords, '').replace(saltWords, '').replace(/\s+/g, ' ')).trim();
}

/** What an allergy is to: "Allergy to penicillin" → "penicillin", "青霉素过敏" → "青霉素". */
export function allergenName(name: string): string {
  const stripped = name
    .normalize('NFKC')
    .replace(semanticTag, '')
    .replace(/^\s*(allergy|allergic|hypersensitivity|intolerance)\s+(to|reaction to)\s+/i, '')
    .replace(/\s+(allergy|allergies|hypersensitivity|intolerance)\s*$/i, '')
    .replace(/(过敏史|过敏)$/, '')
    .replace(/^对/, '');
  return drugName(stripped);
}

/**
 * What a test measures, from a LOINC-style name: the analyte without property, system and method
 * ("Creatinine [Moles/volume] in Serum or Plasma" and "Creatinine [Mass/volume] in Blood" →
 * "creatinine"; "Fasting glucose [Moles/volume]…" → "glucose"). Values are then compared in their
 * units, so a shared analyte is enough to find the candidate.
 */
export function analyteName(name: string): string {
  const s = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\s+by\s+.*$/, '')
    .replace(/\s+in\s+(serum|plasma|blood|urine|arterial blood|venous blood|capillary blood)\b.*$/, '')
    .replace(/^(fasting|random|serum|plasma|blood)\s+/, '')
    .replace(/^(空腹|随机)/, '')
    .replace(/^(血清|血浆|血)(?=.{2,})/, '');
  return foldName(s);
}

/** Names a concept is known by, folded; medications by their ingredient name, allergies by their allergen. */
export function nameKeys(c: Concept, category?: FactCategory): string[] {
  const names = [c, ...(c.codings ?? [])].flatMap((x) => [x.display, x.displayZh]).filter((n): n is string => !!n);
  if (c.system === 'urn:medseek:text') names.push(c.code);
  const fold =
    category === 'medication'
      ? drugName
      : category === 'allergy'
        ? allergenName
        : category === 'measurement'
          ? analyteName
          : foldName;
  return [...new Set(names.map(fold).filter((n) => n.length > 1))];
}

/**
 * Whether two concepts name the same thing: a code in common (across primaries and equivalents),
 * or, failing that, a folded name in common. Two different codes in the same system never match
 * by name (the coder chose them apart) — except medications, whose product codes differ from
 * ingredient codes for the same drug; allergies, coded by allergen or by "allergy to" it; and
 * measurements, whose LOINC codes differ by unit and method for the same analyte.
 */
export function sameConcept(a: Concept, b: Concept, category?: FactCategory): boolean {
  const ak = codeKeys(a);
  const bk = new Set(codeKeys(b));
  if (ak.some((k) => bk.has(k))) return true;
  if (
    category !== 'medication' &&
    category !== 'allergy' &&
    category !== 'measurement' &&
    a.system === b.system &&
    a.system !== 'urn:medseek:text' &&
    a.code !== b.code
  )
    return false;
  const bn = new Set(nameKeys(b, category));
  return nameKeys(a, category).some((n) => bn.has(n));
}

/** Categories that describe the same kind of thing for matching (a note's "finding" vs a coded "condition"). */
export function compatibleCategories(a: FactCategory, b: FactCategory): boolean {
  if (a === b) return true;
  const problem = new Set<FactCategory>(['finding', 'condition', 'risk-factor']);
  return problem.has(a) && problem.has(b);
}
