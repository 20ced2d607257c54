import { expect, it } from 'vitest';
import { DiseaseXrefs, icd10cnNames, parseCcrdNames, sameWords } from './disease-xrefs.js';

// DO terms coded by a whole ICD-10-CM category (three characters) and the 国家临床版 names of that category.
const DO = [
  'doid\tlabel\txref',
  'DOID:9352\ttype 2 diabetes mellitus\tICD10CM:E11',
  'DOID:10825\tessential hypertension\tICD10CM:I10',
  'DOID:8534\tgastroesophageal reflux disease\tICD10CM:K21',
  'DOID:0050127\tsinusitis\tICD10CM:J01',
  'DOID:2957\tpulmonary tuberculosis\tICD10CM:A15',
  'DOID:1679\tcystitis\tICD10CM:N30',
  'DOID:1680\tcystitis, other\tICD10CM:N30',
  'DOID:14557\tprimary pulmonary hypertension\tICD10CM:I27.0',
].join('\n');
const ICD = [
  '疾病诊断编码,疾病诊断名称',
  'E11.000,2型糖尿病伴有昏迷',
  'E11.900,2型糖尿病',
  'I10.x00,特发性(原发性)高血压',
  'K21.000,胃-食管反流性疾病伴有食管炎',
  'K21.900,胃-食管反流性疾病不伴有食管炎',
  'J01.900,急性鼻窦炎',
  'A15.900,呼吸道结核，经细菌学和组织学所证实的',
  'N30.900,膀胱炎',
  'I27.000,原发性肺动脉高压',
].join('\n');

const xrefs = new DiseaseXrefs(DO, icd10cnNames(ICD));
const zh = (doid: string, diseaseName?: string) => xrefs.zhNameOf(xrefs.terms.get(doid)!, diseaseName);

it('names a DO term coded by a whole category with the category’s own 国家临床版 name', () => {
  expect(zh('DOID:9352')).toEqual({
    name: '2型糖尿病',
    origin: { system: expect.any(String), code: 'E11.900', via: 'DOID:9352', icd10cm: 'E11', rule: 'category' },
  });
  // A category 国家临床版 does not subdivide: its `X00.x00` code is the category itself.
  expect(zh('DOID:10825')?.origin).toMatchObject({ code: 'I10.x00', rule: 'category' });
  expect(zh('DOID:14557')?.origin).toMatchObject({ code: 'I27.000', rule: 'extension' });
});

it('never names a category by a subdivision that says more than the category', () => {
  // "without oesophagitis", a qualifying clause, "acute" where DO does not say acute: narrower than the term.
  expect(zh('DOID:8534')).toBeUndefined();
  expect(zh('DOID:2957')).toBeUndefined();
  expect(zh('DOID:0050127')).toBeUndefined();
  // Two DO terms share the code: the name would be the class's, not the disease's.
  expect(zh('DOID:1679')).toBeUndefined();
});

it('asks an OMIM / Orphanet disease reached through the term to have the term’s words', () => {
  expect(zh('DOID:9352', 'Type 2 diabetes mellitus')?.name).toBe('2型糖尿病');
  expect(zh('DOID:9352', 'Diabetes mellitus, noninsulin-dependent, 2')).toBeUndefined();
  expect(sameWords('Spondylosis, cervical', 'cervical spondylosis')).toBe(true);
  expect(sameWords('Gallbladder disease 1', 'cholecystitis')).toBe(false);
});

it('reads the national rare-disease list’s names of equivalent diseases, with synonyms, and rejects a repeat', () => {
  const text = [
    'ccrd_id\tname_zh\tname_en\tcode',
    'CCRD:1\t21-羟化酶缺乏症\t21-hydroxylase deficiency; 21-OHD\tORPHA:90794',
    'CCRD:41\t肝豆状核变性; 威尔逊氏病\tWilson disease\tORPHA:905',
  ].join('\n');
  const names = parseCcrdNames(text);
  expect(names.get('ORPHA:905')).toEqual({
    name: '肝豆状核变性',
    synonyms: ['威尔逊氏病'],
    origin: { system: 'ccrd', code: 'CCRD:41', nameEn: 'Wilson disease', match: 'E' },
  });
  const listed = new DiseaseXrefs('doid\tlabel\txref\n', new Map(), 'x', names);
  expect(listed.listedNameOf('ORPHA', '90794')?.name).toBe('21-羟化酶缺乏症');
  expect(listed.listedNameOf('OMIM', '90794')).toBeUndefined();
  expect(() => parseCcrdNames(`${text}\nCCRD:42\t重复\tdup\tORPHA:905`)).toThrow(/listed twice/);
  expect(() => parseCcrdNames(text.replace('ORPHA:905', 'ORPHA905'))).toThrow(/line 3.*|not OMIM:n or ORPHA:n/);
});

it('changes its fingerprint with the names it gives, so a batch named otherwise is not reused', () => {
  const other = new DiseaseXrefs(DO, icd10cnNames(ICD.replace('2型糖尿病\n', '2型糖尿病(改)\n')));
  expect(other.fingerprint).not.toBe(xrefs.fingerprint);
  expect(new DiseaseXrefs(DO, icd10cnNames(ICD)).fingerprint).toBe(xrefs.fingerprint);
});
