import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CodeSystems } from '../../core/index.js';
import { DiseaseXrefs, icd10cnNames, parseCcrdNames } from './disease-xrefs.js';
import { parseDoidSymptoms } from './doid.js';
import { parseHpo, readHpo } from './hpo.js';
import { parseHpoFrequency, pooledProbability } from './hpo-frequency.js';
import { readTextOrGzip } from './read-gz.js';

const fixture = (p: string) => readFileSync(new URL(`../__fixtures__/${p}`, import.meta.url), 'utf8');
const xrefs = () => new DiseaseXrefs(fixture('doid/do-xrefs.tsv'), icd10cnNames(fixture('doid/icd10cn.csv')));
const hpo = (text = fixture('hpo/phenotype.hpoa')) => parseHpo(text, fixture('hpo/hp-labels.tsv'), undefined, xrefs());
const edge = (b: ReturnType<typeof hpo>, from: string, to: string) =>
  b.relations.find((r) => r.type === 'has-finding' && r.from === from && r.to === to);

describe('HPO frequencies', () => {
  it('turns frequency classes into the middle of their range, counts into fractions, percentages into values', () => {
    expect(parseHpoFrequency('HP:0040281')).toMatchObject({ kind: 'class', value: 0.895 });
    expect(parseHpoFrequency('HP:0040283')).toMatchObject({ value: 0.17 });
    expect(parseHpoFrequency('HP:0040280')).toMatchObject({ value: 1 });
    expect(parseHpoFrequency('7/13')).toMatchObject({ kind: 'count', n: 7, m: 13, value: 0.5385 });
    expect(parseHpoFrequency('17%')).toMatchObject({ kind: 'percent', value: 0.17 });
    expect(parseHpoFrequency('  ')).toBeUndefined();
  });

  it('rejects what is not a frequency, naming the value', () => {
    expect(() => parseHpoFrequency('often')).toThrow(/'often' is not an HPO frequency/);
    expect(() => parseHpoFrequency('5/3')).toThrow(/5\/3/);
    expect(() => parseHpoFrequency('3/0')).toThrow(/m > 0/);
    expect(() => parseHpoFrequency('120%')).toThrow(/over 100/);
  });

  it('pools counts as Σn/Σm, else averages, and gives null when no annotation has a frequency', () => {
    const f = (s: string) => parseHpoFrequency(s)!;
    expect(pooledProbability([f('3/10'), f('5/10'), f('HP:0040281')])).toBe(0.4);
    expect(pooledProbability([f('HP:0040282'), f('25%')])).toBe(0.3975);
    expect(pooledProbability([])).toBeNull();
  });
});

describe('HPO annotations importer', () => {
  const batch = hpo();

  it('makes has-finding edges with the frequency as probability, and null where the source gives none', () => {
    expect(edge(batch, 'omim:219700', 'hpo:HP:0002205')!.attrs).toMatchObject({
      probability: 0.895,
      frequency: 'HP:0040281',
    });
    expect(edge(batch, 'omim:219700', 'hpo:HP:0001508')!.attrs).toMatchObject({
      probability: 0.4,
      frequency: '3/10; 5/10',
      n: 8,
      m: 20,
    });
    expect(edge(batch, 'omim:219700', 'hpo:HP:0012735')!.attrs).toEqual({
      probability: null,
      frequency: null,
      evidence: 'TAS',
    });
    expect(edge(batch, 'omim:178600', 'hpo:HP:0002092')!.attrs.probability).toBe(0.4);
  });

  it('leaves out NOT and zero-frequency annotations, non-phenotype aspects and obsolete terms', () => {
    expect(edge(batch, 'omim:219700', 'hpo:HP:0001250')).toBeUndefined();
    expect(edge(batch, 'omim:219700', 'hpo:HP:0001263')).toBeUndefined();
    expect(edge(batch, 'omim:219700', 'hpo:HP:0000006')).toBeUndefined();
    expect(batch.concepts.some((c) => c.id === 'hpo:HP:9999999')).toBe(false);
    expect(batch.relations.filter((r) => r.type === 'has-finding')).toHaveLength(5);
  });

  it('names each edge’s source with licence and version; Orphanet rows are Orphanet’s', () => {
    const orpha = edge(batch, 'orpha:586', 'hpo:HP:0002205')!;
    const source = batch.sources.find((s) => s.id === orpha.sourceId)!;
    expect(source).toMatchObject({ id: 'hpo-orphanet', version: '2026-01-08', shippable: true });
    expect(source.licence).toMatch(/CC BY 4\.0/);
    const hpoSource = batch.sources.find((s) => s.id === edge(batch, 'omim:219700', 'hpo:HP:0012735')!.sourceId)!;
    expect(hpoSource.licence).toMatch(/HPO licence/);
    expect(hpoSource.note).toMatch(/2 NOT\/zero-frequency pairs left out; 1 obsolete HPO ids/);
  });

  it('gives findings the HPO English and official Chinese labels, and never invents a missing one', () => {
    const cough = batch.concepts.find((c) => c.id === 'hpo:HP:0012735')!;
    expect([cough.type, cough.nameEn, cough.nameZh]).toEqual(['finding', 'Cough', '咳嗽']);
    expect(batch.concepts.find((c) => c.id === 'hpo:HP:0002092')!.nameZh).toBeUndefined();
  });

  it('codes diseases through the Disease Ontology and names them in Chinese only when the ICD code names them', () => {
    const pph = batch.concepts.find((c) => c.id === 'omim:178600')!;
    expect(pph.nameZh).toBe('原发性肺动脉高压');
    expect(pph.attrs.nameZhFrom).toEqual({
      system: CodeSystems.icd10cn,
      code: 'I27.000',
      via: 'DOID:14557',
      icd10cm: 'I27.0',
      rule: 'extension',
    });
    expect([...pph.codes.values()].map((k) => k.code)).toEqual(['178600', 'DOID:14557', 'I27.0', 'I27.000']);
    const cf = batch.concepts.find((c) => c.id === 'omim:219700')!;
    // E84 is a category 国家临床版 does not list: the code is kept, the Chinese name stays missing.
    expect(cf.nameZh).toBeUndefined();
    expect([...cf.codes.values()].some((k) => k.system === CodeSystems.icd10cm && k.code === 'E84')).toBe(true);
  });

  it('reports bad input with the line and field', () => {
    const bad = fixture('hpo/phenotype.hpoa').replace('3/10', '3/x');
    expect(() => hpo(bad)).toThrow(
      expect.objectContaining({ location: { where: 'phenotype.hpoa line 6', field: 'frequency' } }),
    );
    expect(() => hpo(fixture('hpo/phenotype.hpoa').replace('OMIM:178600\tPul', 'MIM178600\tPul'))).toThrow(
      /not OMIM:n/,
    );
  });
});

