import { describe, expect, it } from 'vitest';
import type { CausalNetwork, KgConcept, KgRelation, KgSource } from '../../knowledge/index.js';
import { diagnose } from './diagnose.js';
import { patientPriors } from './evidence.js';
import { DEFAULT_EDGE_PROBABILITY, modelFromKnowledge, UNIFORM_PRIOR } from './knowledge-adapter.js';
import { compileNetwork } from './network.js';

const src: KgSource = { id: 'guide', name: 'Test guideline', version: '1', shippable: true };
const concept = (
  id: string,
  type: KgConcept['type'],
  zh: string,
  en: string,
  attrs: Record<string, unknown> = {},
): KgConcept => ({
  id,
  type,
  name: { zh, en },
  terms: [{ term: zh, lang: 'zh', kind: 'name' }],
  codes: [],
  attrs,
});
const rel = (
  id: string,
  type: KgRelation['type'],
  from: string,
  to: string | undefined,
  attrs: Record<string, unknown> = {},
): KgRelation => ({
  id,
  type,
  from,
  ...(to ? { to } : {}),
  attrs,
  source: src,
  releaseId: 3,
});

describe('model from a knowledge-graph release', () => {
  const concepts = [
    concept('flu', 'disease', '流感', 'Influenza'),
    concept('cold', 'disease', '感冒', 'Common cold'),
    concept('fever', 'finding', '发热', 'Fever'),
    concept('cough', 'finding', '咳嗽', 'Cough'),
    concept('smoking', 'risk-factor', '吸烟', 'Smoking', { prevalence: 0.25 }),
  ];
  const cn: CausalNetwork = {
    releaseId: 3,
    diseases: concepts.filter((c) => c.type === 'disease'),
    concepts: new Map(concepts.map((c) => [c.id, c])),
    findings: [
      rel('e1', 'has-finding', 'flu', 'fever', { probability: 0.9 }),
      rel('e2', 'has-finding', 'cold', 'cough'),
      rel('e3', 'has-finding', 'flu', 'cough', { sensitivity: 0.7 }),
    ],
    riskFactors: [rel('r1', 'risk-factor-of', 'smoking', 'flu', { relativeRisk: 3 })],
    priors: [
      rel('p1', 'prior', 'flu', undefined, { probability: 0.02 }),
      rel('p2', 'prior', 'flu', undefined, { probability: 0.05, sex: 'female', ageMin: 0, ageMax: 5 }),
    ],
    sources: [src],
  };

  it('takes probabilities, sensitivities, priors by sex and age, and documented defaults', () => {
    const m = modelFromKnowledge(cn);
    const edge = (from: string, to: string) => m.edges.find((e) => e.from === from && e.to === to)!;
    expect(edge('flu', 'fever').probability).toBe(0.9);
    expect(edge('flu', 'cough').probability).toBe(0.7);
    expect(edge('cold', 'cough').probability).toBe(0.5);
    // RR 3 on a prior of 0.02: s = (3 − 1)·0.02 / 0.98
    expect(edge('smoking', 'flu').probability).toBeCloseTo((2 * 0.02) / 0.98, 12);
    const flu = m.diseases.find((d) => d.id === 'flu')!;
    expect(flu.prior).toBe(0.02);
    expect(flu.priors).toEqual([{ sex: 'female', ageFrom: 0, ageTo: 5, prior: 0.05 }]);
    expect(m.diseases.find((d) => d.id === 'cold')!.prior).toBe(1e-3);
    expect(edge('flu', 'fever').source).toMatchObject({
      kind: 'knowledge',
      edgeId: 'e1',
      releaseId: '3',
      authority: { name: 'Test guideline' },
    });
  });

  it('gives a differential whose causal paths name the graph edges', () => {
    const net = compileNetwork(modelFromKnowledge(cn));
    const dx = diagnose(net, {
      findings: [{ id: 'fever' }, { id: 'cough' }],
      riskFactors: [{ id: 'smoking', present: true }],
    });
    expect(dx.differential[0]!.id).toBe('flu');
    const path = dx.differential[0]!.explanation.paths.find((p) => p.finding.id === 'fever')!;
    expect(path.riskFactor?.source.edgeId).toBe('r1');
    expect(path.finding.source.edgeId).toBe('e1');
    expect(dx.differential[0]!.conclusion.detail?.zh).toContain('吸烟 → 流感 → 发热');
  });
});

