import { describe, expect, it } from 'vitest';
import { CodeSystems } from '../../../core/index.js';
import { condition, draft, state } from '../__fixtures__/build.js';
import { evaluateRules } from '../rule.js';
import { safetyRulesFromData } from '../rulebook.js';
import { CONTRAINDICATION_RULES } from './contraindication.js';

const CASES: Record<string, { drug: string; cond: Parameters<typeof condition>; other: string }> = {
  CI01: {
    drug: 'Ibuprofen 400 MG Oral Tablet',
    cond: ['Chronic congestive heart failure'],
    other: 'Acetaminophen 500 MG Oral Tablet',
  },
  CI02: {
    drug: 'Verapamil 80 MG Oral Tablet',
    cond: ['Heart failure with reduced ejection fraction'],
    other: 'Amlodipine 5 MG Oral Tablet',
  },
  CI03: { drug: 'Pioglitazone 30 MG Oral Tablet', cond: ['慢性心力衰竭'], other: 'Metformin 500 MG Oral Tablet' },
  CI04: {
    drug: '双氯芬酸钠缓释片',
    cond: ['Ulcer', { concept: { system: CodeSystems.icd10, code: 'K25.7', display: 'Chronic gastric ulcer' } }],
    other: '对乙酰氨基酚片',
  },
  CI05: { drug: 'Propranolol 40 MG Oral Tablet', cond: ['Asthma'], other: 'Metoprolol 25 MG Oral Tablet' },
  CI06: {
    drug: 'Warfarin 5 MG Oral Tablet',
    cond: [
      'Normal pregnancy',
      { concept: { system: CodeSystems.snomed, code: '72892002', display: 'Normal pregnancy' } },
    ],
    other: 'Enoxaparin 40 MG/0.4ML Injection',
  },
};

describe('drug–condition contraindications', () => {
  const specs = safetyRulesFromData().contraindications;
  it('has a case for every rule of the data files', () => {
    expect(specs.map((s) => s.id).sort()).toEqual(Object.keys(CASES).sort());
  });
  for (const spec of specs) {
    const c = CASES[spec.id]!;
    const rule = CONTRAINDICATION_RULES.find((r) => r.id === spec.id)!;
    it(`${spec.id} fires: ${c.drug} with ${c.cond[0]}`, () => {
      const out = evaluateRules(state([condition(...c.cond), draft(c.drug)]), [rule]);
      expect(out).toHaveLength(1);
      expect(out[0]!.conclusion.severity).toBe(spec.edges[0]!.severity);
    });
    it(`${spec.id} does not fire: ${c.other}, or the condition resolved`, () => {
      expect(evaluateRules(state([condition(...c.cond), draft(c.other)]), [rule])).toEqual([]);
      expect(
        evaluateRules(state([condition(c.cond[0], { ...(c.cond[1] ?? {}), status: 'resolved' }), draft(c.drug)]), [
          rule,
        ]),
      ).toEqual([]);
    });
  }
});
