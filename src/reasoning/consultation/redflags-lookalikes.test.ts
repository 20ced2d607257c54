import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import { redFlagChecksFor, redFlagsDeferred, redFlagsInText } from './redflags.js';
import type { ConsultContext, StepResult } from './session.js';
import { answerSession, startSession } from './session.js';

/**
 * Issue 13, "red flags first": look-alikes that must not reach the emergency exit on their own words, and
 * their dangerous twins that must. Degree intensifiers ("累得要死") are not intent; a past, resolved event
 * is history; black stool is an emergency with signs of blood loss or haematemesis (Glasgow-Blatchford);
 * chest-wall pain reproduced by pressing after exertion gets the chest-pain check, not the exit. Each
 * deferred flag is still asked, and an unsure answer to it is positive.
 */
const net = compileNetwork(respiratoryModel);
const ctx: ConsultContext = { net, now: () => '2026-12-06T08:30:00.000Z', policy: { maxQuestions: 6 } };
type Who = { readonly age: number; readonly sex: 'female' | 'male' };
const adult: Who = { age: 35, sex: 'male' };
const child: Who = { age: 6, sex: 'male' };

function dialogue(complaint: string, lang: 'zh' | 'en', answers: readonly string[], who: Who = adult) {
  let step: StepResult = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, ...who });
  const asked: (string | undefined)[] = [step.state.pending];
  for (const a of answers) {
    if (step.state.status !== 'active') break;
    step = answerSession(ctx, step.state, a);
    asked.push(step.state.pending);
  }
  return { step, asked };
}

const ids = (text: string) => redFlagsInText(text).map((f) => f.id);

describe('degree intensifiers are not suicidal intent', () => {
  it.each([['这周加班忙得要死，腰也酸'], ['屋里闷，热死我了'], ['牙疼死了，吃不下饭'], ['天天带娃困得半死']])(
    '"%s" states no self-harm flag',
    (text) => {
      expect(ids(text)).not.toContain('self-harm');
    },
  );

  it.each([
    ['活得太累了，真想死'],
    ['撑不下去了，不想活了'],
    ['觉得活着没意思'],
    ['还不如死了算了'],
    ['有时候想一了百了'],
    ['疼得想死'],
    ["I can't do this anymore, I want to end it all"],
    ["they'd all be better off without me"],
    ['I keep thinking about killing myself'],
  ])('"%s" is an immediate handover', (complaint) => {
    const lang = /[a-z]/i.test(complaint) ? 'en' : 'zh';
    const s = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, ...adult });
    expect(s.reply.kind).toBe('emergency');
    expect(s.state.redFlags.positive).toContain('self-harm');
  });

  it('an emotional intensifier asks the self-harm check first; an unsure answer hands over', () => {
    const calm = dialogue('最近心里烦得要死，老是睡不着', 'zh', ['没有']);
    expect(calm.asked[0]).toBe('rf:self-harm');
    expect(calm.step.state.status).toBe('active');
    const unsure = dialogue('最近心里烦得要死，老是睡不着', 'zh', ['说不好']);
    expect(unsure.step.reply.kind).toBe('emergency');
    expect(unsure.step.state.redFlags.positive).toContain('self-harm');
  });

  it('severe pain said with an intensifier stays chest pain', () => {
    expect(ids('胸口疼得要死')).toContain('chest-pain');
    expect(ids('搬东西拉伤了胸口肌肉，胸口按着疼，现在疼得要死')).toContain('chest-pain');
  });
});

