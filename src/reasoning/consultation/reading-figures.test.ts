import { describe, expect, it } from 'vitest';
import { readAnswer, readDuration, readSeverity, readSite } from './reading.js';
import { redFlagsInText } from './redflags.js';

/**
 * Issue 13, third round of the answer reader: the failure families of the fresh report sets, fixed by
 * rules and data (answer-cues.json `speechPatterns`, the unsure and range rules), never per sentence.
 * Phrasings here are not the benchmark's.
 */
const zh = (id: string, text: string, kind: 'binary' | 'slot' = 'binary') =>
  readAnswer({ id, kind, ...(kind === 'slot' ? { slot: id } : {}) }, text, 'zh');
const en = (id: string, text: string, kind: 'binary' | 'slot' = 'binary') =>
  readAnswer({ id, kind, ...(kind === 'slot' ? { slot: id } : {}) }, text, 'en');

describe('imagery states the asked finding', () => {
  it('reads sweating, fever and tiredness told in pictures as yes, not as a hedge', () => {
    expect(zh('E_50', '里面的秋衣都湿透了')).toMatchObject({ value: 'yes', present: ['E_50'] });
    expect(zh('E_50', '汗珠子直往下滴')).toMatchObject({ value: 'yes' });
    expect(en('E_50', 'I was soaking wet when I woke up')).toMatchObject({ value: 'yes' });
    expect(zh('E_91', '小脸烫得吓人')).toMatchObject({ value: 'yes', present: ['E_91'] });
    expect(en('E_91', 'he was boiling hot at bedtime')).toMatchObject({ value: 'yes' });
    expect(zh('E_89', '老想躺着')).toMatchObject({ value: 'yes', present: ['E_89'] });
    expect(zh('E_155', '心里扑通扑通的')).toMatchObject({ value: 'yes', present: ['E_155'] });
    expect(en('E_94', 'teeth chattering all night')).toMatchObject({ value: 'yes', present: ['E_94'] });
    expect(en('E_212', 'I sound like a frog')).toMatchObject({ value: 'yes', present: ['E_212'] });
  });

  it('does not read a figure that is negated', () => {
    expect(en('E_91', 'not boiling, no').value).not.toBe('yes');
    expect(zh('E_50', '没有汗哗哗的那种').value).not.toBe('yes');
  });

  it('reads the chest squeezed or weighed down as yes to the chest-pain check', () => {
    expect(zh('rf:chest-pain', '心口像被一只手攥住了').value).toBe('yes');
    expect(en('rf:chest-pain', 'like a band pulled tight round my chest').value).toBe('yes');
    expect(redFlagsInText('胸口像被人踩着，喘不动').map((f) => f.id)).toContain('chest-pain');
    expect(redFlagsInText('my chest feels like it is in a vice').map((f) => f.id)).toContain('chest-pain');
  });

  it('denies without a negation word: 不烫, 凉凉的, dry as a bone, 出汗不多', () => {
    expect(zh('E_91', '摸着额头凉凉的')).toMatchObject({ value: 'no', absent: ['E_91'] });
    expect(zh('E_50', '汗出得不多')).toMatchObject({ value: 'no', absent: ['E_50'] });
    expect(en('E_50', 'bone dry')).toMatchObject({ value: 'no' });
  });
});

describe('loss-type questions: the polarity is in the verb', () => {
  it('reads a lost appetite or smell told as what the patient cannot do as yes', () => {
    expect(en('E_32', "I've hardly eaten a thing")).toMatchObject({ value: 'yes', present: ['E_32'] });
    expect(en('E_32', "haven't really felt like eating")).toMatchObject({ value: 'yes' });
    expect(zh('E_32', '一碗饭都吃不下')).toMatchObject({ value: 'yes' });
    expect(zh('E_103', '啥味道都闻不到')).toMatchObject({ value: 'yes', present: ['E_103'] });
  });

  it('reads eating or smelling well as no', () => {
    expect(zh('E_32', '吃得很香')).toMatchObject({ value: 'no', absent: ['E_32'] });
    expect(en('E_32', "I'm eating like a horse")).toMatchObject({ value: 'no' });
    expect(zh('E_103', '鼻子灵得很')).toMatchObject({ value: 'no', absent: ['E_103'] });
    expect(en('E_103', 'smell is fine')).toMatchObject({ value: 'no' });
  });
});

describe('not knowing, and understatement', () => {
  it('reads "did not look" as unknown, not as a denial', () => {
    expect(zh('E_77', '痰没仔细瞧过').value).toBe('unknown');
    expect(zh('E_155', '这个说不上').value).toBe('unknown');
    expect(en('E_77', "didn't really look at it").value).toBe('unknown');
    expect(zh('E_214', '这个没留神').value).toBe('unknown');
    expect(en('E_129', "haven't taken a good look").value).toBe('unknown');
    // Seeing none is a denial.
    expect(zh('E_45', '没看到血').value).toBe('no');
  });

  it('reads "can\'t say I have" as no, and "说不上话" as the danger, not as doubt', () => {
    expect(en('E_50', "can't say I have")).toMatchObject({ value: 'no' });
    expect(zh('rf:severe-breathlessness', '喘得说不上话').value).toBe('yes');
  });
});

describe('ranges, spitting and consequences', () => {
  it('reads a range of close numbers as its lower bound, keeping the upper one', () => {
    expect(readDuration('两三天了')).toEqual({ value: 2, unit: 'day', upTo: 3 });
    expect(readDuration('三五天')).toEqual({ value: 3, unit: 'day', upTo: 5 });
    expect(readDuration('七八个钟头')).toEqual({ value: 7, unit: 'hour', upTo: 8 });
    expect(readDuration('two or three weeks')).toEqual({ value: 2, unit: 'week', upTo: 3 });
    expect(readDuration('3-4 days')).toEqual({ value: 3, unit: 'day', upTo: 4 });
    expect(readDuration('an hour or two')).toEqual({ value: 1, unit: 'hour', upTo: 2 });
    // Not a range: ninety days.
    expect(readDuration('九十天')).toEqual({ value: 90, unit: 'day' });
    expect(zh('duration', '四五个钟头', 'slot')).toMatchObject({ value: 'yes', duration: { value: 4, unit: 'hour' } });
  });

  it('does not read 头 inside 钟头 or 枕头 as the head', () => {
    expect(readSite('三四个钟头了', 'zh')).toBeUndefined();
    expect(readSite('枕头都湿了', 'zh')).toBeUndefined();
    expect(readSite('头疼', 'zh')?.label).toBe('头部');
  });

  it('does not read spitting phlegm as vomiting', () => {
    expect(zh('E_77', '吐的痰是黄的').present).not.toContain('E_211');
  });

  it('reads what a symptom stops the patient doing as severe', () => {
    expect(readSeverity('咳得整夜睡不着', 'zh')).toBe(8);
    expect(readSeverity('疼得直打滚', 'zh')).toBe(8);
    expect(readSeverity('有点疼', 'zh')).toBe(1);
  });
});
