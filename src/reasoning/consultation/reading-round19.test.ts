import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { type Row, read, table } from './__fixtures__/reading-table.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import type { ConsultContext } from './session.js';
import { startSession } from './session.js';

/**
 * Issue 13, round 19 read as dev: the topic denied with a copula (痰是冇得的); "zero" before a word; a comparison with
 * other times is no severity (早上严重点); small-degree words (少少, 有丢丢) and a clause of how much (…，有一点点);
 * allergies told with doubt; "I think …" opening the answer; a correction to another thing (哦不对，是…) or to another
 * site (不疼，是牙疼); the topic of sleep never overturns a denied tiredness; a clinic or medicine question to a symptom
 * question; a doubt whether it counts, then what was seen; refusals and particles after "don't know"; slurred speech
 * that cannot be made out; a site alone or a rating to the pain question; a weekday onset; contraception is no pregnancy.
 * The phrasings are this file's own, not the data set's.
 */

describe('the topic denied with a copula, and "zero" before a word', () => {
  table([
    ['E_201', 'zh', '咳嗽是莫得的', 'no'],
    ['E_91', 'zh', '烧倒是没有的', 'no'],
    ['E_201', 'en', 'zero coughing, honestly', 'no'],
    ['E_32', 'en', 'zero appetite since Monday', 'yes'],
    ['E_201', 'zh', '咳嗽是有的', 'yes'],
  ]);
});

describe('a comparison with other times is no severity; small degrees are hedges', () => {
  table([
    ['E_181', 'zh', '鼻子有点堵，晚上厉害些', 'partly'],
    ['E_97', 'zh', '嗓子少少疼', 'partly'],
    ['E_148', 'zh', '有丢丢恶心', 'partly'],
    ['E_148', 'zh', '恶心，有一点点', 'partly'],
    ['E_148', 'zh', '恶心得厉害', 'yes'],
  ]);
  it('keeps a plain severity word as severe', () => {
    expect(read(['E_97', 'zh', '嗓子疼得特别严重', 'yes']).severity).not.toBe(undefined);
    expect(read(['E_181', 'zh', '鼻子有点堵，晚上厉害些', 'partly']).severity).not.toBe(8);
  });
});

describe('an allergy told with doubt, and "I think" opening the answer', () => {
  table([
    ['allergies', 'zh', '可能对头孢有点过敏', 'partly'],
    ['allergies', 'en', 'maybe a little allergic to penicillin', 'partly'],
    ['allergies', 'zh', '对头孢过敏', 'yes'],
    ['E_91', 'en', 'I think I had a temperature last night', 'partly'],
    ['E_91', 'en', 'I had a temperature last night', 'yes'],
  ]);
});

describe('a correction to another thing or another site denies what was asked', () => {
  table([
    ['E_201', 'zh', '咳嗽，哦不对，是打喷嚏', 'no'],
    ['E_201', 'zh', '不咳…哦不对，晚上咳', 'yes'],
    ['E_97', 'zh', '嗓子不疼，是耳朵疼', 'no'],
    ['E_97', 'en', "throat's okay, it's my tooth that hurts", 'no'],
    ['E_97', 'zh', '嗓子疼，耳朵也疼', 'yes'],
  ]);
});

describe('tiredness denied stays denied beside sleep', () => {
  table([
    ['E_89', 'zh', '不累，就是晚上睡不好', 'no'],
    ['E_89', 'zh', '累，晚上也睡不好', 'yes'],
  ]);
});

describe('a question about the clinic or a medicine answers no symptom question', () => {
  table([
    ['E_91', 'en', 'is it safe to take paracetamol with this?', 'other'],
    ['allergies', 'zh', '皮肤科在哪里？', 'other'],
    ['E_53', 'en', 'where is the pharmacy?', 'other'],
    ['allergies', 'zh', '对花粉过敏', 'yes'],
  ]);
});

describe('a doubt whether it counts, then what was seen', () => {
  table([
    ['E_201', 'zh', '不知道算不算咳，反正一早上咳了好多回', 'yes'],
    ['E_51', 'en', "not sure if it counts, but it's just water coming out", 'yes'],
    ['E_201', 'zh', '不知道算不算咳', 'unknown'],
  ]);
});

