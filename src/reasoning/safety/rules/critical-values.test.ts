import { describe, expect, it } from 'vitest';
import { condition, lab, qualitative, state } from '../__fixtures__/build.js';
import { evaluateRules } from '../rule.js';
import { safetyRulesFromData } from '../rulebook.js';
import { CRITICAL_VALUE_RULES, criticalValueRules, validateCriticalParams } from './critical-values.js';

/** For each analyte: a critical result, a normal one (value, unit) — in a unit that needs conversion where possible. */
const CASES: Record<string, { loinc: string; name: string; crit: [number, string]; normal: [number, string] }> = {
  'CV-K': { loinc: '2823-3', name: 'Potassium', crit: [6.2, 'mmol/L'], normal: [4.1, 'mmol/L'] },
  'CV-NA': { loinc: '2951-2', name: 'Sodium', crit: [118, 'meq/L'], normal: [140, 'mmol/L'] },
  'CV-GLU': { loinc: '2345-7', name: 'Glucose', crit: [45, 'mg/dL'], normal: [90, 'mg/dL'] },
  'CV-CA': { loinc: '17861-6', name: 'Calcium', crit: [14, 'mg/dL'], normal: [9.5, 'mg/dL'] },
  'CV-ICA': { loinc: '1994-3', name: 'Calcium.ionized', crit: [0.7, 'mmol/L'], normal: [1.2, 'mmol/L'] },
  'CV-HB': { loinc: '718-7', name: 'Hemoglobin', crit: [5.5, 'g/dL'], normal: [13, 'g/dL'] },
  'CV-PLT': { loinc: '777-3', name: 'Platelets', crit: [25, '10*3/uL'], normal: [250, '10*3/uL'] },
  'CV-WBC': { loinc: '6690-2', name: 'Leukocytes', crit: [35, '10*9/L'], normal: [7, '10*9/L'] },
  'CV-INR': { loinc: '6301-6', name: 'INR', crit: [5.0, '{INR}'], normal: [2.5, '{INR}'] },
  'CV-APTT': { loinc: '3173-2', name: 'aPTT', crit: [95, 's'], normal: [30, 's'] },
  'CV-FIB': { loinc: '3255-7', name: 'Fibrinogen', crit: [80, 'mg/dL'], normal: [300, 'mg/dL'] },
  'CV-PH': { loinc: '2744-1', name: 'pH of Arterial blood', crit: [7.15, '[pH]'], normal: [7.4, '[pH]'] },
  'CV-PCO2': {
    loinc: '2019-8',
    name: 'Carbon dioxide [Partial pressure] in Arterial blood',
    crit: [9.0, 'kPa'],
    normal: [40, 'mm[Hg]'],
  },
  'CV-PO2': {
    loinc: '2703-7',
    name: 'Oxygen [Partial pressure] in Arterial blood',
    crit: [38, 'mm[Hg]'],
    normal: [90, 'mm[Hg]'],
  },
  'CV-TNI': { loinc: '10839-9', name: 'Troponin I', crit: [450, 'ng/L'], normal: [10, 'ng/L'] },
  'CV-CREA': { loinc: '2160-0', name: 'Creatinine', crit: [8, 'mg/dL'], normal: [1, 'mg/dL'] },
};

// The two rules that are off by default, turned on (creatinine needs a hospital limit).
const config = {
  'CV-TNI': { enabled: true },
  'CV-CREA': {
    enabled: true,
    params: { thresholds: [{ population: 'adult', high: { value: 654, unit: 'umol/L', inclusive: true } }] },
  },
};

