import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CodeSystems, parseCsv } from '../../core/index.js';
import { cdsBatch } from './cds.js';
import { parseHealth39, parseXywy } from './chinese-kg.js';
import { parseDdxplus } from './ddxplus.js';
import { parseIcd10cn, parseIcd9cm3 } from './icd.js';
import { parseLocalCsv, parseLocalJson } from './local.js';

const fixture = (p: string) => readFileSync(new URL(`../__fixtures__/${p}`, import.meta.url), 'utf8');

describe('DDXPlus importer', () => {
  const batch = parseDdxplus(fixture('ddxplus/release_conditions.json'), fixture('ddxplus/release_evidences.json'));

  it('makes pathologies diseases with their ICD-10 codes and severity, and evidences findings or risk factors', () => {
    const pneumonia = batch.concepts.find((c) => c.id === 'ddxplus:path:Pneumonia')!;
    expect(pneumonia.type).toBe('disease');
    expect([...pneumonia.codes.values()].filter((c) => c.system === CodeSystems.icd10).map((c) => c.code)).toEqual([
      'J17',
      'J18',
    ]);
    expect(pneumonia.attrs.severity).toBe(3);
    expect(batch.concepts.find((c) => c.id === 'ddxplus:E_91')!.type).toBe('finding');
    expect(batch.concepts.find((c) => c.id === 'ddxplus:E_79')!.type).toBe('risk-factor');
  });

  it('keeps questions out of the names, and turns categorical values into concepts of their own', () => {
    const fever = batch.concepts.find((c) => c.id === 'ddxplus:E_91')!;
    expect([...fever.terms.values()].map((t) => t.kind)).toEqual(['question']);
    const value = batch.concepts.find((c) => c.id === 'ddxplus:E_54_@_V_161')!;
    expect(value.nameEn).toBe('sensitive');
    expect(batch.relations.some((r) => r.type === 'value-of' && r.from === value.id && r.to === 'ddxplus:E_54')).toBe(
      true,
    );
  });

  it('links symptoms as has-finding and antecedents as risk-factor-of, with no probability (the KB gives none)', () => {
    const smoke = batch.relations.find(
      (r) => r.type === 'risk-factor-of' && r.from === 'ddxplus:E_79' && r.to === 'ddxplus:path:Pneumonia',
    )!;
    expect(smoke.attrs.probability).toBeNull();
    expect(batch.relations.filter((r) => r.type === 'has-finding' && r.from === 'ddxplus:path:Pneumonia')).toHaveLength(
      27,
    );
  });

  it('names the pathology and field when an evidence is missing', () => {
    const conditions = JSON.parse(fixture('ddxplus/release_conditions.json'));
    conditions.URTI.symptoms.E_999 = {};
    expect(() => parseDdxplus(JSON.stringify(conditions), fixture('ddxplus/release_evidences.json'))).toThrow(
      /URTI.*symptoms\.E_999/,
    );
    expect(() => parseDdxplus('{not json', '{}')).toThrow(/not valid JSON/);
  });

  it('gives the same content the same hash and relation ids', () => {
    const again = parseDdxplus(fixture('ddxplus/release_conditions.json'), fixture('ddxplus/release_evidences.json'));
    expect(again.contentHash).toBe(batch.contentHash);
    expect(again.relations.map((r) => r.id)).toEqual(batch.relations.map((r) => r.id));
  });
});

describe('ICD importers', () => {
  it('reads ICD-10 国家临床版 2.0 with quoted names and links each code to its nearest listed ancestor', () => {
    const b = parseIcd10cn(fixture('icd10cn.csv'));
    const c = b.concepts.find((x) => x.id === 'icd10cn:J18.800')!;
    expect(c.nameZh).toBe('肺炎，其他的,病原体未特指的');
    const isA = (from: string) => b.relations.find((r) => r.type === 'is-a' && r.from === from)?.to;
    expect(isA('icd10cn:J18.000x001')).toBe('icd10cn:J18.000');
    expect(isA('icd10cn:C22.101M81600/3')).toBeUndefined();
    expect(b.concepts.find((x) => x.id === 'icd10cn:B37.600I39.8')).toBeDefined();
  });

  it('rejects a bad header and a bad code with the line number', () => {
    expect(() => parseIcd10cn('code,name\nJ18.900,肺炎\n')).toThrow(/line 1/);
    expect(() => parseIcd10cn('疾病诊断编码,疾病诊断名称\n肺炎,J18\n')).toThrow(/line 2.*not an ICD-10/);
  });

  it('reads ICD-9-CM-3 procedures with their hierarchy', () => {
    const b = parseIcd9cm3(fixture('icd9cm3.txt'));
    expect(b.concepts.every((c) => c.type === 'procedure')).toBe(true);
    expect(b.relations.find((r) => r.from === 'icd9cm3:33.2200')?.to).toBe('icd9cm3:33.2');
    expect(b.relations.find((r) => r.from === 'icd9cm3:01.6x00')?.to).toBe('icd9cm3:01.6');
    expect(() => parseIcd9cm3('33.2 no tab here\n')).toThrow(/line 1/);
  });
});