describe('past, resolved events are history', () => {
  it.each([
    ['孩子四岁那年发烧惊厥过一次，小时候的事了，这次来打疫苗', 'zh'],
    ['我小时候惊厥过，好多年没有犯过，来体检', 'zh'],
    ['she had a seizure with a fever as a toddler, fine since, here for a form', 'en'],
    ['history of febrile convulsions, here for vaccinations', 'en'],
  ] as const)('"%s" asks the seizure check and carries on after a no', (complaint, lang) => {
    expect(ids(complaint)).not.toContain('altered-consciousness');
    expect(redFlagsDeferred(complaint).map((f) => f.id)).toContain('altered-consciousness');
    const { step, asked } = dialogue(complaint, lang, [lang === 'zh' ? '没有' : 'no'], child);
    expect(asked[0]).toBe('rf:altered-consciousness');
    expect(step.state.status).toBe('active');
  });

  it('an unsure answer to the seizure check is positive', () => {
    const { step } = dialogue('history of febrile convulsions, here for vaccinations', 'en', ["don't know"], child);
    expect(step.reply.kind).toBe('emergency');
  });

  it.each([
    ['孩子以前高热惊厥过，刚刚又抽了', 'zh'],
    ['宝宝刚才突然抽起来了，叫不应', 'zh'],
    ['he had febrile seizures as a baby and is having one again right now', 'en'],
    ['my boy just had a fit at school', 'en'],
    ['去年吐过血，今天又吐了', 'zh'],
    ['history of angina with chest pain', 'en'],
  ] as const)('a current event still exits at once: "%s"', (complaint, lang) => {
    const s = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, ...child });
    expect(s.reply.kind).toBe('emergency');
  });

  it('leaves a cigarette, a blood test and a cramp alone', () => {
    for (const t of ['刚才抽了一根烟', '刚刚抽了血，有点晕针', '刚才小腿抽筋了'])
      expect(ids(t)).not.toContain('altered-consciousness');
  });
});

describe('black stool', () => {
  it.each([
    ['这两天大便黑黑的', 'zh'],
    ['拉了两次黑便', 'zh'],
    ['my poo has been black since yesterday', 'en'],
  ] as const)(
    '"%s", with nothing to explain it, exits at once (sensitivity first: no blood count at home)',
    (complaint, lang) => {
      expect(ids(complaint)).toContain('major-bleeding');
      expect(dialogue(complaint, lang, []).step.reply.kind).toBe('emergency');
    },
  );

  it.each([
    ['吃了毛血旺以后大便黑了，别的都好', 'zh'],
    ['补铁一个月，大便一直是黑色的', 'zh'],
    ['stools turned black after bismuth tablets for my stomach', 'en'],
    ['black stool since I began ferrous sulfate', 'en'],
  ] as const)('"%s" asks the danger signs one at a time instead of the exit', (complaint, lang) => {
    expect(ids(complaint)).toEqual([]);
    const no = lang === 'zh' ? '没有' : 'no';
    const { step, asked } = dialogue(complaint, lang, [no, no, no]);
    expect(asked.slice(0, 3)).toEqual(['rf:black-stool/faint', 'rf:black-stool/haematemesis', 'rf:black-stool/shock']);
    expect(step.state.status).toBe('active');
    expect(step.state.redFlags.screened).toContainEqual(
      expect.objectContaining({ id: 'black-stool', result: 'negative' }),
    );
  });

  it.each([
    ['有点', 'zh'],
    ['不知道', 'zh'],
  ] as const)('an ambiguous answer ("%s") to a danger sign reaches the exit', (answer, lang) => {
    const { step } = dialogue('这两天吃补铁的药，大便黑黑的', lang, [answer]);
    expect(step.reply.kind).toBe('emergency');
    expect(step.state.redFlags.positive).toContain('black-stool');
  });

  it('a danger sign answered yes later still reaches the exit', () => {
    const { step } = dialogue('吃了猪血，大便发黑', 'zh', ['没有', '吐过一点咖啡色的东西']);
    expect(step.reply.kind).toBe('emergency');
  });

  it.each([
    ['大便发黑，起床的时候眼前一黑差点晕倒', 'zh'],
    ['拉了两次黑便，出虚汗，心慌', 'zh'],
    ['吃过猪血，可是大便黑还吐了血', 'zh'],
    ['black poo and I passed out in the bathroom', 'en'],
    ['on iron pills but my stools are black and my heart is racing', 'en'],
    ['stool is black and tarry', 'en'],
    ['拉的大便像柏油一样', 'zh'],
  ] as const)('"%s" exits at once', (complaint, lang) => {
    const s = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, ...adult });
    expect(s.reply.kind).toBe('emergency');
  });

  it('denied signs are settled from the complaint without asking', () => {
    const { asked } = dialogue('吃了鸭血，大便有点黑，不头晕，也没吐血', 'zh', ['没有']);
    expect(asked[0]).toBe('rf:black-stool/shock');
  });
});

