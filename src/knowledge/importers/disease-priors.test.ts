import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CodeSystems } from '../../core/index.js';
import { BatchBuilder } from '../batch.js';
import { diseasePriorsBatch, parsePrevalenceOverrides, parsePriorClasses } from './disease-priors.js';
import { DiseaseXrefs, DOID_SYSTEM, OMIM_SYSTEM, ORPHANET_SYSTEM } from './disease-xrefs.js';

// A small DO: Wilson disease (no ORDO link, but Orphanet's own name), sarcoidosis (ORDO link, ICD-10-CM D86),
// essential hypertension (an ORDO code Orphanet does not annotate) and type 2 diabetes (several OMIM entries).
const DO = [
  'doid\tlabel\txref',
  'DOID:893\tWilson disease\tICD10CM:E83.01',
  'DOID:893\tWilson disease\tMIM:277900',
  'DOID:11335\tsarcoidosis\tORDO:797',
  'DOID:11335\tsarcoidosis\tICD10CM:D86',
  'DOID:10825\tessential hypertension\tICD10CM:I10',
  'DOID:10825\tessential hypertension\tMIM:145500',
  'DOID:10825\tessential hypertension\tORDO:243761',
  'DOID:9352\ttype 2 diabetes mellitus\tICD10CM:E11',
  'DOID:9352\ttype 2 diabetes mellitus\tMIM:125853',
  'DOID:9352\ttype 2 diabetes mellitus\tMIM:601283',
  'DOID:6000\tcongestive heart failure\tICD10CM:I50',
].join('\n');

function batches() {
  const b = new BatchBuilder();
  const src = b.source({ id: 's', name: 'test', shippable: true });
  const add = (id: string, en: string, codes: { system: string; code: string }[], attrs = {}) => {
    b.concept(id, 'disease', { en }, { codes, attrs });
    b.relation('has-finding', id, 'f', src, { probability: null });
  };
  b.concept('f', 'finding', { en: 'fever' });
  add('orpha:905', 'Wilson disease', [{ system: ORPHANET_SYSTEM, code: '905' }]);
  add('orpha:797', 'Sarcoidosis', [{ system: ORPHANET_SYSTEM, code: '797' }]);
  const doCodes = (id: string, icd?: string) => [
    { system: DOID_SYSTEM, code: id },
    ...(icd ? [{ system: CodeSystems.icd10cm, code: icd }] : []),
  ];
  add('omim:277900', 'Wilson disease', [{ system: OMIM_SYSTEM, code: '277900' }, ...doCodes('DOID:893', 'E83.01')], {
    doidMatch: 'one-to-one',
  });
  add(
    'omim:125853',
    'Diabetes mellitus, noninsulin-dependent',
    [{ system: OMIM_SYSTEM, code: '125853' }, ...doCodes('DOID:9352', 'E11')],
    {
      doidMatch: 'broader',
    },
  );
  add('omim:616580', 'Au-Kline syndrome', [{ system: OMIM_SYSTEM, code: '616580' }]);
  add('doid:13622', 'campylobacteriosis', doCodes('DOID:13622'));
  add(
    'omim:145500',
    'Hypertension, essential',
    [{ system: OMIM_SYSTEM, code: '145500' }, ...doCodes('DOID:10825', 'I10')],
    {
      doidMatch: 'broader',
    },
  );
  add('doid:10825', 'essential hypertension', doCodes('DOID:10825', 'I10'));
  add('doid:6000', 'congestive heart failure', doCodes('DOID:6000', 'I50'));
  add('ddxplus:path:Sarcoidosis', 'Sarcoidosis (DDXPlus)', [{ system: CodeSystems.icd10, code: 'D86' }]);
  add('icd10cn:E83.001', '', [{ system: CodeSystems.icd10cn, code: 'E83.001' }]);
  add('icd10cn:J18.900', '', [{ system: CodeSystems.icd10cn, code: 'J18.900' }]);
  b.concept(
    'orpha:243761',
    'disease',
    { en: 'a group with no annotation' },
    {
      codes: [{ system: ORPHANET_SYSTEM, code: '243761' }],
    },
  );
  return [b.build({ kind: 'local', contentHash: 'x' })];
}