describe('Chinese KG importers', () => {
  it('maps xywy triples to typed relations, drugs pointing at the disease they treat', () => {
    const b = parseXywy(fixture('xywy-triples.tsv'));
    expect(b.sources[0]!.shippable).toBe(false);
    expect(b.relations.find((r) => r.type === 'indication')).toMatchObject({
      from: 'zh:drug:穿心莲内酯片',
      to: 'zh:disease:百日咳',
    });
    expect(b.relations.filter((r) => r.type === 'has-finding' && r.from === 'zh:disease:肺炎')).toHaveLength(10);
    expect(() => parseXywy('肺炎\tcauses\t咳嗽\n')).toThrow(/line 1.*unknown relation 'causes'/);
  });

  it("reads 39health rows, dropping the crawler's [详细] labels and truncated items, keeping aliases as synonyms", () => {
    const b = parseHealth39(fixture('39health-disease.csv'));
    const hbv = b.concepts.find((c) => c.id === 'zh:disease:乙肝')!;
    expect([...hbv.terms.values()].map((t) => t.term)).toContain('乙型肝炎');
    const drugs = b.relations.filter((r) => r.type === 'indication' && r.to === 'zh:disease:肺炎').map((r) => r.from);
    expect(drugs).toEqual(['zh:drug:盐酸氨溴索片', 'zh:drug:了哥王片']);
    expect(b.concepts.some((c) => c.nameZh?.includes('详细'))).toBe(false);
  });
});

describe('CDS rules as graph content', () => {
  const b = cdsBatch();
  it('gives drugs ATC codes and class membership, and one interaction edge per named side pair', () => {
    const warfarin = b.concepts.find((c) => c.id === 'drug:warfarin')!;
    expect([...warfarin.codes.values()]).toContainEqual({ system: CodeSystems.atc, code: 'B01AA03' });
    const ddi16 = b.relations.filter((r) => r.type === 'interacts-with' && r.attrs.rule === 'DDI16');
    expect(ddi16.map((r) => [r.from, r.to])).toEqual([['drug:warfarin', 'drug-class:nsaid']]);
    expect(ddi16[0]!.sourceId).toBe('cds:Lindh2014');
  });
  it('makes contraindications from contraindicating PGx recommendations', () => {
    expect(
      b.relations.some(
        (r) =>
          r.type === 'contraindicated-in' && r.from === 'drug:abacavir' && r.to === 'phenotype:HLA-B*57:01 positive',
      ),
    ).toBe(true);
  });
});

describe('hospital knowledge (local format)', () => {
  it('reads JSON with its source, and refuses a relation without a source', () => {
    const b = parseLocalJson(fixture('local.json'));
    expect(b.key).toBe('local:example-hospital-cap-2026');
    expect(b.relations.find((r) => r.type === 'prior')?.attrs).toEqual({ probability: 0.02, sex: 'male', ageMin: 65 });
    expect(() => parseLocalJson('{"relations": []}')).toThrow(/missing "source"/);
  });

  it('checks probabilities and names the entry', () => {
    const doc = JSON.parse(fixture('local.json'));
    doc.relations[0].attrs.probability = 1.5;
    expect(() => parseLocalJson(JSON.stringify(doc), 'x.json')).toThrow(
      /x\.json relations\[0\].*probability must be a number from 0 to 1/,
    );
  });

  it('reads CSV with #source lines and JSON attributes', () => {
    const b = parseLocalCsv(fixture('local.csv'));
    expect(b.sources[0]!.id).toBe('local:example-hospital-lab-2026');
    expect(b.relations[0]!.attrs).toEqual({ low: 3.5, high: 5.3, unit: 'mmol/L', population: 'adult' });
    expect(b.concepts.find((c) => c.id === 'local:dept:resp')?.nameZh).toBe('呼吸内科');
    expect(() => parseLocalCsv('#source.id: x\n#source.name: X\nrelation,from\nhas-finding,\n')).toThrow(
      /line 4.*from is required/,
    );
  });
});

describe('CSV reader', () => {
  it('handles quotes, doubled quotes and newlines inside quotes', () => {
    expect(parseCsv('a,"b,""c""\nd"\ne,f\n', 'x').map((r) => r.cells)).toEqual([
      ['a', 'b,"c"\nd'],
      ['e', 'f'],
    ]);
    expect(() => parseCsv('a,"b\n', 'x')).toThrow(/unterminated/);
  });
});

describe('ICD-10 ↔ DDXPlus crosswalk', () => {
  it('maps clinical-edition codes under a DDXPlus pathology code, and only those', async () => {
    const { crosswalkBatch } = await import('./crosswalk.js');
    const ddx = parseDdxplus(fixture('ddxplus/release_conditions.json'), fixture('ddxplus/release_evidences.json'));
    const icd = parseIcd10cn(fixture('icd10cn.csv'));
    const b = crosswalkBatch(ddx, icd);
    const to = (from: string) => b.relations.filter((r) => r.from === from).map((r) => r.to);
    expect(to('icd10cn:J18.900')).toEqual(['ddxplus:path:Pneumonia']);
    expect(to('icd10cn:J93.000')).toEqual(['ddxplus:path:Spontaneous pneumothorax']);
    expect(to('icd10cn:J06.900')).toEqual(['ddxplus:path:URTI']);
    expect(to('icd10cn:J06.000')).toEqual([]);
    expect(b.relations.every((r) => r.type === 'maps-to' && r.sourceId === 'medseek-crosswalk')).toBe(true);
  });
});
