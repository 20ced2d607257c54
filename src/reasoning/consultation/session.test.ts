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
    const key = p.startsWith('rf:') ? 'screen' : p;
    step = answerSession(ctx, step.state, truth[p] ?? other[key] ?? other.default!);
  }
  return step;
}

describe('consultation in Chinese', () => {
  it('reads the complaint, checks the red flags that fit it first, asks in plain words, and ends with a patient-reported report', () => {
    const s = start('咳嗽、发烧3天，全身酸痛', 'zh');
    expect(s.state.present).toEqual(expect.arrayContaining(['cough', 'fever', 'myalgia']));
    expect(s.state.history.duration?.text).toBe('3天');
    expect(s.reply.kind).toBe('question');
    // Two or three yes/no checks that fit a cough with fever, never the numbered list.
    expect(s.state.plan!.checks.length).toBeGreaterThanOrEqual(2);
    expect(s.state.plan!.checks.length).toBeLessThanOrEqual(3);
    expect(s.state.plan!.checks).toContain('rf:severe-breathlessness');
    expect(s.reply.text).not.toMatch(/\n\s*1\./);
    expect(s.reply.choices?.map((c) => c.value)).toEqual(['是', '没有', '不确定']);
    expect(s.reply.progress).toEqual({ asked: 0, expected: expect.any(Number) });
    let step = s;
    while (step.state.pending?.startsWith('rf:')) step = answerSession(ctx, step.state, '没有');
    expect(step.state.redFlags.screened.every((x) => x.result === 'negative')).toBe(true);
    // The duration is known: the main complaint's slots come next, then the network's questions.
    expect(['site', 'severity', 'timing']).toContain(step.state.pending);
    const end = play(
      step,
      { 'runny-nose': '有点黄痰', sputum: '没有', dyspnoea: '没有' },
      {
        default: '不知道',
        severity: '挺难受的',
        timing: '一直持续',
        allergies: '青霉素过敏，起皮疹',
        medications: '没有',
      },
    );
    expect(end.state.status).toBe('complete');
    expect(end.reply.text).toContain('不是诊断');
    expect(end.reply.text).not.toContain('流行性感冒');
    expect(end.state.answers.length).toBeLessThanOrEqual(15);
    const report = buildReport(net, end.state, { now: '2026-11-25T08:40:00.000Z' });
    expect(report.label.zh).toContain('患者自述');
    expect(report.allergies.value.zh).toBe('“青霉素过敏，起皮疹”');
    expect(report.medications.value.zh).toBe('否认');
    expect(report.differential[0]!.statement.en).toMatch(/^Influenza/);
    expect(report.differential[0]!.evidence.some((e) => e.sources.some((s) => s.kind === 'patient-reported'))).toBe(
      true,
    );
    const text = reportText(report, 'zh');
    expect(text).toContain('预问诊报告');
    expect(text).toContain('AI 建议，非诊断');
    expect(text).toContain('主诉：咳嗽、发热、肌肉酸痛 3天');
    expect(text).toContain('患者自述：“咳嗽、发烧3天，全身酸痛”');
    expect(text).toContain('程度：“挺难受的”');
    expect(end.state.triage?.level).toBe(4);
  });

  it('stops at once on a red flag in the complaint, with the triage level and a staff alert', () => {
    const s = start('突然胸痛，出冷汗，喘不上气', 'zh', { age: 60 });
    expect(s.reply.kind).toBe('emergency');
    expect(s.state.status).toBe('emergency');
    expect(s.state.redFlags.positive).toEqual(['chest-pain']);
    // The triage level is for the clinician; the patient gets plain words, the number, and no claim that staff were told.
    expect(s.state.triage).toMatchObject({ level: 2, colour: 'red', responseLimitMin: 10 });
    expect(s.state.redFlags.alertAt).toBe('2026-11-25T08:30:00.000Z');
    expect(s.reply.emergency).toEqual({
      message: expect.stringContaining('拨打 120'),
      callNumber: '120',
      staffNotified: false,
    });
    expect(s.reply.text).not.toMatch(/Ⅱ级|红区|分诊|已通知医护人员/);
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
  it('re-asks a red-flag check once on an off-topic answer, then reads free text', () => {
    const s = start('Runny nose and sneezing for 2 days', 'en');
    expect(s.state.present).toEqual(expect.arrayContaining(['runny-nose', 'sneeze']));
    // No flag fits a runny nose: the general screen, one flag per question.
    expect(s.state.plan?.general).toBe(true);
    expect(s.state.pending).toBe('rf:chest-pain');
    const bad = answerSession(ctx, s.state, 'what time is my appointment');
    expect(bad.reply.kind).toBe('reprompt');
    expect(bad.state.pending).toBe('rf:chest-pain');
    let q = answerSession(ctx, bad.state, 'no');
    expect(q.reply.kind).toBe('question');
    expect(q.state.pending).toBe('rf:severe-breathlessness');
    while (q.state.pending?.startsWith('rf:')) q = answerSession(ctx, q.state, 'no');
    expect(q.state.redFlags.screened.map((x) => x.result)).toEqual(['negative', 'negative', 'negative', 'negative']);
  });

  it('settles a danger sign the patient already stated before asking the one queued ahead of it', () => {
    // Fever is stated, so the fever-rash follow-ups are queued: stiff neck first, then the rash. The rash is
    // stated too ("紫色的斑"), so it decides at once; the stiff-neck question is never put first.
    let s = start('孩子发烧两天，身上起了紫色的斑', 'zh', { age: 3 });
    for (let i = 0; i < 10 && s.reply.kind === 'question'; i++) {
      expect(s.state.pending).not.toBe('rf:fever-rash/stiff-neck');
      s = answerSession(ctx, s.state, s.state.pending === 'rf:fever-rash' ? '是' : '没有');
    }
    expect(s.reply.kind).toBe('emergency');
    expect(s.state.redFlags.positive).toContain('fever-rash');
    // A rash that does not blanch is the flag itself, fever or not yet (NICE NG240).
    const en = start("my toddler's got a blotchy rash that won't blanch", 'en', { age: 2 });
    expect(en.reply.kind).toBe('emergency');
  });

  it('exits on a yes to a red-flag check that fits the complaint (stroke: level I), in plain words', () => {
    const s = start('Headache since this morning', 'en');
    expect(s.state.plan!.checks).toEqual(expect.arrayContaining(['rf:stroke', 'rf:thunderclap-headache']));
    let step = s;
    while (step.state.pending !== 'rf:stroke') step = answerSession(ctx, step.state, 'no');
    const e = answerSession(ctx, step.state, 'yes, my arm feels weak');
    expect(e.reply.kind).toBe('emergency');
    expect(e.state.redFlags.positive).toEqual(['stroke']);
    expect(e.state.triage?.level).toBe(1);
    expect(e.reply.text).not.toMatch(/Level I|resuscitation|red zone|Staff have been alerted/);
    expect(e.reply.emergency?.callNumber).toBe('120');
  });

  it('takes the emergency number from the context', () => {
    const e = startSession(
      { ...ctx, callNumber: '999' },
      { id: 's2', kb: net.model.id, lang: 'en', complaint: 'crushing chest pressure and sweating' },
    );
    expect(e.reply.emergency).toMatchObject({ callNumber: '999', staffNotified: false });
    expect(e.reply.text).toContain('Call 999 now');
  });

  it('asks women of reproductive age for the last period and records unsure answers to verify', () => {
    const s = start('Cough and fever', 'en', { sex: 'female', age: 28 });
    const end = play(
      s,
      {},
      {
        screen: 'no',
        duration: "don't know",
        default: "don't know",
        allergies: 'none',
        medications: 'ibuprofen 400 mg when needed',
        lmp: '2 weeks ago, not pregnant',
      },
    );
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
    const end = play(
      s,
      { travel: 'yes', fever: 'no', cough: 'no', sputum: 'no' },
      { screen: 'no', duration: '1 day', default: "don't know", allergies: 'none', medications: 'none' },
    );
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

describe('red flags first, from every utterance', () => {
  /** Plays a patient: the complaint, then the given answers; whatever else is asked gets "no". */
  const reaches = (
    complaint: string,
    lang: 'zh' | 'en',
    answers: string[],
    extra: { age?: number; sex?: 'male' | 'female' } = {},
  ) => {
    let step = start(complaint, lang, extra);
    for (const a of answers) {
      if (step.state.status !== 'active') break;
      step = answerSession(ctx, step.state, a);
    }
    return step;
  };
  const emergencies: [string, 'zh' | 'en', string[], { age?: number; sex?: 'male' | 'female' }?][] = [
    ['胸口疼', 'zh', []],
    ['胸口像压了块大石头，出冷汗', 'zh', []],
    ['头疼', 'zh', ['一辈子没这么疼过']],
    ['我爸突然说话不清楚，一边手没劲', 'zh', []],
    ['怀孕32周，下面出血', 'zh', [], { sex: 'female', age: 29 }],
    ['I have crushing chest pressure', 'en', []],
    ['胸口闷', 'zh', ['是']],
    ['有点喘不上气', 'zh', ['有一点']],
    ['头疼两天', 'zh', ['不确定']],
    ['肚子疼', 'zh', ['没有', '拉的大便是黑的，站起来头晕']],
    ['最近心情很差，睡不着', 'zh', ['有时候觉得活着没意思']],
    ['胸口闷得慌，出了一身冷汗', 'zh', []],
    ['my chest feels like an elephant is sitting on it and I am sweating', 'en', []],
    ['孩子两个月大，发烧38度5', 'zh', []],
  ];
  for (const [c, lang, answers, extra] of emergencies) {
    it(`reaches the emergency exit within the complaint and two answers: ${c} ${answers.join(' / ')}`, () => {
      const e = reaches(c, lang, answers, extra);
      expect(e.reply.kind).toBe('emergency');
      expect(e.reply.emergency?.staffNotified).toBe(false);
      expect(e.state.answers.length + (e.state.redFlags.positive.length ? 0 : 1)).toBeLessThanOrEqual(2);
    });
  }

  it('asks (does not escalate) when breathlessness is only a little', () => {
    const s = start('有点喘不上气', 'zh');
    expect(s.reply.kind).toBe('question');
    expect(s.state.pending).toBe('rf:severe-breathlessness');
    const n = answerSession(ctx, s.state, '没有，能说话');
    expect(n.reply.kind).toBe('question');
    expect(n.state.redFlags.positive).toEqual([]);
  });

  for (const c of [
    '膝盖疼两周',
    '流鼻涕、打喷嚏三天',
    '嗓子有点疼，两天了',
    'Sore throat and a runny nose since Monday',
  ]) {
    it(`no emergency and 10–15 questions for a benign complaint answered plainly: ${c}`, () => {
      const lang = /[a-z]/i.test(c) ? 'en' : 'zh';
      const end = play(
        start(c, lang),
        {},
        {
          screen: lang === 'zh' ? '没有' : 'no',
          default: lang === 'zh' ? '没有' : 'no',
          duration: lang === 'zh' ? '两天' : '2 days',
        },
      );
      expect(end.state.status).toBe('complete');
      expect(end.state.answers.length).toBeGreaterThanOrEqual(5);
      expect(end.state.answers.length).toBeLessThanOrEqual(15);
    });
  }
});

describe('one red flag per question', () => {
  const woman = { sex: 'female' as const, age: 28 };
  /** The questions asked in order, answering each with the next of `answers`. */
  const dialogue = (complaint: string, lang: 'zh' | 'en', answers: string[]) => {
    let step = start(complaint, lang, woman);
    const asked = [step.state.pending];
    for (const a of answers) {
      if (step.state.status !== 'active') break;
      step = answerSession(ctx, step.state, a);
      asked.push(step.state.pending);
    }
    return { step, asked };
  };

  it('asks "pregnant?" alone, and nothing about bleeding when she is not', () => {
    const { step, asked } = dialogue('下面出血两天', 'zh', ['没有']);
    expect(asked[0]).toBe('rf:pregnancy-bleeding-pain');
    expect(start('下面出血两天', 'zh', woman).reply.text).toMatch(/怀孕/);
    expect(start('下面出血两天', 'zh', woman).reply.text).not.toMatch(/出血|肚子/);
    expect(step.state.status).toBe('active');
    expect(asked[1]).not.toMatch(/^rf:pregnancy/);
    expect(step.state.redFlags.screened).toEqual([
      expect.objectContaining({ id: 'pregnancy-bleeding-pain', result: 'negative' }),
    ]);
  });

  it('asks bleeding, then pain, one at a time, once the patient says she is pregnant, and clears both on two noes', () => {
    const { step, asked } = dialogue('怀孕8周了，想咨询一下', 'zh', ['没有', '没有']);
    // "怀孕8周" already answers "are you pregnant?": not asked again.
    expect(asked.slice(0, 3)).toEqual([
      'rf:pregnancy-bleeding-pain/bleeding',
      'rf:pregnancy-bleeding-pain/abdominal-pain',
      expect.not.stringMatching(/^rf:pregnancy/),
    ]);
    expect(step.state.status).toBe('active');
    expect(step.state.redFlags.positive).toEqual([]);
    expect(step.state.redFlags.screened.filter((s) => s.id === 'pregnancy-bleeding-pain')).toEqual([
      expect.objectContaining({ result: 'negative' }),
    ]);
  });

  it('exits on a yes to one sign, naming that sign only', () => {
    const { step } = dialogue('I am 8 weeks pregnant', 'en', ['no bleeding', 'yes, cramps low down']);
    expect(step.reply.kind).toBe('emergency');
    expect(step.state.redFlags.screened.find((s) => s.result === 'positive')).toMatchObject({
      id: 'pregnancy-bleeding-pain',
      item: 'abdominal-pain',
    });
    expect(step.reply.emergency?.message).toContain('tummy pain in pregnancy');
    expect(step.reply.emergency?.message).not.toContain('bleeding');
  });

  it('counts an unsure answer to "pregnant?" as yes, and a sign the complaint already states as positive', () => {
    const { step } = dialogue('下面出血两天', 'zh', ['不确定']);
    expect(step.reply.kind).toBe('emergency');
    expect(step.state.redFlags.screened.at(-1)).toMatchObject({
      id: 'pregnancy-bleeding-pain',
      item: 'bleeding',
      result: 'positive',
    });
    expect(step.state.toVerify.some((v) => (v.item.zh ?? '').includes('不确定'))).toBe(true);
  });

  it('does not ask about a fever the patient has denied, and asks neck and rash separately when she has one', () => {
    const noFever = dialogue('身上起了疹子，不发烧', 'zh', ['没有', '没有']);
    expect(noFever.asked.some((p) => p?.startsWith('rf:fever-rash'))).toBe(false);
    expect(noFever.step.state.redFlags.screened).toContainEqual(
      expect.objectContaining({ id: 'fever-rash', result: 'negative', via: 'complaint' }),
    );
    const rash = dialogue('身上起了好多疹子，发烧38度5', 'zh', ['没有', '没有', '没有', '没有']);
    const fever = rash.asked.filter((p) => p?.startsWith('rf:fever-rash'));
    // The complaint names the rash: its sign comes before the stiff neck (session-order.test.ts).
    expect(fever).toEqual(['rf:fever-rash/non-blanching-rash', 'rf:fever-rash/stiff-neck']);
  });

  it('keeps the pending question with its tappable choices and progress in the state, and drops it at the end', () => {
    const s = start('膝盖疼两周', 'zh');
    let step = s;
    while (step.state.pending?.startsWith('rf:')) step = answerSession(ctx, step.state, '没有');
    expect(step.state.pending).toBe('site');
    expect(step.reply.choices?.length).toBeGreaterThan(2);
    expect(step.state.prompt).toEqual({
      kind: 'question',
      text: step.reply.text,
      choices: step.reply.choices,
      progress: step.reply.progress,
    });
    const again = answerSession(ctx, step.state, '');
    expect(again.state.prompt).toMatchObject({ kind: 'reprompt', choices: step.reply.choices });
    step = play(step, {}, { default: '没有', duration: '两周' });
    expect(step.state.status).toBe('complete');
    expect(step.state.prompt).toBeUndefined();
  });
});

describe('red-flags.json', () => {
  it('asks one thing per check: follow-ups have a question and plain words in both languages, and their words compile', async () => {
    const { defaultRedFlags, statedIn } = await import('./redflags.js');
    const flags = defaultRedFlags().flags;
    const gated = flags.filter((f) => f.followUps?.length);
    expect(gated.map((f) => f.id).sort()).toEqual([
      'black-stool',
      'fever-rash',
      'pre-eclampsia',
      'pregnancy-bleeding-pain',
    ]);
    for (const f of gated) {
      expect(f.check?.stated?.zh.length).toBeGreaterThan(0);
      for (const u of f.followUps!) {
        expect(
          [u.question.zh, u.question.en, u.plain.zh, u.plain.en].every((x) => typeof x === 'string' && x.length > 0),
        ).toBe(true);
        for (const p of [...(u.stated?.zh ?? []), ...(u.stated?.en ?? [])])
          expect(() => new RegExp(p, 'iu')).not.toThrow();
      }
    }
    const pregnant = gated.find((f) => f.id === 'pregnancy-bleeding-pain')!.check!.stated;
    expect(statedIn('怀孕12周了', pregnant)).toBe('yes');
    expect(statedIn('不可能怀孕', pregnant)).toBe('no');
    expect(statedIn("I'm not pregnant", pregnant)).toBe('no');
    expect(statedIn('月经推迟一周了', pregnant)).toBe('yes');
    expect(statedIn('头疼', pregnant)).toBeUndefined();
  });
});
