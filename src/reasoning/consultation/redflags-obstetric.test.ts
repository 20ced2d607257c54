import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import { defaultRedFlags, redFlagChecksFor, redFlagsInText, statedIn } from './redflags.js';
import type { ConsultContext, StepResult } from './session.js';
import { answerSession, startSession } from './session.js';

/**
 * Issue 13, third round of the red-flag screen: reduced fetal movements and pre-eclampsia signs late in
 * pregnancy (RCOG GTG 57; ACOG PB 222; NICE NG133; 中华医学会妇产科学分会 2020), the stiff-neck question
 * whenever fever comes with headache, one flag per question in the general screen, the last period and a
 * possible pregnancy asked apart, and a stiff neck without fever (落枕) that must not escalate.
 */
const net = compileNetwork(respiratoryModel);
const ctx: ConsultContext = { net, now: () => '2026-12-06T08:30:00.000Z', policy: { maxQuestions: 6 } };
type Who = { readonly age: number; readonly sex: 'female' | 'male' };
const woman: Who = { age: 31, sex: 'female' };
const man: Who = { age: 30, sex: 'male' };

function dialogue(complaint: string, lang: 'zh' | 'en', answers: readonly string[], who: Who = woman) {
  let step: StepResult = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, ...who });
  const asked: (string | undefined)[] = [step.state.pending];
  const texts = [step.reply.text];
  for (const a of answers) {
    if (step.state.status !== 'active') break;
    step = answerSession(ctx, step.state, a);
    asked.push(step.state.pending);
    texts.push(step.reply.text);
  }
  return { step, asked, texts };
}

/** Plays a session to its end, answering every question with `answer`. */
function toEnd(complaint: string, lang: 'zh' | 'en', answer: string, who: Who = woman) {
  let step = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, ...who });
  const asked: string[] = [];
  for (let i = 0; i < 40 && step.state.status === 'active'; i++) {
    asked.push(step.state.pending!);
    step = answerSession(ctx, step.state, answer);
  }
  return { step, asked };
}

describe('reduced fetal movements', () => {
  it.each([
    ['怀孕七个多月，今天感觉不到胎动了', 'zh'],
    ['孕33周，胎动比平时少了很多', 'zh'],
    ['怀孕30周，肚子里的宝宝今天不怎么动', 'zh'],
    ['34 weeks pregnant and the baby is moving less today', 'en'],
    ["I'm 36 weeks and I haven't felt the baby move since last night", 'en'],
  ] as const)('stops at once on "%s"', (complaint, lang) => {
    const s = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, ...woman });
    expect(s.reply.kind).toBe('emergency');
    expect(s.state.redFlags.positive).toContain('reduced-fetal-movements');
    expect(s.reply.emergency?.message).toMatch(/胎动|baby moving less/);
  });

  it('does not fire on movements said to be normal', () => {
    expect(redFlagsInText('怀孕32周，胎动挺好的，就是腰酸').map((f) => f.id)).not.toContain('reduced-fetal-movements');
    expect(redFlagsInText('胎动不少，就是睡不好').map((f) => f.id)).not.toContain('reduced-fetal-movements');
    expect(redFlagsInText('没有胎动减少').map((f) => f.id)).not.toContain('reduced-fetal-movements');
  });

  it('is asked as one question late in pregnancy, and a yes reaches the exit', () => {
    const { step, asked } = dialogue('怀孕30周，肚子有点发紧', 'zh', ['没有', '没有', '是']);
    expect(asked.slice(0, 3)).toEqual([
      'rf:pregnancy-bleeding-pain/bleeding',
      'rf:pregnancy-bleeding-pain/abdominal-pain',
      'rf:reduced-fetal-movements',
    ]);
    expect(step.reply.kind).toBe('emergency');
    expect(step.state.redFlags.positive).toEqual(['reduced-fetal-movements']);
  });
});

describe('pre-eclampsia signs after 20 weeks', () => {
  it.each([
    ['怀孕32周，这两天头疼眼花', 'zh'],
    ['孕晚期，看东西模糊，眼前冒金星', 'zh'],
    ['怀孕八个月，今天脸和手突然肿了', 'zh'],
    ["I'm 30 weeks pregnant and my vision is blurry", 'en'],
    ['bad headache, 35 weeks pregnant', 'en'],
  ] as const)('stops at once on "%s"', (complaint, lang) => {
    const s = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, ...woman });
    expect(s.reply.kind).toBe('emergency');
    expect(s.state.redFlags.positive).toContain('pre-eclampsia');
  });

  it('asks headache, vision and swelling one at a time for swollen feet at 34 weeks, and exits on the one said yes', () => {
    const { step, asked } = dialogue('怀孕34周，脚有点肿', 'zh', ['没有', '是']);
    expect(step.state.status).toBe('emergency');
    expect(asked.slice(0, 2)).toEqual(['rf:pre-eclampsia/headache', 'rf:pre-eclampsia/vision']);
    expect(step.state.redFlags.screened.at(-1)).toMatchObject({ id: 'pre-eclampsia', item: 'vision' });
    expect(step.reply.emergency?.message).toContain('看东西模糊');
  });

  it('does not ask about it early in pregnancy, and asks "past 20 weeks?" alone when the weeks are not told', () => {
    const early = dialogue('怀孕10周，头疼', 'zh', ['没有', '没有', '没有', '没有']);
    expect(early.asked.some((p) => p?.startsWith('rf:pre-eclampsia'))).toBe(false);
    expect(early.step.state.redFlags.screened).toContainEqual(
      expect.objectContaining({ id: 'pre-eclampsia', result: 'negative' }),
    );
    const told = dialogue('怀孕了，这几天头疼', 'zh', ['是']);
    expect(told.asked[0]).toBe('rf:pre-eclampsia');
    expect(told.texts[0]).toBe('您现在怀孕超过20周（5个月）了吗？');
    // Past 20 weeks: the headache the complaint states is the sign.
    expect(told.step.reply.kind).toBe('emergency');
    expect(told.step.state.redFlags.positive).toEqual(['pre-eclampsia']);
  });

  it('reads the weeks as the answer to "past 20 weeks?"', () => {
    const check = defaultRedFlags().flags.find((f) => f.id === 'pre-eclampsia')!.check!;
    expect(statedIn('怀孕26周', check.stated, check.statedNo)).toBe('yes');
    expect(statedIn('孕12周', check.stated, check.statedNo)).toBe('no');
    expect(statedIn('8 weeks pregnant', check.stated, check.statedNo)).toBe('no');
    expect(statedIn('pregnant', check.stated, check.statedNo)).toBeUndefined();
  });
});

