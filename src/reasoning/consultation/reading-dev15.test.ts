import { describe, expect, it } from 'vitest';
import { table } from './__fixtures__/reading-table.js';
import { readAnswer } from './reading.js';

/**
 * Issue 13, eighteenth round (dev15): people beyond the household (a flatmate, 我们小区 / 单位 / 办公室的人, "everyone in
 * my building"), red-flag checks included; a hedged danger with a general doubt is partly; "I never …" denies a habit;
 * dialect and slang imagery (脑瓜子嗡嗡, 风疙瘩, 白毛汗, "head's swimming", "hooter"); learner English for the loss of
 * smell; worry after a degree word; the medicine name to be looked up on the box. The phrasings are this file's own,
 * not the data set's.
 */

describe('someone outside the household never stands for the patient', () => {
  table([
    ['E_201', 'zh', '我们楼里好多人都在咳嗽', 'other'],
    ['E_51', 'zh', '咱们公司有人拉肚子，食堂的问题吧', 'other'],
    ['E_211', 'zh', '我们学校好几个人都吐了', 'other'],
    ['E_91', 'en', 'half the people at work have a fever', 'other'],
    ['E_201', 'en', 'everybody on my floor is coughing', 'other'],
    ['rf:syncope', 'en', 'my flatmate fainted on the bus last night', 'other'],
    ['rf:syncope', 'zh', '我室友昨天晕倒了', 'other'],
    ['E_51', 'en', 'our entire office got a tummy bug, not me though', 'no'],
  ]);
});

describe('a group that holds the patient is still the patient', () => {
  table([
    ['E_201', 'zh', '我们全家都在咳', 'yes'],
    ['E_91', 'zh', '我们俩都烧起来了', 'yes'],
    ['rf:syncope', 'en', 'my son passed out in the garden', 'yes'],
  ]);
});

describe('a hedged red-flag answer is partly, never negative', () => {
  table([
    ['rf:chest-pain', 'en', 'perhaps a bit tight, difficult to say', 'partly'],
    ['rf:chest-pain', 'en', 'maybe a little tight, not sure', 'partly'],
    ['rf:anaphylaxis', 'zh', '嗓子好像有点紧', 'partly'],
    ['rf:anaphylaxis', 'zh', '喉咙似乎有些紧，也许是我太紧张了', 'partly'],
  ]);
  it('keeps a doubt whether what is seen is the danger unknown', () => {
    expect(
      readAnswer({ id: 'rf:pregnancy-bleeding-pain', kind: 'binary' }, '有点粉色，算不算见红说不准', 'zh').value,
    ).toBe('unknown');
  });
});

describe('"I never …" denies a habit', () => {
  table([
    ['E_66', 'en', 'I never get out of breath', 'no'],
    ['E_201', 'en', "I never cough, it's just my nose", 'no'],
    ['E_94', 'en', "I've never had the shivers", 'no'],
  ]);
});

describe('dialect and slang imagery', () => {
  table([
    ['E_76', 'zh', '脑袋嗡嗡的', 'yes'],
    ['E_76', 'zh', '一起身就冒金星', 'yes'],
    ['E_129', 'zh', '胳膊上起风疙瘩了', 'yes'],
    ['E_50', 'zh', '夜里出白毛汗', 'yes'],
    ['E_76', 'en', 'my head is swimming', 'yes'],
    ['E_181', 'en', 'hooter is all blocked', 'yes'],
    ['E_129', 'en', 'I broke out in hives', 'yes'],
    ['E_144', 'en', 'my muscles are screaming', 'yes'],
    ['E_32', 'en', "haven't had a bite since Tuesday", 'yes'],
    ['E_50', 'en', 'I sweat so much', 'yes'],
  ]);
});

describe('learner English for the loss of smell', () => {
  table([
    ['E_103', 'en', 'no smell is coming', 'yes'],
    ['E_103', 'en', 'not getting smells properly', 'yes'],
    ['E_103', 'en', 'smell is fine', 'no'],
  ]);
});

describe('a degree word before worry, and bare counts', () => {
  table([
    ['E_211', 'zh', '我有点担心', 'other'],
    ['E_211', 'en', "I'm a bit worried", 'other'],
    ['E_211', 'en', 'twice', 'yes'],
    ['E_89', 'zh', '有那么点累', 'partly'],
  ]);
});

describe('the medicines slot', () => {
  table([
    ['medications', 'zh', '降压药，名字得看看药盒', 'yes'],
    ['medications', 'en', "a heart pill, I'd need to check the box for the name", 'yes'],
    ['medications', 'zh', '没吃什么', 'no'],
  ]);
});
