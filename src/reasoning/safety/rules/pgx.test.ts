import { describe, expect, it } from 'vitest';
import { draft, gene, med, state } from '../__fixtures__/build.js';
import { evaluateRules } from '../rule.js';
import { PGX_RULES } from './pgx.js';

const CASES: Record<string, { drug: string; fire: [string, string]; quiet: [string, string] }> = {
  PGx01: {
    drug: 'Clopidogrel 75 MG Oral Tablet',
    fire: ['CYP2C19', 'Poor Metabolizer'],
    quiet: ['CYP2C19', 'Normal Metabolizer'],
  },
  PGx02: { drug: '别嘌醇片', fire: ['HLA-B*58:01', '阳性'], quiet: ['HLA-B*58:01', '阴性'] },
  PGx03: {
    drug: 'Carbamazepine 200 MG Oral Tablet',
    fire: ['HLA-B*15:02', 'positive'],
    quiet: ['HLA-B*15:02', 'negative'],
  },
  PGx04: {
    drug: 'Azathioprine 50 MG Oral Tablet',
    fire: ['NUDT15', 'Poor Metabolizer'],
    quiet: ['TPMT', 'Normal Metabolizer'],
  },
  PGx05: {
    drug: 'Capecitabine 500 MG Oral Tablet',
    fire: ['DPYD', 'Intermediate Metabolizer, activity score 1.5'],
    quiet: ['DPYD', 'Normal Metabolizer, activity score 2'],
  },
  PGx06: {
    drug: 'Simvastatin 40 MG Oral Tablet',
    fire: ['SLCO1B1', 'Decreased Function'],
    quiet: ['SLCO1B1', 'Normal Function'],
  },
  PGx07: {
    drug: 'Codeine Phosphate 30 MG Oral Tablet',
    fire: ['CYP2D6', 'Ultrarapid Metabolizer'],
    quiet: ['CYP2D6', 'Normal Metabolizer'],
  },
  PGx08: {
    drug: 'Warfarin 5 MG Oral Tablet',
    fire: ['CYP2C9', '*1/*3 Intermediate Metabolizer'],
    quiet: ['CYP2C19', 'Normal Metabolizer'],
  },
  PGx09: { drug: 'Rasburicase 1.5 MG Injection', fire: ['G6PD', 'Deficient'], quiet: ['G6PD', 'Normal'] },
  PGx10: { drug: 'Abacavir 300 MG Oral Tablet', fire: ['HLA-B*57:01', 'positive'], quiet: ['HLA-B*57:01', 'negative'] },
};

describe('CPIC gene–drug rules', () => {
  it('has the 10 CPIC rules', () => expect(PGX_RULES.map((r) => r.id)).toEqual(Object.keys(CASES)));
  for (const spec of PGX_RULES) {
    const c = CASES[spec.id]!;
    const rule = PGX_RULES.find((r) => r.id === spec.id)!;
    it(`${spec.id} fires on ${c.fire.join(' ')}`, () => {
      const out = evaluateRules(state([gene(...c.fire), draft(c.drug)]), [rule]);
      expect(out).toHaveLength(1);
      expect(out[0]!.conclusion.evidence.filter((e) => e.factId)).toHaveLength(2);
    });
    it(`${spec.id} does not fire on ${c.quiet.join(' ')}`, () => {
      expect(evaluateRules(state([gene(...c.quiet), draft(c.drug)]), [rule])).toEqual([]);
    });
  }
  it('fires without a genotype on file only for the label pre-test prompts (abacavir, rasburicase)', () => {
    const none = evaluateRules(
      state([
        draft('Abacavir 300 MG Oral Tablet'),
        draft('Rasburicase 1.5 MG Injection'),
        draft('Clopidogrel 75 MG Oral Tablet'),
      ]),
      PGX_RULES,
    );
    expect(none.map((r) => [r.ruleId, r.conclusion.severity])).toEqual([
      ['PGx09', 'moderate'],
      ['PGx10', 'moderate'],
    ]);
    expect(none[0]!.suggestions[0]).toMatchObject({ kind: 'order' });
  });
  it('PGx03 respects "continuously for more than 3 months without reaction"', () => {
    const long = med('Carbamazepine 200 MG Oral Tablet', { time: { start: '2025-06-01T00:00:00Z' } });
    expect(evaluateRules(state([gene('HLA-B*15:02', 'positive'), long]), PGX_RULES)).toEqual([]);
  });
  it('PGx05 grades DPYD activity score 0.5 as avoid (high) and PGx04 both-IM as 20–50 %', () => {
    expect(
      evaluateRules(state([gene('DPYD', 'activity score 0.5'), draft('Fluorouracil 500 MG Injection')]), PGX_RULES)[0]!
        .conclusion.severity,
    ).toBe('high');
    const both = evaluateRules(
      state([
        gene('TPMT', 'Intermediate Metabolizer'),
        gene('NUDT15', 'Intermediate Metabolizer'),
        draft('Mercaptopurine 50 MG Oral Tablet'),
      ]),
      PGX_RULES,
    );
    expect(both[0]!.conclusion.detail?.en).toContain('20–50');
  });
  it('PGx01 suggests only formulary drugs: ticagrelor, not prasugrel, unless a hospital adds it', () => {
    const rule = PGX_RULES.find((r) => r.id === 'PGx01')!;
    const s = state([gene('CYP2C19', 'Poor Metabolizer'), draft('Clopidogrel 75 MG Oral Tablet')]);
    const replace = (config = {}) =>
      evaluateRules(s, [rule], { config })[0]!.suggestions.find((x) => x.kind === 'replace');
    expect(replace()).toMatchObject({ with: { en: 'ticagrelor', zh: '替格瑞洛' } });
    expect(replace()!.label.zh).not.toContain('普拉格雷');
    expect(replace({ PGx01: { params: { formulary: { add: ['prasugrel'] } } } })).toMatchObject({
      with: { en: 'ticagrelor or prasugrel' },
    });
  });
});