describe('priors when the release gives none (DDXPlus antecedents without numbers)', () => {
  it('does not let the number of listed risk factors outrank the findings', () => {
    const cs = [
      concept('flu', 'disease', '流感', 'Influenza'),
      concept('panic', 'disease', '惊恐发作', 'Panic attack'),
      concept('fever', 'finding', '发热', 'Fever'),
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((x) => concept(`rf-${x}`, 'risk-factor', x, x)),
    ];
    const model = modelFromKnowledge({
      releaseId: 4,
      diseases: cs.filter((c) => c.type === 'disease'),
      concepts: new Map(cs.map((c) => [c.id, c])),
      findings: [
        rel('f1', 'has-finding', 'flu', 'fever', { probability: 0.8 }),
        rel('f2', 'has-finding', 'panic', 'fever', { probability: 0.1 }),
      ],
      riskFactors: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((x) =>
        rel(`r-${x}`, 'risk-factor-of', `rf-${x}`, 'panic'),
      ),
      priors: [],
      sources: [src],
    });
    const panic = model.diseases.find((d) => d.id === 'panic')!;
    expect(panic.prior).toBeLessThan(1e-3);
    const dx = diagnose(compileNetwork(model), { findings: [{ id: 'fever' }] });
    expect(dx.differential[0]!.id).toBe('flu');
    // The default relative risk (2) is what a present risk factor does, whatever the others' status;
    // unknown ones marginalise back to the uniform prior.
    const net = compileNetwork(model);
    const i = net.diseaseIndex.get('panic')!;
    const rfs = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const none = patientPriors(net, { riskFactors: rfs.map((x) => ({ id: `rf-${x}`, present: false })) })[i]!;
    const one = patientPriors(net, {
      riskFactors: rfs.map((x) => ({ id: `rf-${x}`, present: x === 'a' })),
    })[i]!;
    expect(one / none).toBeCloseTo(2, 2);
    expect(patientPriors(net, {})[i]!).toBeCloseTo(UNIFORM_PRIOR, 9);
  });
});

