import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import { buildReport, reportText } from './report.js';
import type { ConsultContext, StepResult } from './session.js';
import { answerSession, startSession } from './session.js';
import { simulateConsultation } from './simulate.js';

const net = compileNetwork(respiratoryModel);
const ctx: ConsultContext = { net, now: () => '2026-11-25T08:30:00.000Z', policy: { maxQuestions: 6 } };
const start = (complaint: string, lang: 'zh' | 'en', extra: { age?: number; sex?: 'male' | 'female' } = {}) =>
  startSession(ctx, { id: 's1', kb: net.model.id, lang, complaint, age: extra.age ?? 30, sex: extra.sex ?? 'male' });

/** Answers every network question from a truth table, everything else with `other`. */
function play(first: StepResult, truth: Record<string, string>, other: Record<string, string>): StepResult {
  let step = first;
  for (let i = 0; i < 30 && step.state.status === 'active'; i++) {
    const p = step.state.pending!;
    step = answerSession(ctx, step.state, truth[p] ?? other[p] ?? other.default!);
  }
  return step;
}

describe('consultation in Chinese', () => {
  it('reads the complaint, screens red flags first, asks, and ends with a patient-reported report', () => {
    const s = start('咳嗽、发烧3天，全身酸痛', 'zh');
    expect(s.state.present).toEqual(expect.arrayContaining(['cough', 'fever', 'myalgia']));
    expect(s.state.history.duration?.text).toBe('3天');
    expect(s.reply.kind).toBe('question');
    expect(s.state.pending).toBe('screen');
    expect(s.reply.text).toContain('危险情况');
    const afterScreen = answerSession(ctx, s.state, '没有');
    // The duration is known, so the next question comes from the network, not already-answered findings.
    expect(net.questionIndex.has(afterScreen.state.pending!)).toBe(true);
    expect(['cough', 'fever', 'myalgia']).not.toContain(afterScreen.state.pending);
    const end = play(afterScreen, { 'runny-nose': '没有', sputum: '没有', dyspnoea: '没有' }, { default: '不知道', allergies: '青霉素过敏，起皮疹', medications: '没有' });
    expect(end.state.status).toBe('complete');
    expect(end.reply.text).toContain('不是诊断');
    expect(end.reply.text).not.toContain('流行性感冒');
    const report = buildReport(net, end.state, { now: '2026-11-25T08:40:00.000Z' });
    expect(report.label.zh).toContain('患者自述');
    expect(report.allergies.value.zh).toBe('“青霉素过敏，起皮疹”');
    expect(report.medications.value.zh).toBe('否认');
    expect(report.differential[0]!.statement.en).toMatch(/^Influenza/);
    expect(report.differential[0]!.evidence.some((e) => e.sources.some((s) => s.kind === 'patient-reported'))).toBe(true);
    const text = reportText(report, 'zh');
    expect(text).toContain('预问诊报告');
    expect(text).toContain('AI 建议，非诊断');
    expect(text).toContain('主诉：咳嗽、发热、肌肉酸痛 3天');
    expect(text).toContain('患者自述：“咳嗽、发烧3天，全身酸痛”');
    expect(end.state.triage?.level).toBe(4);
  });

  it('stops at once on a red flag in the complaint, with the triage level and a staff alert', () => {
    const s = start('突然胸痛，出冷汗，喘不上气', 'zh', { age: 60 });
    expect(s.reply.kind).toBe('emergency');
    expect(s.state.status).toBe('emergency');
    expect(s.state.redFlags.positive).toEqual(expect.arrayContaining(['chest-pain', 'severe-breathlessness']));
    expect(s.state.triage).toMatchObject({ level: 1, colour: 'red', responseLimitMin: 0 });
    expect(s.state.redFlags.alertAt).toBe('2026-11-25T08:30:00.000Z');
    expect(s.reply.text).toContain('120');
    const report = buildReport(net, s.state);
    expect(report.differential).toEqual([]);
    expect(reportText(report, 'zh')).toContain('⚠ 危险信号阳性');
    expect(() => answerSession(ctx, s.state, '是')).toThrow(/emergency/);
  });

  it('does not fire on a negated red flag', () => {
    const s = start('没有胸痛，咳嗽两天', 'zh');
    expect(s.reply.kind).toBe('question');
    expect(s.state.history.duration?.text).toBe('两天');
  });

  it('routes an infant with fever as an emergency by rule', () => {
    const s = start('宝宝发烧一天', 'zh', { age: 0.1 });
    expect(s.reply.kind).toBe('emergency');
    expect(s.state.redFlags.positive).toEqual(['infant-fever']);
    expect(s.state.triage?.level).toBe(2);
  });
});

