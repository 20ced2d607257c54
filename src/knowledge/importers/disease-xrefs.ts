import { fileURLToPath } from 'node:url';
import { CodeSystems, invalid } from '../../core/index.js';
import type { KgCode, KgSource } from '../model.js';
import { fileOf, readTextOrGzip, tsvRows } from './read-gz.js';
import { contentHash } from './read-input.js';

// Bump when the naming rules below change, so batches named by the old rules are not reused (batch content hash).
const NAME_RULES = 'zh-names-2: code, extension, category; CCRD equivalents';

/**
 * Disease cross-references from the Disease Ontology (CC0; `data/doid/do-xrefs.tsv.gz`, derived from
 * DOreports/allXREFinDO.tsv) and Chinese names from ICD-10 国家临床版 2.0 (`data/icd10cn`), used to give
 * OMIM / Orphanet / DO diseases their ICD-10-CM codes and, where a code names the disease, a Chinese name.
 *
 * The rules (MedSeek's, mechanical; every concept says which code its Chinese name came from):
 * - a disease with exactly one DO term gets that term's ICD-10-CM codes (it is classified under them);
 * - it gets the 国家临床版 name of a code only when the disease and the DO term are one to one, the
 *   term has exactly one ICD-10-CM code, no other DO term has that code, the code is no residual class
 *   (`X00.8` other, `X00.9` unspecified, or a name saying 其他/未特指), and 国家临床版 lists the code
 *   itself or, for a four-character code `X00.0`, its default extension `X00.000`. Otherwise the
 *   Chinese name stays missing: a broader class's name is never given to a narrower disease.
 * - a three-character ICD-10-CM code `X00` (the DO term is the whole category) takes the category's own name:
 *   `X00.x00` when 国家临床版 does not subdivide the category (`I10.x00` 特发性(原发性)高血压), else the name
 *   国家临床版 gives the unspecified subdivision `X00.900`, which it writes as the bare category name without
 *   "未特指" (`E11.900` 2型糖尿病, `J45.900` 哮喘, `L20.900` 特应性皮炎), and only when that name says no more
 *   than the category: no residual words, no 伴 / 不伴 (with / without) or comma clause (`K21.900`
 *   胃-食管反流性疾病不伴有食管炎 is narrower than K21 and is not used), no 急性 / 慢性 that the DO label does not
 *   say, and, for an OMIM / Orphanet disease, the same English words as the DO label. Same uniqueness rules.
 */
export const DOID_SOURCE: KgSource = {
  id: 'doid',
  name: 'Human Disease Ontology (DO), Schriml lab, University of Maryland School of Medicine',
  document: 'HumanDiseaseOntology DOreports/allXREFinDO.tsv and DOreports/requested/disease-symptom.tsv',
  version: 'v2026-07-31 (git 9fbefd6651b79526165453395d06c8fd4bfe4247)',
  url: 'https://github.com/DiseaseOntology/HumanDiseaseOntology',
  licence: 'CC0 1.0',
  date: '2026-08-19',
  note: 'Symptoms are Symptom Ontology (SYMP) terms; DO gives no frequencies (probability: null).',
  shippable: true,
};

export const OMIM_SYSTEM = 'https://omim.org';
export const ORPHANET_SYSTEM = 'https://www.orpha.net';
export const DECIPHER_SYSTEM = 'https://www.deciphergenomics.org';
export const DOID_SYSTEM = 'http://purl.obolibrary.org/obo/doid.owl';
export const HPO_SYSTEM = 'http://purl.obolibrary.org/obo/hp.owl';
export const SYMP_SYSTEM = 'http://purl.obolibrary.org/obo/symp.owl';
export const MESH_SYSTEM = 'http://id.nlm.nih.gov/mesh';

export interface DoTerm {
  readonly id: string;
  readonly label: string;
  readonly mim: string[];
  readonly ordo: string[];
  readonly icd10cm: string[];
  readonly umls: string[];
  readonly mesh: string[];
}

/**
 * A Chinese name from China's national rare-disease list (CCRD, `data/ccrd`, SOURCE.md): the list's name of an
 * entry that PhenoBrain maps to this OMIM / Orphanet disease as equivalent (`E`), never a broader or narrower one.
 */
export interface ListedZhName {
  readonly name: string;
  readonly synonyms: readonly string[];
  readonly origin: { readonly system: 'ccrd'; readonly code: string; readonly nameEn: string; readonly match: 'E' };
}

/** Where a disease's Chinese name came from. */
export interface ZhNameOrigin {
  readonly system: typeof CodeSystems.icd10cn;
  readonly code: string;
  readonly via: string;
  readonly icd10cm: string;
  /** `code`: the CM code itself; `extension`: `X00.0` → `X00.000`; `category`: `X00` → `X00.x00` / `X00.900`. */
  readonly rule: 'code' | 'extension' | 'category';
}