describe('Disease Ontology symptoms importer', () => {
  const batch = parseDoidSymptoms(
    fixture('doid/disease-symptom.tsv'),
    undefined,
    xrefs(),
    fixture('hpo/hp-labels.tsv'),
  );

  it('links DO diseases to symptoms with frequency unknown, meeting HPO findings by label', () => {
    const fever = batch.relations.find((r) => r.from === 'doid:8469' && r.to === 'hpo:HP:0001945')!;
    expect(fever.attrs).toEqual({ probability: null, findingMatch: 'label' });
    expect(batch.relations.find((r) => r.to === 'symp:0000099')!.attrs).toEqual({ probability: null });
    expect(batch.sources).toEqual([expect.objectContaining({ id: 'doid', licence: 'CC0 1.0', shippable: true })]);
  });

  it('leaves residual ICD classes (unspecified, other) unnamed in Chinese', () => {
    expect(batch.concepts.find((c) => c.id === 'doid:552')!.nameZh).toBeUndefined();
    expect(batch.concepts.find((c) => c.id === 'doid:8469')!.nameZh).toBeUndefined();
  });

  it('names the line and field of a bad row', () => {
    const bad = fixture('doid/disease-symptom.tsv').replace('SYMP:0000099', 'SYMP-99');
    expect(() => parseDoidSymptoms(bad, 'ds.tsv')).toThrow(/'SYMP-99' is not a SYMP id/);
  });
});

describe('reading HPO files', () => {
  const folder = fileURLToPath(new URL('../__fixtures__/hpo', import.meta.url));

  it('reads a folder or the annotation file, gzip-compressed or plain, with the labels beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medseek-hpo-'));
    writeFileSync(join(dir, 'phenotype.hpoa.gz'), gzipSync(fixture('hpo/phenotype.hpoa')));
    writeFileSync(join(dir, 'hp-labels.tsv'), fixture('hpo/hp-labels.tsv'));
    const plain = readHpo(folder, { xrefs: null });
    const gz = readHpo(join(dir, 'phenotype.hpoa.gz'), { xrefs: null });
    expect(gz.relations.map((r) => r.id)).toEqual(plain.relations.map((r) => r.id));
    expect(plain.relations).toHaveLength(5);
    expect(plain.concepts.find((c) => c.id === 'omim:178600')!.nameZh).toBeUndefined();
  });

  it('says when a .gz file is not gzip', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medseek-hpo-'));
    writeFileSync(join(dir, 'x.tsv.gz'), 'plain text');
    expect(() => readTextOrGzip(join(dir, 'x.tsv.gz'))).toThrow(/named \.gz but not gzip/);
  });
});

describe('Chinese names from the national rare-disease list', () => {
  it('names an Orphanet disease the ICD code does not name by its list entry, saying so', () => {
    const listed = parseCcrdNames(
      'ccrd_id\tname_zh\tname_en\tcode\nCCRD:200\t囊性纤维化; CF\tCystic fibrosis\tORPHA:586\n',
    );
    const withList = new DiseaseXrefs(
      fixture('doid/do-xrefs.tsv'),
      icd10cnNames(fixture('doid/icd10cn.csv')),
      'x',
      listed,
    );
    const b = parseHpo(fixture('hpo/phenotype.hpoa'), fixture('hpo/hp-labels.tsv'), undefined, withList);
    const cf = b.concepts.find((c) => c.id === 'orpha:586')!;
    expect(cf.nameZh).toBe('囊性纤维化');
    expect(cf.attrs.nameZhFrom).toEqual({ system: 'ccrd', code: 'CCRD:200', nameEn: 'Cystic fibrosis', match: 'E' });
    expect([...cf.terms.values()].some((t) => t.term === 'CF' && t.lang === 'zh')).toBe(true);
    // OMIM's entry of the same disease is not on the list (only equivalent mappings are): no name.
    expect(b.concepts.find((c) => c.id === 'omim:219700')!.nameZh).toBeUndefined();
    // The names are part of the batch's content hash.
    expect(b.contentHash).not.toBe(hpo().contentHash);
  });
});