describe('chest-wall pain reproduced by pressing after exertion', () => {
  it.each([
    ['打完羽毛球胸肌疼，一摁就疼', 'zh'],
    ['搬家扛柜子，胸口疼，是肌肉拉伤了，按着痛', 'zh'],
    ['my pecs hurt after push-ups, tender when I press them, chest pain only on touching', 'en'],
  ] as const)('"%s" asks the chest-pain check first instead of the exit', (complaint, lang) => {
    expect(ids(complaint)).not.toContain('chest-pain');
    expect(redFlagChecksFor(complaint)[0]?.id).toBe('chest-pain');
    const { step, asked } = dialogue(complaint, lang, [lang === 'zh' ? '没有' : 'no']);
    expect(asked[0]).toBe('rf:chest-pain');
    expect(step.state.status).toBe('active');
  });

  it('an unsure answer to the chest-pain check is positive', () => {
    const { step } = dialogue('打完羽毛球胸肌疼，一摁就疼', 'zh', ['好像有一点']);
    expect(step.reply.kind).toBe('emergency');
  });

  it.each([
    ['健身以后胸口肌肉疼，按着疼，还一直出冷汗', 'zh'],
    ['搬东西后胸口肌肉按着疼，现在胸口发闷', 'zh'],
    ['练完胸胸口疼，一按就疼，疼到左边胳膊', 'zh'],
    ['chest pain after lifting, the muscle is tender to press, and it spreads to my jaw', 'en'],
    ["gym yesterday, chest muscle tender when pressed, but now my chest feels heavy and I'm sweaty", 'en'],
  ] as const)('a danger feature keeps the exit: "%s"', (complaint, lang) => {
    const s = startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, ...adult });
    expect(s.reply.kind).toBe('emergency');
    expect(s.state.redFlags.positive).toContain('chest-pain');
  });

  it('chest pain without pressing or without exertion is not a look-alike', () => {
    expect(ids('胸口肌肉疼了一上午')).toContain('chest-pain');
    expect(ids('chest pain, it hurts when I press on it')).toContain('chest-pain');
  });
});

describe('a look-alike volunteered mid-session', () => {
  it('black stool with nothing to explain it, told in another answer, exits at once', () => {
    expect(dialogue('肚子疼', 'zh', ['没有', '拉的大便是黑的']).step.reply.kind).toBe('emergency');
  });

  it('black stool after iron, told in another answer, asks its danger signs next; an unsure one exits', () => {
    const { step, asked } = dialogue('肚子疼', 'zh', ['没有', '吃了铁剂，拉的大便是黑的', '是', '不清楚']);
    expect(asked.slice(2, 4)).toEqual(['rf:black-stool', 'rf:black-stool/faint']);
    expect(step.reply.kind).toBe('emergency');
    expect(step.state.reported?.map((r) => r.text)).toContain('吃了铁剂，拉的大便是黑的');
  });

  it('the question it interrupted is asked again after the signs are denied', () => {
    const { asked } = dialogue('肚子疼', 'zh', ['没有', '吃了铁剂，拉的大便是黑的', '是', '没有', '没有', '没有']);
    expect(asked[1]).toBe('duration');
    expect(asked[6]).toBe('duration');
  });
});

describe('English denials before a red-flag word', () => {
  const ids = (t: string) => redFlagsInText(t).map((f) => f.id);

  it('reads "don’t / haven’t / isn’t … X" as a denial, as "do not … X" already was', () => {
    expect(ids("I don't have chest pain, just a bit of heartburn after curry")).toEqual([]);
    expect(ids('I haven’t got any chest pain')).toEqual([]);
    expect(ids('I do not have chest pain')).toEqual([]);
  });

  it('never carries a denial across "and", "but" or "with", nor reads "can’t" as one', () => {
    expect(ids("I didn't sleep and have chest pain")).toContain('chest-pain');
    expect(ids('never smoked and I have chest pain')).toContain('chest-pain');
    expect(ids('not dizzy but chest pain since noon')).toContain('chest-pain');
    expect(ids('no cough and chest pain')).toContain('chest-pain');
    expect(ids("I can't breathe")).toContain('severe-breathlessness');
  });
});