const xrefs = () => new DiseaseXrefs(DO, new Map());

it('puts Orphanet entities and what points at them in the rare class, common diseases never', () => {
  const { batch, counts } = diseasePriorsBatch(batches(), { xrefs: xrefs() });
  const prior = new Map(batch.relations.map((r) => [r.from, r.attrs]));
  const cls = (id: string) => prior.get(id)?.prevalenceClass;
  expect(batch.relations.every((r) => r.type === 'prior' && r.to === undefined)).toBe(true);
  expect(cls('orpha:905')).toBe('rare');
  // OMIM's Wilson disease: its DO term has Orphanet's name (DO gives it no ORDO link).
  expect(prior.get('omim:277900')).toMatchObject({ prevalenceClass: 'rare', basis: 'DOID:893 → ORPHA:905' });
  expect(cls('ddxplus:path:Sarcoidosis')).toBe('rare');
  // 国家临床版 E83.001 is ICD-10-CM E83.01 at one decimal: Wilson disease.
  expect(cls('icd10cn:E83.001')).toBe('rare');
  // Common diseases with an OMIM entry or an ORDO group link are never rare.
  expect(cls('doid:10825')).toBe('common');
  expect(cls('doid:6000')).toBe('common');
  expect(cls('icd10cn:J18.900')).toBe('common');
  expect(cls('omim:145500')).toBe('common');
  expect(cls('omim:125853')).toBe('common');
  // Any other OMIM entry: the HPO file's rare-disease scope; a DO disease with no code: prevalence unknown.
  expect(cls('omim:616580')).toBe('mendelian');
  expect(prior.get('doid:13622')).toMatchObject({ prevalenceClass: 'unknown', prevalence: 'unknown' });
  expect(prior.get('omim:616580')!.prevalence).toBeUndefined();
  // A concept with no findings gets no prior (it would become a disease with nothing to show).
  expect(prior.has('orpha:243761')).toBe(false);
  expect(counts).toEqual({ rare: 5, mendelian: 1, common: 5, unknown: 1 });
  const rare = prior.get('orpha:905')!.probability as number;
  const common = prior.get('doid:6000')!.probability as number;
  expect(rare).toBeLessThanOrEqual(5e-4);
  expect(common).toBeGreaterThan(rare);
  expect(batch.sources[0]!.shippable).toBe(true);
});

it('rejects a class file with a prior outside its bounds or naming an unknown source, naming the field', () => {
  const good = {
    sources: [{ id: 'a', name: 'A' }],
    classes: {
      rare: { prior: 1e-5, max: 5e-4, sources: ['a'], rule: '', derivation: '' },
      mendelian: { prior: 1e-5, max: 5e-4, sources: ['a'], rule: '', derivation: '' },
      common: { prior: 5e-4, min: 5e-4, sources: ['a'], rule: '', derivation: '' },
      unknown: { prior: 5e-4, sources: [], rule: '', derivation: '' },
    },
  };
  expect(parsePriorClasses(JSON.stringify(good)).classes.rare.prior).toBe(1e-5);
  const high = structuredClone(good);
  high.classes.rare.prior = 1e-3;
  expect(() => parsePriorClasses(JSON.stringify(high))).toThrow(/classes\.rare\.prior|outside/);
  const unsourced = structuredClone(good);
  unsourced.classes.common.sources = ['b'];
  expect(() => parsePriorClasses(JSON.stringify(unsourced))).toThrow(/unknown source 'b'/);
  const missing = { sources: good.sources, classes: { rare: good.classes.rare } };
  expect(() => parsePriorClasses(JSON.stringify(missing))).toThrow(/class 'mendelian' is missing/);
});