describe('consultation in English', () => {
  it('re-prompts on an answer it cannot read and keeps the question', () => {
    const s = start('Runny nose and sneezing for 2 days', 'en');
    expect(s.state.present).toEqual(expect.arrayContaining(['runny-nose', 'sneeze']));
    const bad = answerSession(ctx, s.state, 'maybe later');
    expect(bad.reply.kind).toBe('reprompt');
    expect(bad.reply.text).toMatch(/numbers from 1 to/);
    expect(bad.state.pending).toBe('screen');
    const q = answerSession(ctx, bad.state, 'none');
    expect(q.reply.kind).toBe('question');
    const bad2 = answerSession(ctx, q.state, 'purple');
    expect(bad2.reply.text).toMatch(/"yes", "no" or "don't know"/);
    expect(bad2.state.pending).toBe(q.state.pending);
  });

  it('exits on a red flag chosen in the screen (stroke: level I)', () => {
    const s = start('Headache since this morning', 'en');
    const e = answerSession(ctx, s.state, '3');
    expect(e.reply.kind).toBe('emergency');
    expect(e.state.redFlags.positive).toEqual(['stroke']);
    expect(e.reply.text).toMatch(/Level I: resuscitation/);
    expect(e.state.redFlags.screened.filter((x) => x.result === 'negative').length).toBeGreaterThan(5);
  });

  it('asks women of reproductive age for the last period and records unsure answers to verify', () => {
    const s = start('Cough and fever', 'en', { sex: 'female', age: 28 });
    const end = play(s, {}, { screen: 'none', duration: "don't know", default: "don't know", allergies: 'none', medications: 'ibuprofen 400 mg when needed', lmp: '2 weeks ago, not pregnant' });
    expect(end.state.status).toBe('complete');
    expect(end.state.history.lmp?.text).toBe('2 weeks ago, not pregnant');
    expect(end.state.toVerify.some((v) => v.item.en.startsWith('Duration'))).toBe(true);
    const report = buildReport(net, end.state);
    expect(report.personal[0]!.value.en).toBe('2 weeks ago, not pregnant');
    expect(report.medications.value.en).toBe('"ibuprofen 400 mg when needed"');
    expect(reportText(report, 'en')).toContain('Patient-reported · physician must verify · not a diagnosis');
  });

  it('flags a dangerous disease in the differential with an urgent triage level', () => {
    const s = start('Shortness of breath and a swollen calf after a long flight', 'en', { age: 50 });
    const end = play(s, { travel: 'yes', fever: 'no', cough: 'no', sputum: 'no' }, { screen: 'none', duration: '1 day', default: "don't know", allergies: 'none', medications: 'none' });
    expect(end.state.status).toBe('complete');
    const report = buildReport(net, end.state);
    expect(report.differential[0]!.statement.en).toMatch(/^Pulmonary embolism/);
    expect(end.state.triage?.level).toBe(3);
  });
});

describe('simulated patient', () => {
  it('answers from the case evidence and "don\'t know" otherwise', () => {
    const r = simulateConsultation(ctx, {
      lang: 'zh',
      age: 24,
      sex: 'male',
      complaint: '打喷嚏、流鼻涕一周',
      findings: [{ id: 'sneeze' }, { id: 'runny-nose' }, { id: 'itchy-eyes' }, { id: 'fever', present: false }],
      allergies: '没有',
      medications: '没有',
    });
    expect(r.state.status).toBe('complete');
    expect(r.questions.length).toBeGreaterThan(0);
    expect(r.report.differential[0]!.statement.zh).toMatch(/^过敏性鼻炎/);
    const answers = r.dialogue.filter((d) => d.role === 'patient').map((d) => d.text);
    expect(answers).toContain('不知道');
  });
});