describe('critical values', () => {
  it('has the 17 threshold rows of cds-rules.md (16 analytes + qualitative)', () => {
    expect(CRITICAL_VALUE_RULES).toHaveLength(17);
  });
  for (const spec of safetyRulesFromData().criticalValues) {
    const c = CASES[spec.id]!;
    const rule = CRITICAL_VALUE_RULES.find((r) => r.id === spec.id)!;
    it(`${spec.id} fires on ${c.crit.join(' ')} (converted to SI)`, () => {
      const f = lab(c.loinc, c.name, ...c.crit);
      const out = evaluateRules(state([f]), [rule], { config });
      expect(out).toHaveLength(1);
      expect(out[0]!.conclusion.severity).toBe('high');
      expect(out[0]!.conclusion.evidence[0]!.sources[0]).toMatchObject({ kind: 'resource', id: f.id });
    });
    it(`${spec.id} does not fire on ${c.normal.join(' ')}`, () => {
      expect(evaluateRules(state([lab(c.loinc, c.name, ...c.normal)]), [rule], { config })).toEqual([]);
    });
  }
  it('CV-QUAL fires on a positive blood culture and not on a negative one', () => {
    const rule = CRITICAL_VALUE_RULES.find((r) => r.id === 'CV-QUAL')!;
    expect(
      evaluateRules(
        state([
          qualitative('600-7', 'Bacteria identified in Blood by Culture', 'Staphylococcus aureus (MRSA) isolated'),
        ]),
        [rule],
      ),
    ).toHaveLength(1);
    expect(evaluateRules(state([qualitative('600-7', '血培养', '培养5天无细菌生长')]), [rule])).toEqual([]);
  });
  it('CV-QUAL recognises results as the rule book says: by entry, once per result, not a positive urine culture', () => {
    const rule = CRITICAL_VALUE_RULES.find((r) => r.id === 'CV-QUAL')!;
    const csf = evaluateRules(state([qualitative('606-4', '脑脊液培养', '检出肺炎链球菌')]), [rule]);
    expect(csf).toHaveLength(1);
    expect(csf[0]!.conclusion.statement.zh).toContain('脑脊液涂片或培养阳性');
    // A positive urine culture is not on the critical list (Kost 1990, ARUP): no alert.
    expect(evaluateRules(state([qualitative('630-4', '尿培养', '大肠埃希菌生长')]), [rule])).toEqual([]);
    const blasts = condition('外周血涂片见原始细胞', { category: 'finding', time: { start: '2026-03-01T08:00:00Z' } });
    expect(evaluateRules(state([blasts]), [rule])).toHaveLength(1);
  });
  it('CV-QUAL runs whatever the book holds: an entry a curator removed no longer alerts', () => {
    const book = safetyRulesFromData();
    const without = { ...book, qualitative: book.qualitative.filter((q) => q.id !== 'CV-Q-csf') };
    const rule = criticalValueRules(without).find((r) => r.id === 'CV-QUAL')!;
    expect(evaluateRules(state([qualitative('606-4', '脑脊液培养', '检出肺炎链球菌')]), [rule])).toEqual([]);
    expect(book.qualitative.map((q) => q.id)).toContain('CV-Q-csf');
  });
  it('respects boundary inclusivity (ionized calcium < 0.78 is exclusive)', () => {
    const rule = CRITICAL_VALUE_RULES.find((r) => r.id === 'CV-ICA')!;
    expect(evaluateRules(state([lab('1994-3', 'Calcium.ionized', 0.78, 'mmol/L')]), [rule])).toEqual([]);
    expect(evaluateRules(state([lab('2823-3', 'Potassium', 2.8, 'mmol/L')]), CRITICAL_VALUE_RULES)).toHaveLength(1);
  });
  it('troponin and creatinine are off by default', () => {
    expect(
      evaluateRules(
        state([lab('10839-9', 'Troponin I', 5, 'ng/mL'), lab('2160-0', 'Creatinine', 9, 'mg/dL')]),
        CRITICAL_VALUE_RULES,
      ),
    ).toEqual([]);
  });
  it('excludes dialysis patients from the creatinine critical value', () => {
    const rule = CRITICAL_VALUE_RULES.find((r) => r.id === 'CV-CREA')!;
    expect(
      evaluateRules(
        state([condition('End-stage renal disease on dialysis'), lab('2160-0', 'Creatinine', 9, 'mg/dL')]),
        [rule],
        { config },
      ),
    ).toEqual([]);
  });
  it('does not guess an unknown unit: it says so at info level', () => {
    const out = evaluateRules(state([lab('2823-3', 'Potassium', 7, 'mg%')]), CRITICAL_VALUE_RULES);
    expect(out.map((r) => [r.ruleId, r.conclusion.severity])).toEqual([['CV-K', 'info']]);
  });
  it('a hospital re-thresholds in any convertible unit and uses a population of its own', () => {
    const s = state([lab('2823-3', 'Potassium', 6.0, 'mmol/L')]);
    const stricter = {
      'CV-K': {
        params: {
          thresholds: [
            {
              population: 'adult',
              low: { value: 3.0, unit: 'mmol/L', inclusive: true },
              high: { value: 6.0, unit: 'meq/L', inclusive: true },
            },
          ],
        },
      },
    };
    expect(evaluateRules(s, CRITICAL_VALUE_RULES, { config: stricter })).toHaveLength(1);
    const plt = state([lab('777-3', 'Platelets', 25, '10*9/L')]);
    expect(evaluateRules(plt, CRITICAL_VALUE_RULES)).toHaveLength(1);
    expect(
      evaluateRules(plt, CRITICAL_VALUE_RULES, {
        config: { 'CV-PLT': { params: { population: 'hematology-oncology' } } },
      }),
    ).toEqual([]);
  });
  it('rejects a threshold in an unknown unit with the field named', () => {
    expect(() =>
      validateCriticalParams('CV-K', {
        thresholds: [{ population: 'adult', high: { value: 6, unit: 'mg/dL', inclusive: true } }],
      }),
    ).toThrow(/unit 'mg\/dL' is not known for potassium/);
    expect(() =>
      validateCriticalParams('CV-K', { thresholds: [{ population: 'adult', high: { value: 6, unit: 'mmol/L' } }] }),
    ).toThrow(/inclusive/);
  });
  it('ignores results older than the look-back window', () => {
    expect(
      evaluateRules(state([lab('2823-3', 'Potassium', 7, 'mmol/L', '2026-02-20T08:00:00Z')]), CRITICAL_VALUE_RULES),
    ).toEqual([]);
  });
  it('a critical K+ followed by a normal K+ is resolved and informational, with no "立即通知"', () => {
    const rule = CRITICAL_VALUE_RULES.find((r) => r.id === 'CV-K')!;
    const crit = lab('2823-3', 'Potassium', 6.5, 'mmol/L', '2026-03-01T02:00:00Z');
    const normal = lab('2823-3', 'Potassium', 4.8, 'mmol/L', '2026-03-01T08:00:00Z');
    const [r, ...rest] = evaluateRules(state([normal, crit]), [rule]);
    expect(rest).toEqual([]);
    expect(r!.conclusion.severity).toBe('info');
    expect(r!.conclusion.statement.zh).toContain('已复查恢复：4.8 mmol/L');
    expect(r!.conclusion.detail?.zh).not.toContain('立即通知');
    expect(r!.conclusion.evidence.map((e) => e.factId)).toEqual([crit.id, normal.id, undefined]);
  });
  it('a later result that is still critical (same side) keeps the alert; the hospital can turn resolution off', () => {
    const rule = CRITICAL_VALUE_RULES.find((r) => r.id === 'CV-K')!;
    const a = lab('2823-3', 'Potassium', 6.5, 'mmol/L', '2026-03-01T02:00:00Z');
    const back = lab('2823-3', 'Potassium', 4.8, 'mmol/L', '2026-03-01T05:00:00Z');
    const again = lab('2823-3', 'Potassium', 6.4, 'mmol/L', '2026-03-01T08:00:00Z');
    const severities = (facts: ReturnType<typeof lab>[], config = {}) =>
      evaluateRules(state(facts), [rule], { config }).map((x) => x.conclusion.severity);
    expect(severities([a, back, again])).toEqual(['high', 'high']);
    expect(severities([a, back], { 'CV-K': { params: { resolveOnLaterResult: false } } })).toEqual(['high']);
    // A repeat taken after the state's time does not resolve it yet.
    const future = lab('2823-3', 'Potassium', 4.8, 'mmol/L', '2026-03-01T11:00:00Z');
    expect(severities([a, future])).toEqual(['high']);
  });
});
