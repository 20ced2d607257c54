import { CodeSystems, invalid, parseCsv } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import type { ConceptType, KgSource } from '../model.js';
import { contentHash, fileIn, readText } from './read-input.js';

/**
 * ICD-10 国家临床版 2.0 (diagnoses) and ICD-9-CM-3 (procedures), Chinese editions. The hierarchy
 * is implicit in the code string: each code gets an `is-a` edge to its nearest listed ancestor
 * (x-extension → subcategory → category).
 */
export const ICD10CN_SOURCE: KgSource = {
  id: 'icd10cn',
  name: '国家卫生健康委员会 / 国家医疗保障局',
  document:
    '疾病分类与代码 国家临床版 2.0 (ICD-10), via hint-lab/chinese-medical-kg data/国家临床版2.0疾病诊断编码（ICD-10）.xlsx',
  version: '2.0',
  url: 'https://github.com/hint-lab/chinese-medical-kg',
  licence: "government publication; redistributed under the repository's MIT licence",
  date: '2025-11-18',
  shippable: true,
};

export const ICD9CM3_SOURCE: KgSource = {
  id: 'icd9cm3',
  name: 'ICD-9-CM-3 手术操作分类 (Chinese edition)',
  document: 'code.txt from gechengze/simcse-chip-cdn (provenance of the list not stated)',
  url: 'https://github.com/gechengze/simcse-chip-cdn',
  licence: 'MIT (repository); list provenance unstated',
  shippable: true,
};

// A code, optionally followed by a dagger/asterisk code or a morphology code (`C22.101M81600/3`).
const ICD10_CODE = /^[A-Z]\d{2}[0-9A-Za-z.+*/]*$/;
const ICD10_BASE = /^[A-Z]\d{2}(\.\d+)?(x\d{3})?/;

export function icd10cnId(code: string): string {
  return `icd10cn:${code}`;
}

/** Parent candidates of a clinical-edition code, nearest first: `A00.000x001` → `A00.000`, `A00.00`, `A00.0`, `A00`. */
function ancestors(code: string): string[] {
  const out: string[] = [];
  let c = ICD10_BASE.exec(code)?.[0] ?? code;
  if (c !== code) out.push(c);
  const x = c.indexOf('x');
  if (x > 0 && c !== code.slice(0, x)) {
    c = c.slice(0, x);
    out.push(c);
  }
  while (c.length > 3) {
    c = c.slice(0, -1).replace(/\.$/, '');
    out.push(c);
  }
  return out.filter((a) => a !== code);
}

function conceptTypeForIcd10(code: string): ConceptType {
  // Chapter XVIII (R00–R99): symptoms, signs and abnormal findings.
  return code.startsWith('R') ? 'finding' : 'disease';
}

export function readIcd10cn(path: string): BatchData {
  const file = fileIn(path, 'icd10_national_clinical_v2.csv');
  return parseIcd10cn(readText(file), file);
}

export function parseIcd10cn(text: string, where = 'icd10_national_clinical_v2.csv'): BatchData {
  const rows = parseCsv(text, where);
  const header = rows.shift();
  if (header?.cells[0]?.trim() !== '疾病诊断编码' || header?.cells[1]?.trim() !== '疾病诊断名称') {
    throw invalid("header must be '疾病诊断编码,疾病诊断名称'", { where: `${where} line 1` });
  }
  const b = new BatchBuilder();
  const src = b.source(ICD10CN_SOURCE);
  const codes = new Set<string>();
  for (const { line, cells } of rows) {
    const code = cells[0]?.trim() ?? '';
    const name = cells.slice(1).join(',').trim();
    if (!ICD10_CODE.test(code))
      throw invalid(`'${code}' is not an ICD-10 clinical-edition code`, {
        where: `${where} line ${line}`,
        field: '疾病诊断编码',
      });
    if (!name) throw invalid('empty name', { where: `${where} line ${line}`, field: '疾病诊断名称' });
    if (codes.has(code))
      throw invalid(`duplicate code ${code}`, { where: `${where} line ${line}`, field: '疾病诊断编码' });
    codes.add(code);
    b.concept(
      icd10cnId(code),
      conceptTypeForIcd10(code),
      { zh: name },
      { codes: [{ system: CodeSystems.icd10cn, code }] },
    );
  }
  for (const code of codes) {
    const parent = ancestors(code).find((a) => codes.has(a));
    if (parent) b.relation('is-a', icd10cnId(code), icd10cnId(parent), src);
  }
  return b.build({ kind: 'icd10cn', contentHash: contentHash(text), path: where });
}

export function icd9cm3Id(code: string): string {
  return `icd9cm3:${code}`;
}

export function readIcd9cm3(path: string): BatchData {
  const file = fileIn(path, 'icd9cm3_procedures_zh_from_simcse-chip-cdn.txt');
  return parseIcd9cm3(readText(file), file);
}

/** `code<TAB>中文名称` per line; codes like `00`, `00.0`, `00.0100`, and Chinese-edition extensions `01.6x00`. */
export function parseIcd9cm3(text: string, where = 'icd9cm3.txt'): BatchData {
  const b = new BatchBuilder();
  const src = b.source(ICD9CM3_SOURCE);
  const codes = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    const [code, name, ...rest] = raw.split('\t');
    const at = `${where} line ${i + 1}`;
    if (rest.length || name === undefined)
      throw invalid('expected two tab-separated columns: code, name', { where: at });
    if (!/^\d{2}(\.[\dx]{1,4})?$/.test(code!.trim()))
      throw invalid(`'${code}' is not an ICD-9-CM-3 code`, { where: at, field: 'code' });
    if (!name.trim()) throw invalid('empty name', { where: at, field: 'name' });
    const c = code!.trim();
    codes.add(c);
    b.concept(icd9cm3Id(c), 'procedure', { zh: name.trim() }, { codes: [{ system: CodeSystems.icd9cm3cn, code: c }] });
  });
  for (const code of codes) {
    let p = code;
    while (p.length > 2) {
      p = p.slice(0, -1).replace(/\.$/, '');
      if (codes.has(p)) {
        b.relation('is-a', icd9cm3Id(code), icd9cm3Id(p), src);
        break;
      }
    }
  }
  return b.build({ kind: 'icd9cm3', contentHash: contentHash(text), path: where });
}