it('moves a disease out of the rare class by a sourced prevalence override, keeping the rule class and figure', () => {
  const b = new BatchBuilder();
  const src = b.source({ id: 's', name: 'test', shippable: true });
  b.concept('f', 'finding', { en: 'cough' });
  const add = (id: string, en: string, codes: { system: string; code: string }[]) => {
    b.concept(id, 'disease', { en }, { codes });
    b.relation('has-finding', id, 'f', src, { probability: null });
  };
  add('orpha:3389', 'Tuberculosis', [{ system: ORPHANET_SYSTEM, code: '3389' }]);
  add('ddxplus:path:Tuberculosis', 'Tuberculosis', [{ system: CodeSystems.icd10, code: 'A15' }]);
  add('orpha:411703', 'Pulmonary non-tuberculous mycobacterial infection', [
    { system: ORPHANET_SYSTEM, code: '411703' },
  ]);
  const overridesText = JSON.stringify({
    sources: [{ id: 'survey', name: 'A national survey', document: 'TB prevalence', url: 'https://example.org' }],
    overrides: [
      {
        id: 'tb',
        disease: 'tuberculosis',
        icd10Categories: ['A15'],
        orpha: ['3389'],
        prevalenceClass: 'common',
        prevalence: 0.004,
        population: 'adults',
        source: 'survey',
      },
    ],
  });
  const batches = [b.build({ kind: 'local', contentHash: 'tb' })];
  const { batch, counts, overridden } = diseasePriorsBatch(batches, { xrefs: xrefs(), overridesText });
  const prior = new Map(batch.relations.map((r) => [r.from, r]));
  for (const id of ['orpha:3389', 'ddxplus:path:Tuberculosis']) {
    expect(prior.get(id)!.attrs).toMatchObject({
      prevalenceClass: 'common',
      probability: 5e-4,
      prevalenceOverride: { id: 'tb', prevalence: 0.004, ruleClass: 'rare' },
    });
    expect(prior.get(id)!.sourceId).toBe('medseek:prevalence-override:survey');
  }
  // Not tuberculosis: stays rare, with the class rules' source.
  expect(prior.get('orpha:411703')!.attrs.prevalenceClass).toBe('rare');
  expect(prior.get('orpha:411703')!.sourceId).toBe('medseek:prior-classes');
  expect(counts).toEqual({ rare: 1, mendelian: 0, common: 2, unknown: 0 });
  expect(overridden).toEqual({ tb: 2 });
  expect(batch.sources.find((s) => s.id === 'medseek:prevalence-override:survey')).toMatchObject({
    document: 'TB prevalence',
    shippable: true,
  });
  // Without overrides the rule classes stand.
  const plain = diseasePriorsBatch(batches, { xrefs: xrefs(), overridesText: null });
  expect(plain.counts).toEqual({ rare: 3, mendelian: 0, common: 0, unknown: 0 });
});

it('bundles sourced overrides for tuberculosis and bronchiectasis and rejects an unsourced one', () => {
  const bundled = parsePrevalenceOverrides(
    readFileSync(new URL('../data/epidemiology/prevalence-overrides.json', import.meta.url), 'utf8'),
  );
  const ids = new Set(bundled.sources.map((s) => s.id));
  expect(bundled.overrides.map((o) => o.disease)).toEqual(['tuberculosis', 'bronchiectasis']);
  for (const o of bundled.overrides) {
    expect(ids.has(o.source)).toBe(true);
    expect(o.prevalence).toBeGreaterThan(5e-4);
  }
  const bad = { sources: [], overrides: [{ ...bundled.overrides[0], source: 'nobody' }] };
  expect(() => parsePrevalenceOverrides(JSON.stringify(bad))).toThrow(/unknown source 'nobody'/);
  const notIcd = { ...bundled, overrides: [{ ...bundled.overrides[0], icd10Categories: ['A15.0'] }] };
  expect(() => parsePrevalenceOverrides(JSON.stringify(notIcd))).toThrow(/not an ICD-10 category/);
});