describe('refusals, particles and the question said back', () => {
  table([
    ['rf:self-harm', 'en', "I'd prefer not to answer that", 'unknown'],
    ['E_91', 'zh', '不知道呀', 'unknown'],
    ['allergies', 'zh', '你问我有没有过敏？不知道', 'unknown'],
    ['E_91', 'zh', '发少？啥意思…噢发烧，没量，不清楚', 'unknown'],
    ['E_51', 'en', "the ward staff would know, I don't", 'unknown'],
  ]);
});

describe('speech that cannot be made out is slurred speech to the stroke check', () => {
  table([
    ['rf:stroke', 'zh', '他说话含含糊糊听不清', 'yes'],
    ['rf:stroke', 'en', "I can't tell, her speech has been odd for years", 'unknown'],
  ]);
});

describe('a denial of another finding to a red-flag check is no denial of the flag', () => {
  it('does not read 不喘 as a no to the chest-pain check', () => {
    expect(read(['rf:chest-pain', 'zh', '不喘', 'other']).value).not.toBe('no');
  });
});

describe('a site or a rating to the pain question, and more ways to say it', () => {
  table([
    ['E_53', 'en', 'my lower back, near the hip', 'yes'],
    ['E_53', 'en', 'my back is fine', 'no'],
    ['E_53', 'en', 'left knee, a solid 6', 'yes'],
    ['E_53', 'en', 'my right wrist', 'yes'],
    ['E_94', 'en', 'goosebumps all evening', 'yes'],
    ['E_45', 'en', 'flecks of blood in it this morning', 'yes'],
    ['E_32', 'zh', '胃口已经为零了', 'yes'],
    ['E_32', 'en', "he's eating his head off", 'no'],
    ['E_181', 'zh', '鼻子通透', 'no'],
    ['E_51', 'en', 'bowels are behaving fine', 'no'],
    ['rf:anaphylaxis', 'en', 'tongue is normal, lips are fine', 'no'],
    ['medications', 'en', 'taking Nurofen, two tabs at night', 'yes'],
    ['medications', 'zh', '一片都没吃', 'no'],
    ['duration', 'en', 'it started on Thursday', 'yes'],
    ['duration', 'zh', '大前日开始的', 'yes'],
  ]);
});

describe('a rating out of ten, and what the symptom stops', () => {
  const severity = (row: Row) => read(row).severity;
  it('reads the rating beside a duration', () => {
    expect(severity(['E_53', 'en', 'back pain, 6/10, for 2 days', 'yes'])).toBe(6);
    expect(severity(['E_66', 'en', 'short of breath for 2 hrs', 'yes'])).toBe(undefined);
    expect(severity(['E_53', 'en', 'a 4, more of a nuisance', 'yes'])).toBe(4);
  });
  it('reads what cannot be done as severe', () => {
    expect(severity(['E_66', 'en', "can't even finish a sentence", 'yes'])).toBe(8);
    expect(severity(['E_66', 'zh', '喘得一句话都说不完', 'yes'])).toBe(8);
    expect(severity(['E_53', 'zh', '背疼得转不了身', 'yes'])).toBe(8);
  });
});

const net = compileNetwork(respiratoryModel);
const ctx: ConsultContext = { net, now: () => '2026-12-08T08:30:00.000Z', policy: { maxQuestions: 6 } };
const start = (complaint: string) => startSession(ctx, { id: 's', kb: net.model.id, lang: 'zh', complaint, age: 30 });

describe('contraception names 孕 without a pregnancy', () => {
  it('does not exit on spotting after a coil or the pill', () => {
    expect(start('放了节育环后经期之间有少量出血').reply.kind).not.toBe('emergency');
    expect(start('吃了紧急避孕药以后有点出血').reply.kind).not.toBe('emergency');
  });
  it('still exits on bleeding in pregnancy', () => {
    expect(start('怀孕十周，今天下面出血了').reply.kind).toBe('emergency');
  });
});