export class DiseaseXrefs {
  readonly terms = new Map<string, DoTerm>();
  readonly byMim = new Map<string, string[]>();
  readonly byOrdo = new Map<string, string[]>();
  private readonly termsOfIcd = new Map<string, number>();
  /** `OMIM:n` / `ORPHA:n` → its name on the national rare-disease list (`parseCcrdNames`). */
  readonly listedNames: ReadonlyMap<string, ListedZhName>;
  /** Hash of the inputs and the naming rules: part of the content hash of the batches named through these xrefs. */
  readonly fingerprint: string;

  constructor(
    doXrefsText: string,
    private readonly icd10cnNames: ReadonlyMap<string, string>,
    where = 'do-xrefs.tsv',
    listedNames: ReadonlyMap<string, ListedZhName> = new Map(),
  ) {
    this.listedNames = listedNames;
    this.fingerprint = contentHash(
      NAME_RULES,
      doXrefsText,
      [...icd10cnNames].map(([k, v]) => `${k}=${v}`).join('\n'),
      [...listedNames].map(([k, v]) => `${k}=${v.origin.code}=${v.name}=${v.synonyms.join('|')}`).join('\n'),
    );
    const rows = tsvRows(doXrefsText);
    const head = rows.shift();
    if (head?.cells.join('\t') !== 'doid\tlabel\txref') throw invalid("header must be 'doid, label, xref'", { where });
    for (const { line, cells } of rows) {
      const [id = '', label = '', xref = ''] = cells;
      if (!/^DOID:\d+$/.test(id))
        throw invalid(`'${id}' is not a DOID`, { where: `${where} line ${line}`, field: 'doid' });
      const m = /^([A-Z_0-9]+):(.+)$/.exec(xref.trim());
      if (!m) throw invalid(`'${xref}' is not PREFIX:ID`, { where: `${where} line ${line}`, field: 'xref' });
      let t = this.terms.get(id);
      if (!t) {
        t = { id, label, mim: [], ordo: [], icd10cm: [], umls: [], mesh: [] };
        this.terms.set(id, t);
      }
      const [, prefix, value] = m;
      const list = { MIM: t.mim, ORDO: t.ordo, ICD10CM: t.icd10cm, UMLS_CUI: t.umls, MESH: t.mesh }[prefix!];
      if (list && !list.includes(value!)) list.push(value!);
    }
    for (const t of this.terms.values()) {
      for (const n of t.mim) push(this.byMim, n, t.id);
      for (const n of t.ordo) push(this.byOrdo, n, t.id);
      for (const c of t.icd10cm) this.termsOfIcd.set(c, (this.termsOfIcd.get(c) ?? 0) + 1);
    }
  }

  /** The DO term of an `OMIM:n` / `ORPHA:n` disease when there is exactly one, and whether it is one to one. */
  termOf(database: 'OMIM' | 'ORPHA', n: string): { term: DoTerm; oneToOne: boolean } | undefined {
    const ids = (database === 'OMIM' ? this.byMim : this.byOrdo).get(n) ?? [];
    if (ids.length !== 1) return undefined;
    const term = this.terms.get(ids[0]!)!;
    return { term, oneToOne: (database === 'OMIM' ? term.mim : term.ordo).length === 1 };
  }

  /** The national rare-disease list's Chinese name of an `OMIM:n` / `ORPHA:n` disease, when it maps one to one. */
  listedNameOf(database: 'OMIM' | 'ORPHA', n: string): ListedZhName | undefined {
    return this.listedNames.get(`${database}:${n}`);
  }

  /** ICD-10-CM, UMLS and MeSH codes of a DO term, and the DOID itself. */
  codesOf(term: DoTerm): KgCode[] {
    return [
      { system: DOID_SYSTEM, code: term.id },
      ...term.icd10cm.map((code) => ({ system: CodeSystems.icd10cm, code })),
      ...term.umls.map((code) => ({ system: CodeSystems.umls, code })),
      ...term.mesh.map((code) => ({ system: MESH_SYSTEM, code })),
    ];
  }

  /**
   * The 国家临床版 name (and its code) when the term's single ICD-10-CM code names it alone (rules above).
   * `diseaseName`: the English name of an OMIM / Orphanet disease reached through the term; the category rule
   * then also needs the same words as the term's label (OMIM's `Gallbladder disease 1` is not DO's cholecystitis).
   */
  zhNameOf(term: DoTerm, diseaseName?: string): { name: string; origin: ZhNameOrigin } | undefined {
    if (term.icd10cm.length !== 1) return undefined;
    const cm = term.icd10cm[0]!;
    if (this.termsOfIcd.get(cm) !== 1 || RESIDUAL_CODE.test(cm)) return undefined;
    const candidates: [string, ZhNameOrigin['rule']][] = /^[A-Z]\d{2}$/.test(cm)
      ? [
          [`${cm}.x00`, 'category'],
          [`${cm}.900`, 'category'],
        ]
      : /^[A-Z]\d{2}\.\d$/.test(cm)
        ? [
            [cm, 'code'],
            [`${cm}00`, 'extension'],
          ]
        : [[cm, 'code']];
    for (const [code, rule] of candidates) {
      const name = this.icd10cnNames.get(code);
      if (!name || RESIDUAL_NAME.test(name)) continue;
      if (rule === 'category' && !categoryNameFits(name, term.label, diseaseName)) continue;
      return { name, origin: { system: CodeSystems.icd10cn, code, via: term.id, icd10cm: cm, rule } };
    }
    return undefined;
  }
}

