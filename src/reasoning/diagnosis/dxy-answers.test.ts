import { describe, expect, it } from 'vitest';
import { dxyExplicitCase, learnDxyModel, parseDxyJsonl } from './dxy.js';
import { dxyAnswerGain, learnDxyAnswerModel, runDxyInterview } from './dxy-answers.js';
import { resolveCase } from './evidence.js';
import { compileNetwork } from './network.js';

const rec = (id: string, d: string, explicit: Record<string, boolean>, implicit: Record<string, boolean> = {}) =>
  JSON.stringify({
    consult_id: id,
    disease_tag: d,
    goal: { explicit_inform_slots: explicit, implicit_inform_slots: implicit },
  });
const train = parseDxyJsonl(
  [
    rec('1', '肺炎', { 咳嗽: true }, { 肺部湿啰音: true }),
    rec('2', '肺炎', { 咳嗽: true }, { 肺部湿啰音: true }),
    rec('3', '肺炎', { 咳嗽: true }, { 肺部湿啰音: false }),
    rec('4', '上呼吸道感染', { 咳嗽: true }, { 流涕: true }),
    rec('5', '上呼吸道感染', { 咳嗽: true }, {}),
    rec('6', '上呼吸道感染', { 咳嗽: true }, { 流涕: true }),
  ].join('\n'),
);

describe('DXY answer model (yes / no / not sure)', () => {
  const model = learnDxyAnswerModel(train);

  it('learns P(answer | disease) from the implicit slots, with add-one smoothing', () => {
    const i = model.diseases.indexOf('肺炎');
    const j = model.diseases.indexOf('上呼吸道感染');
    // 肺炎: crackles true in 2, false in 1, never unknown, of 3 → (3, 2, 1) / 6.
    expect(model.table.get('肺部湿啰音')![i]).toEqual([3 / 6, 2 / 6, 1 / 6]);
    // 上呼吸道感染: crackles never discussed → "not sure" is likely, (1, 1, 4) / 6.
    expect(model.table.get('肺部湿啰音')![j]).toEqual([1 / 6, 1 / 6, 4 / 6]);
    // 咳嗽 is self-reported in every record: no record to learn from, uniform.
    expect(model.table.get('咳嗽')![i]).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('computes the exact mutual information of the three-valued answer', () => {
    const pi = [0.5, 0.5];
    const rows = model.table.get('肺部湿啰音')!;
    const h = (ps: number[]) => -ps.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);
    const mix = [0, 1, 2].map((a) => 0.5 * rows[0]![a]! + 0.5 * rows[1]![a]!);
    expect(dxyAnswerGain(model, '肺部湿啰音', pi)).toBeCloseTo(
      h(mix) - 0.5 * h([...rows[0]!]) - 0.5 * h([...rows[1]!]),
      12,
    );
    expect(dxyAnswerGain(model, '咳嗽', pi)).toBeCloseTo(0, 12);
    expect(dxyAnswerGain(model, '不存在', pi)).toBe(0);
  });

  it('reads "not sure" as evidence and stops at the confidence', () => {
    const net = compileNetwork(learnDxyModel(train));
    const known = new Set(net.findings.map((f) => f.id));
    const [r] = parseDxyJsonl(rec('9', '上呼吸道感染', { 咳嗽: true }, { 流涕: true }));
    const start = resolveCase(net, dxyExplicitCase(r!, known));
    const answer = (s: string) => {
      const v = r!.goal.implicit_inform_slots[s];
      return v === undefined ? ('unknown' as const) : v ? ('yes' as const) : ('no' as const);
    };
    const run = runDxyInterview(net, model, start, new Set(['咳嗽']), answer, {
      confidence: 0.9,
      minGain: 0,
      maxQuestions: 5,
    });
    expect(run.diagnosis).toBe('上呼吸道感染');
    expect(run.turns.map((t) => t.symptom)).not.toContain('咳嗽');
    expect(run.turns.length).toBeLessThanOrEqual(5);
    // Each "not sure" about crackles moved the posterior away from pneumonia.
    expect(run.turns.some((t) => t.answer === 'unknown' || t.answer === 'yes')).toBe(true);
    expect(Math.max(...run.posterior)).toBeGreaterThanOrEqual(0.9);
    // With no questions allowed it stops at once.
    expect(
      runDxyInterview(net, model, start, new Set(['咳嗽']), answer, { confidence: 0.9, minGain: 0, maxQuestions: 0 })
        .turns,
    ).toHaveLength(0);
  });
});