describe('a release whose edges have no frequency (probability: null) and diseases no prior', () => {
  const cs = [
    concept('hf', 'disease', '心力衰竭', 'Heart failure'),
    concept('ckd', 'disease', '慢性肾脏病', 'Chronic kidney disease'),
    concept('dyspnoea', 'finding', '呼吸困难', 'Dyspnoea'),
    concept('bnp', 'lab', 'NT-proBNP升高', 'NT-proBNP raised', {
      result: { kind: 'measurement', loinc: ['33762-6'], direction: 'high', threshold: { value: 125, unit: 'pg/mL' } },
      leak: 0.02,
    }),
    concept('ecg', 'finding', '心电图示房颤', 'AF on ECG', {
      result: { kind: 'statement', patterns: ['房颤'], context: ['心电图'] },
    }),
  ];
  const cn: CausalNetwork = {
    releaseId: 7,
    diseases: cs.filter((c) => c.type === 'disease'),
    concepts: new Map(cs.map((c) => [c.id, c])),
    findings: [
      rel('n1', 'has-finding', 'hf', 'bnp', { probability: null }),
      rel('n2', 'has-finding', 'hf', 'dyspnoea', { probability: 0.8 }),
      rel('n3', 'has-finding', 'ckd', 'ecg'),
    ],
    riskFactors: [],
    priors: [rel('p1', 'prior', 'ckd', undefined, { probability: 0.1 })],
    sources: [src],
  };
  const m = modelFromKnowledge(cn);

  it('infers with the documented default but marks the edge frequency unknown', () => {
    const edge = (from: string, to: string) => m.edges.find((e) => e.from === from && e.to === to)!;
    expect(edge('hf', 'bnp')).toMatchObject({ probability: DEFAULT_EDGE_PROBABILITY, frequency: 'unknown' });
    expect(edge('ckd', 'ecg').frequency).toBe('unknown');
    expect(edge('hf', 'dyspnoea').frequency).toBeUndefined();
  });

  it('gives a disease without a prior the uniform prior and says so', () => {
    expect(m.diseases.find((d) => d.id === 'hf')).toMatchObject({ prior: UNIFORM_PRIOR, priorBasis: 'uniform' });
    expect(m.diseases.find((d) => d.id === 'ckd')!.priorBasis).toBeUndefined();
  });

  it('carries the result criteria and leaks of result findings', () => {
    const bnp = m.findings.find((f) => f.id === 'bnp')!;
    expect(bnp).toMatchObject({ kind: 'test', leak: 0.02, result: { kind: 'measurement', direction: 'high' } });
    expect(m.findings.find((f) => f.id === 'ecg')!.result).toEqual({
      kind: 'statement',
      patterns: ['房颤'],
      context: ['心电图'],
    });
  });

  it('explains without a placeholder number: "frequency unknown", "频率未知", uniform prior', () => {
    const dx = diagnose(compileNetwork(m), { findings: [{ id: 'dyspnoea' }] });
    const hf = dx.differential.find((d) => d.id === 'hf')!;
    expect(hf.explanation.notAsked).toEqual([{ finding: 'bnp', name: expect.anything(), frequencyUnknown: true }]);
    const text = JSON.stringify([hf.conclusion.detail, hf.conclusion.evidence.map((e) => e.statement)]);
    expect(text).toContain('频率未知');
    expect(text).toContain('frequency unknown');
    expect(text).not.toMatch(/50(\.0)?\s*%/);
    expect(hf.conclusion.detail?.zh).toContain('患病率未知：按统一先验计');
  });

  it('names the concept whose result criterion is malformed', () => {
    const bad = concept('x', 'lab', 'x', 'x', { result: { kind: 'measurement', loinc: [], direction: 'up' } });
    expect(() =>
      modelFromKnowledge({
        ...cn,
        concepts: new Map([...cn.concepts, ['x', bad]]),
        findings: [...cn.findings, rel('n4', 'has-finding', 'hf', 'x')],
      }),
    ).toThrow(/attrs\.result/);
  });
});

describe('a disease and a phenotype of the same name from different sources', () => {
  const concepts = [
    concept('doid:hf', 'disease', '心力衰竭', 'Heart failure'),
    concept('omim:syndrome', 'disease', '某综合征', 'Some syndrome'),
    concept('hp:hf', 'finding', '心力衰竭', 'heart failure'),
    concept('hp:edema', 'finding', '水肿', 'Edema'),
  ];
  const cn: CausalNetwork = {
    releaseId: 4,
    diseases: concepts.filter((c) => c.type === 'disease'),
    concepts: new Map(concepts.map((c) => [c.id, c])),
    findings: [
      rel('s1', 'has-finding', 'omim:syndrome', 'hp:hf', { probability: 0.5 }),
      rel('s2', 'has-finding', 'omim:syndrome', 'hp:edema', { probability: 0.5 }),
      rel('h1', 'has-finding', 'doid:hf', 'hp:edema', { probability: 0.6 }),
    ],
    riskFactors: [],
    priors: [],
    sources: [src],
  };
  const model = modelFromKnowledge(cn);

  it('links the disease to its own phenotype, frequency unknown, naming why', () => {
    const own = model.edges.filter((e) => e.from === 'doid:hf' && e.to === 'hp:hf');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ probability: DEFAULT_EDGE_PROBABILITY, frequency: 'unknown' });
    expect(own[0]!.source.authority.name).toMatch(/same name/);
    // No other pair shares a name; the syndrome's listed edge is not duplicated.
    expect(model.edges.filter((e) => e.source.edgeId.startsWith('same-name:'))).toHaveLength(1);
  });

  it('so the phenotype read from a record speaks for the disease, not only for the syndrome listing it', () => {
    const net = compileNetwork(model);
    const d = diagnose(net, { findings: [{ id: 'hp:hf' }, { id: 'hp:edema' }] }, { counterfactual: false });
    expect(d.differential[0]!.id).toBe('doid:hf');
  });
});
