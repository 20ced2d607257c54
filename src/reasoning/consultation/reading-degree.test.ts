import { describe, expect, it } from 'vitest';
import { readAnswer, readDuration } from './reading.js';

/**
 * Issue 13, after round 10 (development data): degree said by comparison with the usual self, by a brief spell or by a
 * near miss (degree-words.ts); "normal" inside "more than normal"; a trigger graded, not the symptom; a low-grade
 * fever said with a hedge; "tender" as pain; 气 split from 短 by its negation; English number words in durations. The
 * phrasings are this file's own, not the data sets'.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh').value;
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en').value;

describe('comparison with the usual self', () => {
  it('reads a small step up or down from the usual self as partly', () => {
    expect(zh('E_89', '这阵子比以前乏了一点')).toBe('partly');
    expect(zh('E_50', '晚上出汗比往常多一些')).toBe('partly');
    expect(zh('E_32', '胃口比之前差了点儿')).toBe('partly');
  });

  it('reads "more than normal" as more of it, not as normal', () => {
    expect(en('E_50', "I'm sweating more than normal these days")).toBe('yes');
    expect(en('E_50', 'sweatier than normal, yes')).toBe('yes');
    expect(en('E_50', 'no more than normal')).toBe('no');
  });

  it('reads a large step up as a plain yes', () => {
    expect(zh('E_50', '比平常多多了')).toBe('yes');
  });
});

describe('a brief spell', () => {
  it('reads a symptom that lasts a moment as partly', () => {
    expect(zh('E_76', '弯腰捡东西起来时晕一下')).toBe('partly');
    expect(zh('E_148', '闻到油烟味恶心那么一小会儿')).toBe('partly');
  });
});

describe('a near miss', () => {
  it('reads an event that nearly happened as not having happened', () => {
    expect(zh('E_211', '坐车的时候差一点就吐出来')).toBe('no');
    expect(en('E_211', 'I very nearly puked on the bus')).toBe('no');
    expect(en('E_211', 'nearly threw up at the table, but managed not to')).toBe('no');
  });

  it('still reads a comparison that uses 差一点 as partly', () => {
    expect(zh('E_89', '精神比原来差一点')).toBe('partly');
  });
});

describe('what the degree word grades', () => {
  it('reads a degree word on the effort that brings it on as no hedge', () => {
    expect(zh('E_64', '稍微爬几级台阶就喘')).toBe('yes');
  });

  it('reads a low-grade fever with a hedge as partly, a high one as yes', () => {
    expect(zh('E_91', '好像有点低烧，早上37度5')).toBe('partly');
    expect(en('E_91', 'a slight temperature, 37.8 this morning')).toBe('partly');
    expect(zh('E_91', '有点烧，量了39度2')).toBe('yes');
  });

  it('reads "tender" as pain', () => {
    expect(en('E_97', 'tender at the back when I gulp')).toBe('yes');
  });

  it('reads 气 split from 短 / 急 by its negation as a denial', () => {
    expect(zh('E_66', '气倒不短，就是有点咳')).toBe('no');
  });

  it('reads "not one place that does not hurt" as everywhere', () => {
    expect(zh('E_144', '浑身没有一块肉不酸疼的')).toBe('yes');
  });
});

describe('words that looked like a hedge, an echo or a fine topic', () => {
  it('reads "feel faint" as a symptom, not a faint degree, and a calm heart as fine', () => {
    expect(en('E_155', 'my pulse feels calm, I just get faint in the shower')).toBe('no');
  });

  it('reads "N and a bit" as a little over N, not a hedge', () => {
    expect(en('E_91', 'it read 38 and a bit')).toBe('yes');
  });

  it('reads a topic before "no <another finding>" as stated, not as an echo', () => {
    expect(en('E_201', 'coughing, no runny nose')).toBe('yes');
    expect(en('E_148', 'nausea, no way')).toBe('no');
  });

  it('reads bowels said to go normally as no diarrhoea', () => {
    expect(zh('E_51', '拉稀？没有，拉得挺正常的')).toBe('no');
  });
});

describe('split compounds and dialect degree', () => {
  it('reads 见红 and 咳血 split by an aspect mark or a direction', () => {
    const rf = (text: string) => readAnswer({ id: 'rf:pregnancy-bleeding-pain', kind: 'binary' }, text, 'zh').value;
    expect(rf('怀上到现在从来没见过红')).toBe('no');
    expect(rf('昨天见了红')).toBe('yes');
    expect(zh('E_45', '咳出来过两口血')).toBe('yes');
  });

  it('reads 蛮好 (吴: quite well) as fine', () => {
    expect(zh('E_51', '大便蛮好的')).toBe('no');
  });
});

describe('unsure answers the erhua rewrite hid', () => {
  it('reads a reading or an answer that keeps changing as unknown', () => {
    expect(zh('E_91', '体温计一会儿36一会儿38，乱跳')).toBe('unknown');
    expect(zh('E_148', '问我妈恶不恶心，她一会儿说有一会儿说没有')).toBe('unknown');
  });

  it('still reads a heartbeat that changes as a finding, not as doubt', () => {
    expect(readAnswer({ id: 'rf:chest-pain', kind: 'binary' }, '胸口不疼，就是心跳一会儿快一会儿慢', 'zh').value).toBe(
      'no',
    );
  });

  it('reads causes that cannot be told apart as unknown', () => {
    expect(zh('E_50', '是病汗还是热汗，我分不开')).toBe('unknown');
  });
});

describe('English number words in durations', () => {
  it('reads compound numbers and a half after a number word', () => {
    expect(readDuration('about thirty-five minutes')).toMatchObject({ value: 35, unit: 'minute' });
    expect(readDuration('two and a half weeks or so')).toMatchObject({ value: 2.5, unit: 'week' });
    expect(readDuration('eighty minutes, give or take')).toMatchObject({ value: 80, unit: 'minute' });
  });

  it('reads 半个来钟头 as half an hour', () => {
    expect(readDuration('大概半个来钟头吧')).toMatchObject({ value: 30, unit: 'minute' });
  });
});
