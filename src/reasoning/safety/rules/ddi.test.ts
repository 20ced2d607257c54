import { describe, expect, it } from 'vitest';
import { draft, lab, med, state } from '../__fixtures__/build.js';
import { evaluateRules } from '../rule.js';
import { cdsRules } from '../../../knowledge/index.js';
import { DDI_RULES } from './ddi.js';

/** The interactions of the bundled data files (knowledge interactions.json): id, S1/S2, ONC item. */
const DDI_SPECS = cdsRules().interactions.map((r) => ({ id: r.id, sev: r.severity, onc: r.onc }));

/** One example pair per rule (first drug, second drug) and a drug that does not interact with the first. */
const EXAMPLES: Record<string, [string, string, string]> = {
  DDI01: ['Phenelzine 15 MG Oral Tablet', 'Sertraline 50 MG Oral Tablet', 'Acetaminophen 500 MG Oral Tablet'],
  DDI02: ['反苯环丙胺片', '阿米替林片 25mg', '对乙酰氨基酚片'],
  DDI03: ['Selegiline 5 MG Oral Capsule', 'Meperidine 50 MG Injection', 'Morphine 10 MG Injection'],
  DDI04: ['Isocarboxazid 10 MG Oral Tablet', 'Sumatriptan 50 MG Oral Tablet', 'Ibuprofen 200 MG Oral Tablet'],
  DDI05: ['Phenelzine 15 MG Oral Tablet', 'Amphetamine Aspartate 5 MG Oral Tablet', 'Lisinopril 10 MG Oral Tablet'],
  DDI06: ['Tranylcypromine 10 MG Oral Tablet', 'Procarbazine 50 MG Oral Capsule', 'Metformin 500 MG Oral Tablet'],
  DDI07: [
    'Atazanavir 300 MG Oral Capsule',
    'Omeprazole 20 MG Delayed Release Oral Capsule',
    'Famotidine 20 MG Oral Tablet',
  ],
  DDI08: ['Febuxostat 40 MG Oral Tablet', 'Azathioprine 50 MG Oral Tablet', 'Colchicine 0.6 MG Oral Tablet'],
  DDI09: ['Irinotecan 100 MG Injection', 'Ketoconazole 200 MG Oral Tablet', 'Fluconazole 150 MG Oral Tablet'],
  DDI10: ['Amiodarone 200 MG Oral Tablet', 'Levofloxacin 500 MG Oral Tablet', 'Amoxicillin 500 MG Oral Capsule'],
  DDI11: ['Ramelteon 8 MG Oral Tablet', 'Fluvoxamine 100 MG Oral Tablet', 'Sertraline 50 MG Oral Tablet'],
  DDI12: ['Tizanidine 4 MG Oral Tablet', 'Ciprofloxacin 500 MG Oral Tablet', 'Amoxicillin 500 MG Oral Capsule'],
  DDI13: ['Darunavir 800 MG Oral Tablet', 'Rifampin 300 MG Oral Capsule', 'Isoniazid 300 MG Oral Tablet'],
  DDI14: ['Simvastatin 20 MG Oral Tablet', 'Clarithromycin 500 MG Oral Tablet', 'Azithromycin 250 MG Oral Tablet'],
  DDI15: ['Ergotamine 1 MG Oral Tablet', 'Ritonavir 100 MG Oral Tablet', 'Metoclopramide 10 MG Oral Tablet'],
  DDI16: ['华法林钠片 2.5mg', '布洛芬缓释胶囊', '对乙酰氨基酚片'],
  DDI17: [
    'Warfarin Sodium 5 MG Oral Tablet',
    'Sulfamethoxazole 800 MG / Trimethoprim 160 MG Oral Tablet',
    'Nitrofurantoin 100 MG Oral Capsule',
  ],
  DDI18: ['Warfarin Sodium 5 MG Oral Tablet', 'Clopidogrel 75 MG Oral Tablet', 'Atorvastatin 20 MG Oral Tablet'],
  DDI19: ['Methotrexate 2.5 MG Oral Tablet', 'Naproxen sodium 220 MG Oral Tablet', 'Folic Acid 1 MG Oral Tablet'],
  DDI20: [
    'Lithium Carbonate 300 MG Oral Capsule',
    'Losartan Potassium 50 MG Oral Tablet',
    'Amlodipine 5 MG Oral Tablet',
  ],
  DDI21: ['Cyclosporine 100 MG Oral Capsule', 'Atorvastatin 20 MG Oral Tablet', 'Ezetimibe 10 MG Oral Tablet'],
  DDI22: ['Amiodarone 200 MG Oral Tablet', 'Digoxin 0.125 MG Oral Tablet', 'Furosemide 40 MG Oral Tablet'],
  DDI23: [
    'Verapamil Hydrochloride 80 MG Oral Tablet',
    'Metoprolol Tartrate 25 MG Oral Tablet',
    'Amlodipine 5 MG Oral Tablet',
  ],
  DDI24: ['Sildenafil 50 MG Oral Tablet', 'Nitroglycerin 0.4 MG Sublingual Tablet', 'Tamsulosin 0.4 MG Oral Capsule'],
  DDI25: ['硫酸氢氯吡格雷片 75mg', '奥美拉唑肠溶胶囊 20mg', '泮托拉唑钠肠溶片 40mg'],
};