// Residual classes ("other specified", "unspecified") name no single disease: X00.8, X00.9, and names saying so.
const RESIDUAL_CODE = /^[A-Z]\d{2}\.[89]/;
const RESIDUAL_NAME = /其他|其它|未特指|未特定|未分类/;
// A subdivision name that says more than its category: "with …" / "without …", or a qualifying clause after a comma.
const QUALIFIED_NAME = /伴|[，,]/;

/**
 * Whether a category name fits a DO term (and the OMIM / Orphanet disease reached through it): no qualifier, no
 * 急性 / 慢性 the English label does not say (DO gives `sinusitis` the category J01 急性鼻窦炎), the same words.
 */
function categoryNameFits(name: string, label: string, diseaseName?: string): boolean {
  if (QUALIFIED_NAME.test(name)) return false;
  if (/急性/.test(name) && !/\bacute\b/i.test(label)) return false;
  if (/慢性/.test(name) && !/\bchronic\b/i.test(label)) return false;
  return !diseaseName || sameWords(diseaseName, label);
}

/** The same English words, in any order, case and punctuation aside (`Spondylosis, cervical`). */
export function sameWords(a: string, b: string): boolean {
  const words = (x: string) =>
    x
      .normalize('NFKC')
      .toLowerCase()
      .replace(/['’]s\b/g, '')
      .split(/[^a-z0-9]+/)
      .filter(Boolean)
      .sort()
      .join(' ');
  return words(a) === words(b);
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const l = m.get(k);
  if (l) {
    if (!l.includes(v)) l.push(v);
  } else m.set(k, [v]);
}

const bundled = (p: string) => fileURLToPath(new URL(`../data/${p}`, import.meta.url));

/** `code → name` of ICD-10 国家临床版 2.0 (`疾病诊断编码,疾病诊断名称` lines). */
export function icd10cnNames(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/).slice(1)) {
    const i = raw.indexOf(',');
    if (i > 0)
      out.set(
        raw.slice(0, i).trim(),
        raw
          .slice(i + 1)
          .trim()
          .replace(/^"|"$/g, '')
          .replace(/\\([[\]])/g, '$1'),
      );
  }
  return out;
}

/**
 * `OMIM:n` / `ORPHA:n` → Chinese name from `ccrd-names.tsv` (`ccrd_id, name_zh, name_en, code`; only equivalent
 * mappings are in the file). A name `A; B` is the name A with the synonym B. A code listed twice is an error.
 */
export function parseCcrdNames(text: string, where = 'ccrd-names.tsv'): Map<string, ListedZhName> {
  const rows = tsvRows(text);
  const head = rows.shift();
  if (head?.cells.join('\t') !== 'ccrd_id\tname_zh\tname_en\tcode')
    throw invalid("header must be 'ccrd_id, name_zh, name_en, code'", { where });
  const out = new Map<string, ListedZhName>();
  for (const { line, cells } of rows) {
    const [id = '', zh = '', en = '', code = ''] = cells.map((c) => c.trim());
    const at = `${where} line ${line}`;
    if (!/^CCRD:\d+(\.\d+)?$/.test(id)) throw invalid(`'${id}' is not a CCRD id`, { where: at, field: 'ccrd_id' });
    if (!/^(OMIM|ORPHA):\d+$/.test(code))
      throw invalid(`'${code}' is not OMIM:n or ORPHA:n`, { where: at, field: 'code' });
    if (out.has(code)) throw invalid(`'${code}' is listed twice`, { where: at, field: 'code' });
    const [name = '', ...synonyms] = zh
      .split(/[;；]/)
      .map((x) => x.trim())
      .filter(Boolean);
    if (!name) throw invalid('empty Chinese name', { where: at, field: 'name_zh' });
    out.set(code, { name, synonyms, origin: { system: 'ccrd', code: id, nameEn: en, match: 'E' } });
  }
  return out;
}

/** Reads the DO cross-references and 国家临床版 names: from `folder` when given, else the bundled copies. */
export function readDiseaseXrefs(folder?: string, icd10cnFolder?: string): DiseaseXrefs {
  const xrefFile = fileOf(folder ?? bundled('doid'), ['do-xrefs.tsv.gz', 'do-xrefs.tsv']);
  const icdFile = fileOf(icd10cnFolder ?? bundled('icd10cn'), ['icd10_national_clinical_v2.csv']);
  const ccrdFile = fileOf(bundled('ccrd'), ['ccrd-names.tsv']);
  return new DiseaseXrefs(
    readTextOrGzip(xrefFile),
    icd10cnNames(readTextOrGzip(icdFile)),
    xrefFile,
    parseCcrdNames(readTextOrGzip(ccrdFile), ccrdFile),
  );
}
