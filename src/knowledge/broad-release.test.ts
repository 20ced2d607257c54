import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { releaseReport } from './broad-release.js';
import { importBatch } from './import.js';
import { DiseaseXrefs, icd10cnNames } from './importers/disease-xrefs.js';
import { parseDoidSymptoms } from './importers/doid.js';
import { parseHpo } from './importers/hpo.js';

const fixture = (p: string) => readFileSync(new URL(`./__fixtures__/${p}`, import.meta.url), 'utf8');

// The report on a small release made from the fixtures (the full broad release is measured by
// `medseek kg build`, never loaded by the test suites).
forEachBackend('broad release report', (db) => {
  let release: number;
  beforeAll(async () => {
    const xrefs = new DiseaseXrefs(fixture('doid/do-xrefs.tsv'), icd10cnNames(fixture('doid/icd10cn.csv')));
    const labels = fixture('hpo/hp-labels.tsv');
    await importBatch(db(), parseHpo(fixture('hpo/phenotype.hpoa'), labels, undefined, xrefs), {
      base: null,
      activate: true,
    });
    const r = await importBatch(db(), parseDoidSymptoms(fixture('doid/disease-symptom.tsv'), undefined, xrefs, labels));
    release = r.releaseId;
  });

  it('counts diseases with findings, Chinese names, edges with and without a frequency, and sources', async () => {
    const r = await releaseReport(db(), release);
    expect(r.diseases).toEqual({ withFindings: 5, withZhName: 1, zhCoverage: 0.2 });
    // Findings: HPO's four with edges (NOT and 0/12 left out), DO's fever (matched to HPO by label,
    // as is cough) and malaise (SYMP, no Chinese name); edges: five from HPO (one without a frequency), four from DO.
    expect(r.findings).toEqual({ total: 6, withZhName: 4, zhCoverage: 0.667 });
    expect(r.edges).toEqual({ total: 9, withFrequency: 4, frequencyUnknown: 5 });
    expect(r.sources.map((s) => [s.id, s.relations, s.shippable])).toEqual([
      ['doid', 4, true],
      ['hpo-annotations', 4, true],
      ['hpo-orphanet', 1, true],
    ]);
    expect(r.sources.find((s) => s.id === 'doid')!.licence).toBe('CC0 1.0');
  });
});