describe('drug–drug interactions', () => {
  it('has the 24 rules of cds-rules.md plus the label-sourced DDI25, 15 of them the ONC high-priority pairs', () => {
    expect(DDI_RULES).toHaveLength(25);
    expect(DDI_SPECS.filter((s) => s.onc)).toHaveLength(15);
    expect(Object.keys(EXAMPLES).sort()).toEqual(DDI_SPECS.map((s) => s.id).sort());
  });

  for (const spec of DDI_SPECS) {
    const [a, b, other] = EXAMPLES[spec.id]!;
    const rule = DDI_RULES.find((r) => r.id === spec.id)!;
    it(`${spec.id} fires on ${a} + ${b}`, () => {
      const x = med(a);
      const y = draft(b);
      const out = evaluateRules(state([x, y]), [rule]);
      expect(out).toHaveLength(1);
      expect(out[0]!.conclusion.kind).toBe('alert');
      expect(out[0]!.conclusion.severity).toBe(spec.sev === 'S1' ? 'high' : 'moderate');
      expect([...out[0]!.involves].sort()).toEqual([x.id, y.id].sort());
      // The evidence points at both orders, and at the rule's authority.
      const ev = out[0]!.conclusion.evidence;
      expect(ev.flatMap((e) => e.sources).map((s) => (s.kind === 'resource' ? s.id : ''))).toEqual(
        expect.arrayContaining([x.id, y.id]),
      );
      expect(ev.some((e) => e.knowledge?.some((k) => k.authority.url || k.authority.name))).toBe(true);
      expect(out[0]!.suggestions.some((s) => s.kind === 'remove' && s.factId === y.id)).toBe(true);
    });
    it(`${spec.id} does not fire on ${a} + ${other}`, () => {
      expect(evaluateRules(state([med(a), draft(other)]), [rule])).toEqual([]);
    });
  }

  it('all 15 ONC pairs fire as interruptive (high) except the two the file grades S2', () => {
    const onc = DDI_SPECS.filter((s) => s.onc);
    const fired = onc.filter((s) => {
      const [a, b] = EXAMPLES[s.id]!;
      return (
        evaluateRules(
          state([med(a), med(b)]),
          DDI_RULES.filter((r) => r.id === s.id),
        ).length === 1
      );
    });
    expect(fired.map((s) => s.id)).toEqual(onc.map((s) => s.id));
    expect(onc.filter((s) => s.sev === 'S2').map((s) => s.id)).toEqual(['DDI07', 'DDI11']);
  });

  it('ignores stopped medications and a focus set that excludes both drugs', () => {
    const x = med('Warfarin 5 MG Oral Tablet');
    const y = med('Ibuprofen 400 MG Oral Tablet', { status: 'stopped' });
    expect(evaluateRules(state([x, y]), DDI_RULES)).toEqual([]);
    const z = med('Ibuprofen 400 MG Oral Tablet');
    const w = draft('Lisinopril 10 MG Oral Tablet');
    expect(evaluateRules(state([x, z, w]), DDI_RULES, { focus: new Set([w.id]) })).toEqual([]);
    expect(evaluateRules(state([x, z, w]), DDI_RULES, { focus: new Set([z.id]) }).map((r) => r.ruleId)).toEqual([
      'DDI16',
    ]);
  });

  it('counts haloperidol toward QT risk only when given IV', () => {
    const rule = DDI_RULES.find((r) => r.id === 'DDI10')!;
    expect(
      evaluateRules(
        state([med('Haloperidol 5 MG Oral Tablet', { route: 'oral' }), med('Methadone 10 MG Oral Tablet')]),
        [rule],
      ),
    ).toEqual([]);
    expect(
      evaluateRules(
        state([med('Haloperidol 5 MG/ML Injection', { route: 'intravenous' }), med('Methadone 10 MG Oral Tablet')]),
        [rule],
      ),
    ).toHaveLength(1);
  });

  it('does not count one QT drug twice as an interaction', () => {
    const rule = DDI_RULES.find((r) => r.id === 'DDI10')!;
    expect(
      evaluateRules(state([med('Amiodarone 200 MG Oral Tablet'), med('Amiodarone 200 MG Oral Tablet')]), [rule]),
    ).toEqual([]);
  });

  it('suggests an alternative analgesic for warfarin + NSAID', () => {
    const out = evaluateRules(
      state([med('Warfarin 5 MG Oral Tablet'), draft('Naproxen 250 MG Oral Tablet')]),
      DDI_RULES,
    );
    expect(out[0]!.suggestions.find((s) => s.kind === 'replace')).toMatchObject({
      with: { en: 'acetaminophen (paracetamol)' },
    });
  });

  it('puts an INR above the target range on the warfarin + NSAID card (the result, its time and its source)', () => {
    const inr = lab('6301-6', 'INR', 3.4, '{INR}', '2026-02-28T06:30:00Z');
    const w = med('华法林钠片 3mg');
    const nsaid = draft('布洛芬缓释胶囊 0.3g');
    const [r] = evaluateRules(state([w, nsaid, inr]), DDI_RULES);
    expect(r!.ruleId).toBe('DDI16');
    expect(r!.conclusion.statement.zh).toContain('INR 3.4（2026-02-28）：INR 高于常用目标范围（2.0–3.0）');
    const ev = r!.conclusion.evidence.find((e) => e.factId === inr.id)!;
    expect(ev.knowledge?.[0]?.authority.document).toMatch(/target INR 2\.0–3\.0/);
    // The card's source stays the interaction's own.
    expect(r!.conclusion.evidence.find((e) => e.knowledge)!.knowledge![0]!.edgeId).toBe('rule:DDI16');
    // In range, or older than the 7-day look-back: the card says nothing about the INR.
    const ok = lab('6301-6', 'INR', 2.6, '{INR}', '2026-02-28T06:30:00Z');
    const old = lab('6301-6', 'INR', 3.4, '{INR}', '2026-02-10T06:30:00Z');
    for (const x of [ok, old]) {
      const [q] = evaluateRules(state([w, nsaid, x]), DDI_RULES);
      expect(q!.conclusion.statement.zh).not.toContain('INR');
    }
  });

  it('clopidogrel + omeprazole (CYP2C19): a warning that suggests pantoprazole; stopped: nothing', () => {
    const c = med('硫酸氢氯吡格雷片 75mg');
    const o = draft('奥美拉唑肠溶胶囊 20mg');
    const [r, ...rest] = evaluateRules(state([c, o]), DDI_RULES);
    expect(rest).toEqual([]);
    expect([r!.ruleId, r!.conclusion.severity]).toEqual(['DDI25', 'moderate']);
    expect(r!.suggestions.find((s) => s.kind === 'replace')).toMatchObject({ factId: o.id, with: { zh: '泮托拉唑' } });
    expect(r!.conclusion.evidence.find((e) => e.knowledge)!.knowledge![0]!.authority.name).toMatch(/FDA/);
    const stopped = med('硫酸氢氯吡格雷片 75mg', { status: 'stopped' });
    expect(evaluateRules(state([stopped, o]), DDI_RULES)).toEqual([]);
  });

  it("suggests only drugs of the hospital's formulary, and refuses an unknown drug id naming the field", () => {
    const s = state([med('Warfarin 5 MG Oral Tablet'), draft('Naproxen 250 MG Oral Tablet')]);
    const replaceOf = (config = {}) =>
      evaluateRules(s, DDI_RULES, { config })[0]!.suggestions.find((x) => x.kind === 'replace');
    expect(replaceOf()).toBeDefined();
    expect(replaceOf({ DDI16: { params: { formulary: { remove: ['acetaminophen'] } } } })).toBeUndefined();
    expect(replaceOf({ DDI16: { params: { formulary: ['acetaminophen', 'warfarin'] } } })).toBeDefined();
    expect(() => replaceOf({ DDI16: { params: { formulary: ['paracetamol-x'] } } })).toThrow(
      /unknown drug id\(s\) paracetamol-x/,
    );
    // Simvastatin + clarithromycin: pravastatin is not in the shared Chinese lists, rosuvastatin is.
    const statin = evaluateRules(
      state([med('Clarithromycin 500 MG'), draft('Simvastatin 20 MG Oral Tablet')]),
      DDI_RULES,
    );
    expect(statin[0]!.suggestions.find((x) => x.kind === 'replace')).toMatchObject({
      with: { en: 'rosuvastatin', zh: '瑞舒伐他汀' },
    });
  });
});
