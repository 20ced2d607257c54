import { describe, expect, it } from 'vitest';
import { diagnose } from './diagnose.js';
import { dxyAnswerRates, dxyExplicitCase, learnDxyModel, parseDxyJsonl, parseDxySynonyms } from './dxy.js';
import { compileNetwork } from './network.js';

const rec = (id: string, d: string, explicit: Record<string, boolean>, implicit: Record<string, boolean> = {}) =>
  JSON.stringify({
    consult_id: id,
    disease_tag: d,
    goal: { explicit_inform_slots: explicit, implicit_inform_slots: implicit },
  });
const train = parseDxyJsonl(
  [
    rec('1', '小儿腹泻', { 稀便: true, 发烧: true }, { 呕吐: true }),
    rec('2', '小儿腹泻', { 稀便: true }, { 发烧: false }),
    rec('3', '肺炎', { 咳嗽: true, 发烧: true }, { 呼吸困难: true }),
    rec('4', '肺炎', { 咳嗽: true }, { 肺部湿啰音: true }),
    rec('5', '过敏性鼻炎', { 打喷嚏: true, 流涕: true }, { 发烧: false }),
  ].join('\n'),
);

describe('DXY as a causal model', () => {
  it('learns edges from the training records only, with bilingual names and synonyms', () => {
    const m = learnDxyModel(train, parseDxySynonyms('稀便\t拉稀/腹泻/拉肚子\n'));
    expect(m.diseases.map((d) => d.id).sort()).toEqual(['小儿腹泻', '肺炎', '过敏性鼻炎']);
    expect(m.diseases.find((d) => d.id === '肺炎')!.name.en).toBe('Pneumonia');
    expect(m.findings.find((f) => f.id === '稀便')!.synonyms).toEqual(['拉稀', '腹泻', '拉肚子']);
    const edge = (d: string, s: string) => m.edges.find((e) => e.from === d && e.to === s);
    expect(edge('小儿腹泻', '稀便')!.probability).toBeGreaterThan(edge('肺炎', '咳嗽')!.probability * 0.5);
    expect(edge('过敏性鼻炎', '稀便')).toBeUndefined();
    expect(edge('小儿腹泻', '稀便')!.source.edgeId).toBe('dxy:小儿腹泻->稀便');
  });

  it('diagnoses from the explicit symptoms', () => {
    const net = compileNetwork(learnDxyModel(train));
    const known = new Set(net.findings.map((f) => f.id));
    const [r] = parseDxyJsonl(rec('9', '肺炎', { 咳嗽: true, 呼吸困难: true, 不存在的症状: true }));
    const c = dxyExplicitCase(r!, known);
    expect(c.findings.map((f) => f.id)).toEqual(['咳嗽', '呼吸困难']);
    expect(diagnose(net, c, { counterfactual: false }).differential[0]!.id).toBe('肺炎');
  });

  it('learns how often a patient can answer about each symptom, from the implicit slots', () => {
    const rates = dxyAnswerRates(train);
    // 发烧: not self-reported in records 2, 4, 5; an implicit slot (false) in 2 and 5 → (2+1)/(3+2).
    expect(rates['发烧']).toBeCloseTo(3 / 5, 12);
    // 稀便: not self-reported in 3 records, never asked → 1/5.
    expect(rates['稀便']).toBeCloseTo(1 / 5, 12);
  });

  it('names the line of a bad record', () => {
    expect(() => parseDxyJsonl(`${rec('1', 'x', {})}\n{oops`, 'test.jsonl')).toThrow(/test.jsonl line 2/);
  });
});
