import { describe, expect, it } from 'vitest';
import { draft, lab, med, state } from '../__fixtures__/build.js';
import { ckdEpi2021, cockcroftGault, renalFunction } from '../renal-function.js';
import { evaluateRules } from '../rule.js';
import { validateSafetySetting } from '../catalog.js';
import { safetyRulesFromData } from '../rulebook.js';
import { RENAL_RULES } from './renal.js';

const RENAL_SPECS = safetyRulesFromData().renal.map((r) => ({ id: r.id, ...r.edges[0]! }));

const scr = (mgdl: number) => lab('2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', mgdl, 'mg/dL');
const drugs: Record<string, string> = {
  RD01: 'Metformin 500 MG Oral Tablet',
  RD02: 'Enoxaparin 40 MG/0.4ML Injection',
  RD03: 'Nitrofurantoin 100 MG Oral Capsule',
  RD04: 'Ibuprofen 400 MG Oral Tablet',
  RD05: 'Ciprofloxacin 500 MG Oral Tablet',
  RD06: 'Baclofen 10 MG Oral Tablet',
  RD07: 'Cimetidine 400 MG Oral Tablet',
  RD08: 'Amiloride 5 MG Oral Tablet',
  RD09: 'Gabapentin 300 MG Oral Capsule',
};

describe('renal function', () => {
  it('computes CKD-EPI 2021 and Cockcroft–Gault as published', () => {
    // 60-year-old man, SCr 1.0 mg/dL: CKD-EPI 2021 ≈ 86 (NKF calculator); CG with 70 kg = (80 × 70)/(72 × 1) ≈ 77.8 mL/min.
    expect(ckdEpi2021(1.0, 60, false)).toBeCloseTo(86, 0);
    expect(cockcroftGault(1.0, 60, 70, false)).toBeCloseTo(77.78, 1);
    expect(cockcroftGault(1.0, 60, 70, true)).toBeCloseTo(66.11, 1);
  });
  it('reads creatinine in µmol/L and does not substitute eGFR for CrCl', () => {
    const s = state([lab('14682-9', 'Creatinine', 88.4, 'umol/L')], { age: 60, sex: 'male' });
    expect(renalFunction(s, 'egfr')).toMatchObject({ ok: true });
    expect(renalFunction(s, 'crcl')).toMatchObject({ ok: false, missing: ['body weight'] });
    const withEgfr = state([lab('33914-3', 'eGFR', 25, 'mL/min/{1.73_m2}')], { age: 70, sex: 'female', weightKg: 60 });
    expect(renalFunction(withEgfr, 'egfr')).toMatchObject({ ok: true, value: 25 });
    expect(renalFunction(withEgfr, 'crcl')).toMatchObject({ ok: false, missing: ['serum creatinine'] });
  });
});

describe('renal dose rules', () => {
  // RD09's source says "GFR" without saying which: the hospital must choose before it runs.
  const config = { RD09: { enabled: true, params: { measure: 'crcl' } } };
  for (const spec of RENAL_SPECS) {
    const rule = RENAL_RULES.find((r) => r.id === spec.id)!;
    const old = { age: 80, sex: 'female' as const, weightKg: 50 };
    // 80-year-old woman, 50 kg, SCr 3.0 mg/dL: CrCl ≈ 11.8 mL/min, eGFR ≈ 15.
    it(`${spec.id} fires when ${spec.measure} is below ${spec.below}`, () => {
      const out = evaluateRules(
        state([scr(3.0), draft(drugs[spec.id]!, spec.id === 'RD02' ? { perDay: 2 } : {})], old),
        [rule],
        { config },
      );
      expect(out).toHaveLength(1);
      expect(out[0]!.conclusion.severity).not.toBe('info');
      expect(
        out[0]!.conclusion.evidence.some((e) =>
          e.statement.en.includes(spec.measure === 'egfr' ? 'CKD-EPI' : 'Cockcroft'),
        ),
      ).toBe(true);
    });
    it(`${spec.id} does not fire with normal kidney function`, () => {
      expect(
        evaluateRules(
          state([scr(0.6), draft(drugs[spec.id]!, spec.id === 'RD02' ? { perDay: 2 } : {})], {
            age: 66,
            sex: 'male',
            weightKg: 80,
          }),
          [rule],
          { config },
        ),
      ).toEqual([]);
    });
  }
  it('RD09 stays off until the hospital chooses eGFR or CrCl, and then uses that measure', () => {
    const s = state([scr(3.0), draft(drugs.RD09!)], { age: 80, sex: 'female', weightKg: 50 });
    expect(evaluateRules(s, RENAL_RULES)).toEqual([]);
    expect(() => validateSafetySetting('RD09', { enabled: true })).toThrow(/set params.measure/);
    expect(() => validateSafetySetting('RD09', { enabled: true, params: { measure: 'gfr' } })).toThrow(
      /egfr' or 'crcl/,
    );
    const egfr = evaluateRules(s, RENAL_RULES, { config: { RD09: { enabled: true, params: { measure: 'egfr' } } } });
    expect(egfr[0]!.conclusion.statement.en).toContain('eGFR');
  });
  it('Beers rules do not apply under 65; the label rules do', () => {
    const young = { age: 40, sex: 'male' as const, weightKg: 70 };
    expect(evaluateRules(state([scr(6), draft(drugs.RD03!)], young), RENAL_RULES)).toEqual([]);
    expect(
      evaluateRules(state([scr(6), draft(drugs.RD01!)], young), RENAL_RULES).map((r) => [
        r.ruleId,
        r.conclusion.severity,
      ]),
    ).toEqual([['RD01', 'high']]);
  });
  it('says which value is missing instead of substituting (CrCl needs weight)', () => {
    const out = evaluateRules(state([scr(3.0), draft(drugs.RD05!)], { age: 80, sex: 'male' }), RENAL_RULES);
    expect(out).toHaveLength(1);
    expect(out[0]!.conclusion.severity).toBe('info');
    expect(out[0]!.conclusion.statement.en).toContain('body weight');
    expect(out[0]!.conclusion.evidence.some((e) => e.role === 'missing')).toBe(true);
  });
  it('RD01: eGFR 30–45 on a new order says do not start; a hospital can re-threshold', () => {
    const s = state([lab('33914-3', 'eGFR', 40, 'mL/min/{1.73_m2}'), draft(drugs.RD01!)], { age: 60, sex: 'male' });
    const out = evaluateRules(s, RENAL_RULES);
    expect(out[0]!.conclusion.detail?.en).toContain('do not start');
    expect(evaluateRules(s, RENAL_RULES, { config: { RD01: { params: { below: 35 } } } })).toEqual([]);
  });
  it('RD02 does not fire when enoxaparin is already once daily', () => {
    expect(
      evaluateRules(
        state([scr(3.0), med(drugs.RD02!, { perDay: 1 })], { age: 80, sex: 'female', weightKg: 50 }),
        RENAL_RULES,
      ),
    ).toEqual([]);
  });
});