describe('fever with headache: the stiff-neck question is always asked', () => {
  it('keeps the meningism check even when three more urgent flags fit the complaint', () => {
    const flags = redFlagChecksFor('发烧头疼两天，有点咳嗽，头晕').map((f) => f.id);
    expect(flags).toContain('fever-rash');
    expect(flags).toHaveLength(3);
    expect(redFlagChecksFor('fever and a headache since yesterday, coughing, dizzy').map((f) => f.id)).toContain(
      'fever-rash',
    );
    // Without a headache the cap decides as before.
    expect(redFlagChecksFor('头疼两天，头晕').map((f) => f.id)).not.toContain('fever-rash');
  });

  it('asks the stiff neck first, one sign per question, and exits on a yes', () => {
    const { step, asked, texts } = dialogue('发烧头疼两天，有点咳嗽，头晕', 'zh', ['脖子有点硬'], man);
    expect(asked[0]).toBe('rf:fever-rash/stiff-neck');
    expect(texts[0]).toMatch(/脖子/);
    expect(step.reply.kind).toBe('emergency');
    expect(step.state.redFlags.screened.at(-1)).toMatchObject({ id: 'fever-rash', item: 'stiff-neck' });
  });
});

describe('a stiff neck without fever (落枕) does not escalate', () => {
  it.each([
    ['落枕了，脖子僵硬，不发烧', 'zh', '没有'],
    ['早上起来脖子僵，转不了头，没发烧', 'zh', '没有'],
    ['stiff neck from sleeping funny, no fever', 'en', 'no'],
  ] as const)('"%s" plays to the end with no emergency', (complaint, lang, no) => {
    expect(redFlagsInText(complaint)).toEqual([]);
    const { step } = toEnd(complaint, lang, no, man);
    expect(step.state.status).toBe('complete');
    expect(step.state.redFlags.positive).toEqual([]);
  });

  it('still escalates a stiff neck with fever', () => {
    expect(redFlagsInText('发高烧，脖子硬得低不下头').map((f) => f.id)).toEqual(['fever-rash']);
    expect(redFlagsInText('stiff neck and a fever of 39').map((f) => f.id)).toEqual(['fever-rash']);
  });
});

describe('one thing per question', () => {
  it('splits the general safety screen into one question per flag, within 10–15 questions in all', () => {
    const general = defaultRedFlags().general!.checks;
    expect(general.map((c) => c.flag)).toEqual(['chest-pain', 'severe-breathlessness', 'stroke', 'major-bleeding']);
    const { step, asked } = toEnd('流鼻涕打喷嚏两天', 'zh', '没有', man);
    expect(asked.slice(0, 4)).toEqual(general.map((c) => `rf:${c.flag}`));
    expect(step.state.status).toBe('complete');
    expect(step.state.answers.length).toBeGreaterThanOrEqual(10);
    expect(step.state.answers.length).toBeLessThanOrEqual(15);
    const turns = step.state.answers.filter((a) => a.question.startsWith('rf:'));
    expect(turns.map((a) => a.question)).toEqual(general.map((c) => `rf:${c.flag}`));
  });

  it('asks a general-screen "don\'t know" once more, and a second one stays positive', () => {
    const once = dialogue('流鼻涕打喷嚏两天', 'zh', ['没有', '不知道'], man);
    expect(once.step.reply.kind).toBe('reprompt');
    expect(once.step.state.pending).toBe('rf:severe-breathlessness');
    const twice = dialogue('流鼻涕打喷嚏两天', 'zh', ['没有', '不知道', '不确定'], man);
    expect(twice.step.reply.kind).toBe('emergency');
    expect(twice.step.state.redFlags.positive).toEqual(['severe-breathlessness']);
  });

  it('asks the last period and a possible pregnancy as two questions, the second only when not yet told', () => {
    const { step, asked, texts } = dialogue('流鼻涕打喷嚏两天', 'zh', Array(16).fill('没有'));
    const lmp = asked.indexOf('lmp');
    expect(lmp).toBeGreaterThan(0);
    expect(texts[lmp]).not.toMatch(/怀孕/);
    expect(asked[lmp + 1]).toBe('pregnancy');
    expect(texts[lmp + 1]).toMatch(/怀孕/);
    expect(step.state.status).toBe('complete');
    let told = startSession(ctx, { id: 's', kb: net.model.id, lang: 'zh', complaint: '流鼻涕打喷嚏两天', ...woman });
    const toldAsked: string[] = [];
    for (let i = 0; i < 40 && told.state.status === 'active'; i++) {
      toldAsked.push(told.state.pending!);
      told = answerSession(ctx, told.state, told.state.pending === 'lmp' ? '上个月15号，不可能怀孕' : '没有');
    }
    expect(told.state.status).toBe('complete');
    expect(toldAsked).toContain('lmp');
    expect(toldAsked).not.toContain('pregnancy');
  });
});
