import { beforeAll, describe, expect, it } from 'vitest';
import { CodeSystems } from '../../src/core/index.js';
import type { BatchData } from '../../src/knowledge/batch.js';
import { BatchBuilder } from '../../src/knowledge/batch.js';
import { broadReleaseBatches } from '../../src/knowledge/broad-release.js';
import { diseasePriorsBatch } from '../../src/knowledge/importers/disease-priors.js';
import { DiseaseXrefs } from '../../src/knowledge/importers/disease-xrefs.js';
import { codingsFromKnowledge, compileNetwork, modelFromKnowledge } from '../../src/reasoning/index.js';
import { scoreInpatients } from './inpatients.js';
import { causalNetworkFromBatches, mergedConcepts } from './release-network.js';

describe('prevalence-class priors in a release network', () => {
  // Two diseases with one finding; the common one has a DDXPlus-style antecedent of unknown strength.
  function release(): BatchData[] {
    const b = new BatchBuilder();
    const s = b.source({ id: 'fixture', name: 'fixture', shippable: true });
    b.concept('doid:flu', 'disease', { en: 'influenza' }, { codes: [{ system: CodeSystems.icd10cm, code: 'J11.1' }] });
    b.concept('doid:odd', 'disease', { en: 'odd disease' });
    b.concept('f', 'finding', { en: 'fever' });
    b.concept('r', 'risk-factor', { en: 'smoking' });
    b.relation('has-finding', 'doid:flu', 'f', s, { probability: 0.8 });
    b.relation('has-finding', 'doid:odd', 'f', s, { probability: null });
    b.relation('risk-factor-of', 'r', 'doid:flu', s, {});
    return [b.build({ kind: 'local', contentHash: 'x' })];
  }

  it('keeps a class prior as the marginal over unknown risk factors, and says when the prevalence is unknown', () => {
    const batches = release();
    const { batch } = diseasePriorsBatch(batches, { xrefs: new DiseaseXrefs('doid\tlabel\txref\n', new Map()) });
    const model = modelFromKnowledge(causalNetworkFromBatches([...batches, batch]));
    const flu = model.diseases.find((d) => d.id === 'doid:flu')!;
    const odd = model.diseases.find((d) => d.id === 'doid:odd')!;
    expect(odd.priorBasis).toBe('uniform');
    expect(flu.priorBasis).toBeUndefined();
    // Marginalising the antecedent (prevalence 0.1, relative risk 2) gives back the common class figure.
    const risk = model.edges.find((e) => e.kind === 'risk')!;
    const marginal = 1 - (1 - flu.prior) * (1 - risk.probability * 0.1);
    expect(marginal).toBeCloseTo(5e-4, 8);
    expect(flu.prior).toBeLessThan(5e-4);
  });
});

// The full broad release (its sources are bundled): the named diseases' classes, and 李秀英 on it.
describe('the broad release’s priors', () => {
  let batches: BatchData[];
  let prior: Map<string, Record<string, unknown>>;
  beforeAll(() => {
    batches = broadReleaseBatches();
    const p = batches.find((b) => b.kind === 'disease-priors')!;
    prior = new Map(p.relations.map((r) => [r.from, r.attrs]));
  }, 240_000);

  it('puts Wilson disease in the rare class and common diseases with an OMIM entry in the common one', () => {
    const cls = (id: string) => prior.get(id)?.prevalenceClass;
    expect([cls('orpha:905'), cls('omim:277900')]).toEqual(['rare', 'rare']);
    for (const id of ['doid:6000', 'doid:2841', 'omim:600807', 'omim:125853', 'omim:145500'])
      expect(cls(id), id).toBe('common');
    expect(cls('ddxplus:path:Pneumonia')).toBe('common');
  });

  it('moves tuberculosis and bronchiectasis out of the rare class by sourced overrides, not genetic forms', () => {
    for (const id of ['ddxplus:path:Tuberculosis', 'orpha:3389', 'ddxplus:path:Bronchiectasis', 'orpha:60033']) {
      expect(prior.get(id), id).toMatchObject({ prevalenceClass: 'common', prevalenceOverride: expect.any(Object) });
      expect((prior.get(id)!.prevalenceOverride as { ruleClass: string }).ruleClass, id).toBe('rare');
    }
    // OMIM's genetic bronchiectasis (no ICD-10 code) keeps its own class.
    expect(prior.get('omim:211400')?.prevalenceClass).toBe('mendelian');
  });

  it('李秀英: heart failure, atrial fibrillation, CKD and hyperkalaemia in the top 5, Wilson disease no longer', () => {
    const cn = causalNetworkFromBatches(batches);
    const net = compileNetwork(modelFromKnowledge(cn));
    const [, li] = scoreInpatients(net, mergedConcepts(batches), codingsFromKnowledge(cn));
    const ranks = Object.fromEntries(li!.recorded.map((r) => [r.icd10, r.rank]));
    for (const code of ['I50.9', 'I48.1', 'N18.3', 'E87.5']) expect(ranks[code], code).toBeLessThanOrEqual(5);
    // Knee osteoarthritis: no disease of the release is coded M17.
    expect(ranks['M17.9']).toBeNull();
    const names = li!.top5.map((d) => d.name);
    expect(names).not.toContain('Wilson disease');
  });
});
