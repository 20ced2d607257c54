import { readFileSync } from 'node:fs';
import { invalid } from '../../core/index.js';
import { parseJson } from './read-input.js';

/**
 * Short English and Chinese names, synonyms and SNOMED CT codes for the DDXPlus evidences (which
 * DDXPlus names only by their questions), their values, and Chinese names for the 49 pathologies.
 * Written for MedSeek from the DDXPlus questions (DDXPlus: CC-BY); the SNOMED CT ids are identifiers
 * only, the same as the NLP built-in lexicon's for the same concept. See `data/ddxplus-names.json`.
 */
export interface DdxplusEvidenceName {
  readonly en: string;
  readonly zh: string;
  readonly synonyms: { readonly en: readonly string[]; readonly zh: readonly string[] };
  readonly snomed: readonly string[];
  readonly note?: string;
}

export interface DdxplusNames {
  readonly evidences: Readonly<Record<string, DdxplusEvidenceName>>;
  /** Value meanings (`V_14` → right iliac wing / 右髂翼). */
  readonly values: Readonly<Record<string, { readonly en: string; readonly zh: string }>>;
  /** Per evidence, how its value concepts are named: `{v}` stands for the value's name. */
  readonly valueNames: Readonly<Record<string, { readonly en: string; readonly zh: string }>>;
  readonly pathologies: Readonly<
    Record<string, { readonly zh: string; readonly synonymsZh: readonly string[]; readonly icd10: readonly string[] }>
  >;
  /** The file's text, so a batch built with these names hashes differently from one without. */
  readonly text: string;
}

const strings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && s.trim() !== '');

/** Parses and checks a names file (every field it uses; an error names the entry and field). */
export function parseDdxplusNames(text: string, where = 'ddxplus-names.json'): DdxplusNames {
  const raw = parseJson(text, where) as Record<string, unknown>;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('expected a JSON object', { where });
  const section = (name: string) => {
    const s = raw[name];
    if (!s || typeof s !== 'object' || Array.isArray(s))
      throw invalid(`'${name}' must be an object`, { where, field: name });
    return s as Record<string, Record<string, unknown>>;
  };
  const evidences = section('evidences');
  for (const [k, e] of Object.entries(evidences)) {
    const at = `${where} evidences.${k}`;
    for (const f of ['en', 'zh'] as const)
      if (typeof e[f] !== 'string' || !(e[f] as string).trim())
        throw invalid(`missing ${f} name`, { where: at, field: f });
    const syn = e.synonyms as Record<string, unknown> | undefined;
    if (!syn || !strings(syn.en) || !strings(syn.zh))
      throw invalid('synonyms must be { en: [...], zh: [...] } of non-empty strings', { where: at, field: 'synonyms' });
    if (!strings(e.snomed) || !e.snomed.every((c) => /^\d{6,18}$/.test(c)))
      throw invalid('snomed must be a list of SNOMED CT concept ids', { where: at, field: 'snomed' });
  }
  const values = section('values');
  for (const [k, v] of Object.entries(values)) {
    if (typeof v.en !== 'string' || typeof v.zh !== 'string')
      throw invalid('a value needs en and zh', { where: `${where} values.${k}` });
  }
  const valueNames = section('valueNames');
  for (const [k, v] of Object.entries(valueNames)) {
    if (typeof v.en !== 'string' || !v.en.includes('{v}') || typeof v.zh !== 'string' || !v.zh.includes('{v}')) {
      throw invalid('a value name template needs en and zh with {v}', { where: `${where} valueNames.${k}` });
    }
  }
  const pathologies = section('pathologies');
  for (const [k, p] of Object.entries(pathologies)) {
    const at = `${where} pathologies.${k}`;
    if (typeof p.zh !== 'string' || !p.zh.trim()) throw invalid('missing zh name', { where: at, field: 'zh' });
    if (!strings(p.synonymsZh))
      throw invalid('synonymsZh must be a list of strings', { where: at, field: 'synonymsZh' });
    if (!strings(p.icd10)) throw invalid('icd10 must be a list of codes', { where: at, field: 'icd10' });
  }
  return {
    evidences: evidences as unknown as DdxplusNames['evidences'],
    values: values as unknown as DdxplusNames['values'],
    valueNames: valueNames as unknown as DdxplusNames['valueNames'],
    pathologies: pathologies as unknown as DdxplusNames['pathologies'],
    text,
  };
}

let bundled: DdxplusNames | undefined;

/** The names shipped in `src/knowledge/data/ddxplus-names.json`. */
export function bundledDdxplusNames(): DdxplusNames {
  if (!bundled) {
    const url = new URL('../data/ddxplus-names.json', import.meta.url);
    bundled = parseDdxplusNames(readFileSync(url, 'utf8'), 'data/ddxplus-names.json');
  }
  return bundled;
}
