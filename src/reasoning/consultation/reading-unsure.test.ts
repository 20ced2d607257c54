import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';

/**
 * Issue 13, unsure answers that carry no "don't know" word (answer-cues.json `cannotTell`) and colloquial
 * yes / no (dialect negation, slang, "fine" said the local way). The phrasings here are not the benchmark's.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');

describe('doubt either way is unknown', () => {
  it('reads 谁知道 / 天晓得 / 也许…也许不 and their English as unknown', () => {
    expect(zh('E_91', '没拿体温计，谁晓得呢').value).toBe('unknown');
    expect(zh('E_50', '也许多了也许没有，天热')).toMatchObject({ value: 'unknown' });
    expect(zh('E_76', '这个真难讲')).toMatchObject({ value: 'unknown' });
    expect(en('E_91', 'who knows, I never checked it')).toMatchObject({ value: 'unknown' });
    expect(en('E_94', 'could be, might not be')).toMatchObject({ value: 'unknown' });
  });

  it('keeps the asked finding out of an unknown answer', () => {
    expect(en('E_50', "it's a heatwave, I'm sweating like everyone, so hard to judge").present).not.toContain('E_50');
  });

  it('keeps a felt symptom with a hedge and no measurement as partly, and a severe one as stated', () => {
    expect(zh('E_91', '好像有点发热，没量').value).toBe('partly');
    expect(zh('E_201', '咳得特别厉害，谁知道咋回事').value).toBe('yes');
  });
});

describe('no means to tell is unknown', () => {
  it('reads a broken thermometer, an unseen back, a flushed stool and asking a relative as unknown', () => {
    expect(zh('E_91', '体温计让孩子摔了').value).toBe('unknown');
    expect(zh('E_129', '后腰那块我瞧不见').value).toBe('unknown');
    expect(zh('E_77', '得问问我媳妇，她天天听我咳').value).toBe('unknown');
    expect(en('E_214', 'ask my partner, she hears me at night').value).toBe('unknown');
    expect(en('E_77', 'I always flush it away before I look').value).toBe('unknown');
  });

  it('still reads a symptom stated besides the missing means', () => {
    expect(zh('E_201', '咳嗽，没法量体温').value).toBe('yes');
  });

  it('keeps an untested red-flag sign positive (unknown, never no)', () => {
    expect(['unknown', 'partly']).toContain(zh('rf:fever-rash', '身上有些小红点，还没拿杯子压过').value);
    expect(en('rf:fever-rash', "there are spots but I haven't tried the glass yet").value).toBe('unknown');
  });
});

describe('colloquial yes and no', () => {
  it('reads 吴 勿 and 粤 冇 as negation', () => {
    expect(zh('E_97', '喉咙勿痛个').value).toBe('no');
    expect(zh('E_155', '冇心慌，就是累')).toMatchObject({ value: 'no' });
  });

  it('reads "没一处不疼" as everywhere, not a denial', () => {
    expect(zh('E_144', '身上没一处不酸疼的').value).toBe('yes');
  });

  it('reads a topic said to be fine the local way as a no', () => {
    expect(zh('E_181', '鼻子好着呢').value).toBe('no');
    expect(en('E_97', "me throat's grand, thanks").value).toBe('no');
  });

  it('reads slang for vomiting, fever and appetite both ways', () => {
    expect(en('E_211', 'been hurling since lunch').value).toBe('yes');
    expect(en('E_211', "nah, haven't puked").value).toBe('no');
    expect(en('E_91', "he's running a temp").value).toBe('yes');
    expect(en('E_32', 'I could eat a horse right now').value).toBe('no');
    expect(en('E_89', 'damn right, shattered').value).toBe('yes');
    expect(en('E_76', "I wouldn't say so").value).toBe('no');
  });
});
