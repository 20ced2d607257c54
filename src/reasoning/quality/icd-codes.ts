import { readFileSync } from 'node:fs';
import { parseCsv } from '../../core/index.js';
import { normalise } from './text.js';

/**
 * The diagnosis codes of ICD-10 国家临床版 2.0 as bundled with the knowledge package
 * (src/knowledge/data/icd10cn, see its SOURCE.md), for H04 and H05 when the caller gives no
 * catalogue of its own. A record may code at any level the edition defines (category `I10`,
 * subcategory `K80.1`, the clinical code `K80.100`, an extension `K80.100x001`): a code is valid
 * when the edition has it or a code below it.
 */
export interface IcdCodeTable {
  /** The code exists at the level it is written (case-insensitive). */
  has(code: string): boolean;
  /** Every name the edition gives under the code's category (`K80` for `K80.100x001`). */
  namesInCategory(code: string): readonly string[];
  /** The names of the code as written and of the codes below it (`B35.3`: 脚癣 of B35.300). */
  namesUnder(code: string): readonly string[];
}

const file = new URL('../../knowledge/data/icd10cn/icd10_national_clinical_v2.csv', import.meta.url);

/** A clinical-edition extension (`x001`) after a full code; `I10.x00` keeps its own x. */
const EXTENSION = /(?<=^[A-Z]\d{2}\.[0-9X]\d{2})X\d{3}$/;

export function icdCodeTable(rows: readonly { readonly code: string; readonly name: string }[]): IcdCodeTable {
  const codes = [...new Set(rows.map((r) => r.code.toUpperCase()))].sort();
  const byCategory = new Map<string, string[]>();
  for (const r of rows) {
    const cat = r.code.slice(0, 3).toUpperCase();
    const names = byCategory.get(cat) ?? [];
    names.push(r.name);
    byCategory.set(cat, names);
  }
  const byCode = new Map<string, string[]>();
  for (const r of rows) byCode.set(r.code.toUpperCase(), [...(byCode.get(r.code.toUpperCase()) ?? []), r.name]);
  /** The index of the first code not below c in sort order. */
  const firstFrom = (c: string): number => {
    let lo = 0;
    let hi = codes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (codes[mid]! < c) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // The first code not below c starts with c when c or a code under it exists.
  const prefixed = (c: string): boolean => codes[firstFrom(c)]?.startsWith(c) ?? false;
  return {
    has: (code) => {
      const c = code.trim().toUpperCase();
      if (c.length < 3) return false;
      return prefixed(c) || prefixed(c.replace(EXTENSION, ''));
    },
    namesInCategory: (code) => byCategory.get(code.trim().slice(0, 3).toUpperCase()) ?? [],
    namesUnder: (code) => {
      const c = code.trim().toUpperCase().replace(EXTENSION, '');
      const out: string[] = [];
      for (let i = firstFrom(c); i < codes.length && codes[i]!.startsWith(c); i++) out.push(...byCode.get(codes[i]!)!);
      return out;
    },
  };
}

let bundled: IcdCodeTable | undefined;

/** The bundled 国家临床版 2.0 table, read once. */
export function bundledIcdCodes(): IcdCodeTable {
  if (!bundled) {
    const rows = parseCsv(readFileSync(file, 'utf8'), 'icd10_national_clinical_v2.csv').slice(1);
    bundled = icdCodeTable(
      rows
        .map(({ cells }) => ({ code: cells[0]?.trim() ?? '', name: cells.slice(1).join(',').trim() }))
        .filter((r) => r.code && r.name),
    );
  }
  return bundled;
}

/**
 * Whether a diagnosis name can be a name of the code's category: it shares a two-character term or
 * two characters with one of the category's names once the `generic` parts every name may carry
 * (急性, 伴, 其他…, course and severity words: 发作, 间歇, 重度) and brackets are taken out. Lenient on
 * purpose: only a name of another disease fails (慢性胆囊炎伴胆囊结石 against J45 支气管哮喘), not a synonym or
 * a finer wording. `shortForms` give the edition's word for a short one a name writes (左乳癌: 乳 for 乳腺). A
 * bracket that names what the category is about on its own (重症社区获得性肺炎（肺炎链球菌）: the pathogen J13 codes)
 * fits too; its Chinese characters only are read (not "pT2N1M0" or "HER2").
 */
export function nameFitsCategory(
  name: string,
  categoryNames: readonly string[],
  generic: readonly string[],
  shortForms: readonly { readonly name: string; readonly pattern: RegExp }[] = [],
): boolean {
  const words = generic.filter((g) => [...g].length > 1).sort((a, b) => b.length - a.length);
  const chars = new Set(generic.filter((g) => [...g].length === 1));
  const content = (s: string): string[] => {
    // A bracket qualifies the name (支气管哮喘(间歇发作), 外斜视（基本型）): its course or type is no disease.
    let t = normalise(s.replace(/[（(][^）)]*[）)]/g, ''));
    for (const w of words) t = t.split(w).join(' ');
    return [...t].map((c) => (chars.has(c) ? ' ' : c));
  };
  const grams = (cs: string[]) => {
    const out = new Set<string>();
    for (let i = 0; i < cs.length - 1; i++) if (cs[i] !== ' ' && cs[i + 1] !== ' ') out.add(cs[i]! + cs[i + 1]!);
    return out;
  };
  const fits = (mine: string[]) => {
    const myChars = new Set(mine.filter((c) => c !== ' '));
    const myGrams = grams(mine);
    return categoryNames.some((n) => {
      const theirs = content(n);
      const shared = theirs.filter((c, i) => c !== ' ' && myChars.has(c) && theirs.indexOf(c) === i).length;
      return shared >= 2 || [...grams(theirs)].some((g) => myGrams.has(g));
    });
  };
  const expanded = shortForms.reduce(
    (t, f) => t.replace(new RegExp(f.pattern.source, `${f.pattern.flags.replace('g', '')}g`), f.name),
    name,
  );
  const mine = content(expanded);
  if (mine.every((c) => c === ' ') || fits(mine)) return true;
  return [...expanded.matchAll(/[（(]([^）)]*)[）)]/g)]
    .flatMap((m) => m[1]!.split(/[^\p{Script=Han}]+/u))
    .map(content)
    .some((b) => b.some((c) => c !== ' ') && fits(b));
}

/**
 * Whether a diagnosis name is one of `names` but for one character before its last (足癣 for 脚癣 of B35.3): the
 * everyday word for a body part or a qualifier where the edition writes another, the disease (its last character,
 * the head of a Chinese disease name) the same. Read against the names of the code as written, not its category,
 * so that the code itself says which disease it is. Brackets (sides, types) are left out.
 */
export function oneWordFrom(name: string, names: readonly string[]): boolean {
  const bare = (s: string) => [...normalise(s.replace(/[（(][^）)]*[）)]/g, ''))];
  const mine = bare(name);
  if (mine.length < 2) return false;
  return names.some((n) => {
    const theirs = bare(n);
    if (theirs.length !== mine.length || theirs.at(-1) !== mine.at(-1)) return false;
    return theirs.filter((c, i) => c !== mine[i]).length === 1;
  });
}
