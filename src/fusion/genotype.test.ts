import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FhirResource, IngestSink } from '../ingest/index.js';
import { importVcfFile } from '../ingest/index.js';
import { evaluateRules } from '../reasoning/index.js';
import { PGX_RULES } from '../reasoning/safety/rules/pgx.js';
import type { AnyResource } from './fhir.js';
import { fuse } from './fuse.js';
import { genotypeOf } from './genotype.js';

const fixture = (name: string) => fileURLToPath(new URL(`../ingest/vcf/__fixtures__/${name}`, import.meta.url));

/** A sink that keeps what it is given, by Type/id (what the store does, without a database). */
function memorySink(): IngestSink & { readonly resources: Map<string, FhirResource> } {
  const resources = new Map<string, FhirResource>();
  return {
    resources,
    async write(rs) {
      return rs.map((r) => {
        const key = `${r.resourceType}/${r.id}`;
        const before = resources.get(key);
        resources.set(key, r);
        return before ? (JSON.stringify(before) === JSON.stringify(r) ? 'unchanged' : 'updated') : 'created';
      });
    },
  };
}

const patient = { resourceType: 'Patient', id: 'pgx-1', gender: 'male', birthDate: '1960-01-01' };
const clopidogrel = {
  resourceType: 'MedicationRequest',
  id: 'mr-clop',
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/pgx-1' },
  authoredOn: '2024-05-02T08:00:00Z',
  medicationCodeableConcept: {
    coding: [
      {
        system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
        code: '309362',
        display: 'Clopidogrel 75 MG Oral Tablet',
      },
    ],
    text: 'Clopidogrel 75 MG Oral Tablet',
  },
};

const abacavir = {
  ...clopidogrel,
  id: 'mr-abc',
  medicationCodeableConcept: { text: 'Abacavir 300 MG Oral Tablet' },
};

async function stateFrom(vcf: string, order: object = clopidogrel) {
  const sink = memorySink();
  await importVcfFile(fixture(vcf), sink, { patient: 'pgx-1', effective: '2024-05-01T00:00:00Z' });
  const resources = [patient, order, ...sink.resources.values()] as AnyResource[];
  return fuse(patient as AnyResource, resources, [], { at: '2024-05-03T00:00:00Z' });
}

describe('VCF genotypes in the fused state', () => {
  it('makes a CYP2C19 *2/*2 VCF one genotype fact (diplotype, phenotype); the clopidogrel card fires', async () => {
    const state = await stateFrom('cyp2c19-s2s2.vcf');
    const cyp = state.biology.filter((f) => genotypeOf(f)?.gene === 'CYP2C19');
    expect(cyp).toHaveLength(1);
    expect(genotypeOf(cyp[0]!)).toEqual({ gene: 'CYP2C19', diplotype: '*2/*2', phenotype: 'poor metabolizer' });
    // The genotype, the phenotype and the variant Observations are the fact's sources.
    expect(cyp[0]!.sources.length).toBeGreaterThanOrEqual(3);
    const cards = evaluateRules(state, PGX_RULES);
    const pgx01 = cards.filter((c) => c.ruleId === 'PGx01');
    expect(pgx01).toHaveLength(1);
    expect(pgx01[0]!.conclusion.evidence.some((e) => e.factId === cyp[0]!.id)).toBe(true);
  });

  it('fires nothing on a CYP2C19 result whose *17 position is not tested (phenotype undetermined)', async () => {
    const state = await stateFrom('cyp2c19-s1s1-rs12248560-missing.vcf');
    const cyp = state.biology.filter((f) => genotypeOf(f)?.gene === 'CYP2C19');
    expect(cyp).toHaveLength(1);
    expect(genotypeOf(cyp[0]!)?.phenotype).toBeUndefined();
    expect(genotypeOf(cyp[0]!)?.diplotype).toBeUndefined();
    expect(evaluateRules(state, PGX_RULES).filter((c) => c.ruleId === 'PGx01')).toEqual([]);
  });

  it('keeps an ambiguous unphased TPMT result without a diplotype; no fact for untested genes', async () => {
    const state = await stateFrom('tpmt-s3bs3c-unphased.vcf');
    const tpmt = state.biology.filter((f) => genotypeOf(f)?.gene === 'TPMT');
    expect(tpmt).toHaveLength(1);
    expect(genotypeOf(tpmt[0]!)?.diplotype).toBeUndefined();
    expect(state.biology.some((f) => genotypeOf(f)?.gene === 'CYP2C19')).toBe(false);
  });

  it('leaves HLA-B*57:01 untested after a VCF import, so the abacavir pre-test prompt still fires', async () => {
    const state = await stateFrom('cyp2c19-s2s2.vcf', abacavir);
    expect(state.biology.some((f) => /HLA/i.test(genotypeOf(f)?.gene ?? ''))).toBe(false);
    const pgx10 = evaluateRules(state, PGX_RULES).filter((c) => c.ruleId === 'PGx10');
    expect(pgx10).toHaveLength(1);
    expect(pgx10[0]!.conclusion.evidence.some((e) => e.role === 'missing')).toBe(true);
  });
});
