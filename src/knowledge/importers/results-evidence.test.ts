import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodeSystems } from '../../core/index.js';
import { BatchBuilder } from '../batch.js';
import { icd10Covers, parseResultsEvidence, RESULTS_EVIDENCE_FILE, resultsEvidenceBatch } from './results-evidence.js';

// A base made of a DDXPlus-like disease (WHO ICD-10 J18) and ICD-10 国家临床版 concepts.
const base = (() => {
  const b = new BatchBuilder();
  b.source({ id: 'base', name: 'base', shippable: true });
  b.concept('ddx:pneumonia', 'disease', { en: 'Pneumonia' }, { codes: [{ system: CodeSystems.icd10, code: 'J18' }] });
  b.concept(
    'ddx:dyspnea',
    'finding',
    { en: 'Dyspnea' },
    { codes: [{ system: CodeSystems.snomed, code: '267036007' }] },
  );
  b.concept(
    'icd10cn:I50.900',
    'disease',
    { zh: '心力衰竭' },
    { codes: [{ system: CodeSystems.icd10cn, code: 'I50.900' }] },
  );
  return b.build({ kind: 'local', contentHash: 'base' });
})();

describe('results-evidence importer', () => {
  it('joins links to the release’s diseases and findings by code, each with its guideline', () => {
    const { batch, unplaced } = resultsEvidenceBatch([base]);
    const rel = (from: string, to: string) => batch.relations.find((r) => r.from === from && r.to === to);
    expect(rel('ddx:pneumonia', 'result:imaging-consolidation')).toBeDefined();
    expect(rel('icd10cn:I50.900', 'result:nt-probnp-high')!.attrs).toMatchObject({ probability: null });
    // HF dyspnoea joins the base's dyspnea finding (same SNOMED CT code), not a new concept.
    expect(rel('icd10cn:I50.900', 'ddx:dyspnea')).toBeDefined();
    expect(unplaced).toContain('type-2-diabetes');
    const source = batch.sources.find((s) => s.id === 'results-evidence:esc-hf-2021')!;
    expect(source).toMatchObject({ shippable: true, url: 'https://doi.org/10.1093/eurheartj/ehab368' });
    const bnp = batch.concepts.find((c) => c.id === 'result:nt-probnp-high')!;
    expect(bnp.attrs.result).toMatchObject({ kind: 'measurement', loinc: ['33762-6'], direction: 'high' });
    expect(batch.relations.every((r) => typeof r.attrs.where === 'string')).toBe(true);
  });

  it('matches ICD-10 codes dot-aware', () => {
    expect(icd10Covers('J18', 'J18.9')).toBe(true);
    expect(icd10Covers('I48', 'I48.91')).toBe(true);
    expect(icd10Covers('I20.0', 'I20.9')).toBe(false);
    expect(icd10Covers('J1', 'J18')).toBe(true);
    expect(icd10Covers('J18', 'J180')).toBe(false);
  });

  it('names the entry and field of bad input', () => {
    const ok = JSON.parse(readFileSync(RESULTS_EVIDENCE_FILE, 'utf8'));
    const bad = (patch: (d: typeof ok) => void) => {
      const d = structuredClone(ok);
      patch(d);
      return JSON.stringify(d);
    };
    const badSource = bad((d) => {
      d.links[0].source = 'nope';
    });
    expect(() => parseResultsEvidence(badSource)).toThrow(/unknown source 'nope'/);
    const badProbability = bad((d) => {
      d.links[0].probability = 2;
    });
    expect(() => parseResultsEvidence(badProbability)).toThrow(/links\[0\]/);
    const badKind = bad((d) => {
      d.results[0].criterion.kind = 'x';
    });
    expect(() => parseResultsEvidence(badKind)).toThrow(/criterion\.kind/);
    const badPattern = bad((d) => {
      d.results[13].criterion.patterns = ['[unclosed'];
    });
    expect(() => parseResultsEvidence(badPattern)).toThrow(/not a regular expression/);
    const dir = mkdtempSync(join(tmpdir(), 'results-evidence-'));
    writeFileSync(join(dir, 'r.json'), '{"sources": 1}');
    expect(() => resultsEvidenceBatch([base], join(dir, 'r.json'))).toThrow(/sources must be an array/);
  });
});
