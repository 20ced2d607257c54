import { describe, expect, it } from 'vitest';
import { draft, state } from '../__fixtures__/build.js';
import { evaluateRules } from '../rule.js';
import { safetyRulesFromData } from '../rulebook.js';
import { DOSE_RULES, dailyDoseMg } from './dose.js';

const CASES: Record<string, { drug: string; over: [number, string, number]; ok: [number, string, number] }> = {
  DOSE01: { drug: 'Acetaminophen 500 MG Oral Tablet', over: [1, 'g', 5], ok: [1, 'g', 4] },
  DOSE02: { drug: 'Simvastatin 80 MG Oral Tablet', over: [80, 'mg', 1], ok: [40, 'mg', 1] },
  DOSE03: { drug: 'Ibuprofen 800 MG Oral Tablet', over: [800, 'mg', 5], ok: [800, 'mg', 3] },
  DOSE04: { drug: '盐酸二甲双胍片 0.5g', over: [1000, 'mg', 3], ok: [850, 'mg', 3] },
};

describe('dose range', () => {
  const specs = safetyRulesFromData().doseLimits;
  it('has a case for every limit of the data files', () => {
    expect(specs.map((s) => s.id).sort()).toEqual(Object.keys(CASES).sort());
  });
  for (const spec of specs) {
    const c = CASES[spec.id]!;
    const rule = DOSE_RULES.find((r) => r.id === spec.id)!;
    it(`${spec.id} fires above ${spec.maxDailyMg} mg/day`, () => {
      const out = evaluateRules(
        state([draft(c.drug, { dose: { value: c.over[0], unit: c.over[1] }, perDay: c.over[2] })]),
        [rule],
      );
      expect(out).toHaveLength(1);
    });
    it(`${spec.id} does not fire at or below the limit, nor without a parsed dose`, () => {
      expect(
        evaluateRules(state([draft(c.drug, { dose: { value: c.ok[0], unit: c.ok[1] }, perDay: c.ok[2] })]), [rule]),
      ).toEqual([]);
      expect(evaluateRules(state([draft(c.drug)]), [rule])).toEqual([]);
    });
  }
  it('a hospital can re-threshold a dose limit', () => {
    const s = state([draft('Simvastatin 40 MG Oral Tablet', { dose: { value: 40, unit: 'mg' }, perDay: 1 })]);
    expect(
      evaluateRules(s, DOSE_RULES, { config: { DOSE02: { params: { maxDailyMg: 20 } } } }).map((r) => r.ruleId),
    ).toEqual(['DOSE02']);
  });
  it('does not compute a daily dose from an unknown unit', () => {
    expect(dailyDoseMg(draft('X', { dose: { value: 2, unit: 'tablet' }, perDay: 2 }))).toBeUndefined();
  });
});
