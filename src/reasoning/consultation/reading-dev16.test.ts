import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { read, table } from './__fixtures__/reading-table.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import { redFlagChecksFor } from './redflags.js';
import type { ConsultContext } from './session.js';
import { startSession } from './session.js';

/**
 * Issue 13, nineteenth round (dev16): a hedge opening the answer after a filler (嗯…算是有点吧, …); not a mouthful of
 * a discharge (一口痰都咳不出来); 吴 鼻头 and a clause-closing 嘞; a colour told in the clause after the sputum; an onset
 * told by a holiday; tickly and a doubled word for stress ("itchy-itchy"); a rash that fades when pressed; a question
 * asked back before the answer; a stranger on the train; "a fair bit"; the time of day when it is fine; a degree on
 * the effort; 说反了; a thermometer reading over a warm room; an ache "there" to the chest-pain check; black sesame
 * before black stool. The phrasings are this file's own, not the data set's.
 */

describe('a hedge that opens the answer after a filler qualifies what follows', () => {
  table([
    ['E_148', 'zh', '呃…算有点吧，饭后犯恶心', 'partly'],
    ['E_51', 'zh', '嗯，算是有一点吧，拉了两回', 'partly'],
    ['E_201', 'en', 'um… a little, I cough in the mornings', 'partly'],
    ['E_91', 'zh', '可不是嘛，烧了一整晚', 'yes'],
  ]);
});

describe('not a mouthful or a drop of a discharge is none', () => {
  table([
    ['E_77', 'zh', '一丝痰也咳不出来', 'no'],
    ['E_77', 'zh', '光咳，一口痰都没有', 'no'],
    ['E_50', 'zh', '一滴汗也没出', 'no'],
    ['E_77', 'zh', '痰挺多，一口一口的', 'yes'],
  ]);
});

describe('Wu 鼻头, a clause-closing 嘞, and a colour told after the sputum', () => {
  table([
    ['E_181', 'zh', '鼻头通嘞，一眼勿塞', 'no'],
    ['E_181', 'zh', '鼻头塞牢嘞', 'yes'],
    ['E_77', 'zh', '痰稠，绿的', 'yes'],
    ['E_77', 'zh', '痰黏，黄了吧叽', 'yes'],
  ]);
});

describe('an onset told by a holiday fills the duration slot', () => {
  table([
    ['duration', 'zh', '端午节过后就这样了', 'yes'],
    ['duration', 'zh', '打寒假那会儿起', 'yes'],
    ['duration', 'en', 'ever since the Easter holidays', 'yes'],
    ['duration', 'en', 'it began over half-term', 'yes'],
  ]);
});

describe('tickly, and a word doubled for stress', () => {
  table([
    ['E_169', 'en', "my throat's all tickly today", 'yes'],
    ['E_169', 'en', 'the nose feels tickly', 'yes'],
    ['E_155', 'en', 'heart pounding fast-fast since morning', 'yes'],
    ['E_211', 'en', 'uh-uh', 'no'],
  ]);
});

describe('a rash that fades under a glass is the benign sign, and one that does not stays the danger', () => {
  table([
    ['rf:fever-rash', 'en', 'did the glass thing and the spots are fading', 'no'],
    ['rf:fever-rash', 'en', 'pushed on it and it went white', 'no'],
    ['rf:fever-rash', 'en', 'pressed a glass on them and they are not fading', 'yes'],
  ]);
  it('does not read the blanching as pale skin', () => {
    expect(read(['rf:fever-rash', 'en', 'the blotches turn pale when I push them', 'no']).present).not.toContain(
      'E_154',
    );
  });
});

describe('a question asked back before or around the answer', () => {
  table([
    ['E_94', 'en', 'shivers, you mean like shaking? nope', 'no'],
    ['E_51', 'en', 'runny poo? yeah, three times today', 'yes'],
    ['E_91', 'en', "didn't I tell you I've got a fever?", 'yes'],
  ]);
});

describe('whose answer, how much, and when', () => {
  table([
    ['E_201', 'en', 'a woman on the bus behind me kept coughing on me', 'other'],
    ['E_201', 'en', "I've been coughing quite a bit", 'yes'],
    ['E_201', 'zh', '主要是夜里咳，早上还好', 'yes'],
    ['E_64', 'en', 'if I walk a little I get breathless', 'yes'],
    ['E_211', 'zh', '吐了，哦我说反了，没吐', 'no'],
    ['E_91', 'en', "running a slight temp I reckon, haven't checked", 'partly'],
    ['E_91', 'en', 'the office was boiling so I felt hot, but the thermometer said 36.7', 'no'],
  ]);
});

describe('an ache said of the place asked about, to the chest-pain check', () => {
  table([
    ['rf:chest-pain', 'en', 'a mild ache there, I think', 'partly'],
    ['rf:chest-pain', 'zh', '这儿隐隐地痛', 'yes'],
    ['rf:chest-pain', 'zh', '那儿倒不痛', 'no'],
  ]);
});

const net = compileNetwork(respiratoryModel);
const ctx: ConsultContext = { net, now: () => '2026-12-08T08:30:00.000Z', policy: { maxQuestions: 6 } };
const start = (complaint: string) => startSession(ctx, { id: 's', kb: net.model.id, lang: 'zh', complaint, age: 40 });

describe('black sesame explains black stool like dark berries', () => {
  it('asks the black-stool checks instead of the exit', () => {
    const complaint = '早上喝了两碗黑芝麻糊，下午拉的屎是黑的';
    expect(start(complaint).reply.kind).not.toBe('emergency');
    expect(redFlagChecksFor(complaint)[0]?.id).toBe('black-stool');
  });
  it('still exits with a danger sign', () => {
    expect(start('吃了黑芝麻，大便黑的，一站起来就眼前发黑要晕').reply.kind).toBe('emergency');
  });
});
