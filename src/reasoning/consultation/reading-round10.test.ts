import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';
import { redFlagsInText } from './redflags.js';

/**
 * Issue 13, round 10 (scored once first, then read): Wu, Cantonese and south-western denials, a none that excepts
 * what was just named, a fine clause beside a denial. The phrasings here are not round 10's.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh').value;
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en').value;
const slot = (slotName: string, text: string, lang: 'zh' | 'en') =>
  readAnswer({ id: slotName, kind: 'slot', slot: slotName }, text, lang).value;

describe('dialect denials', () => {
  it('reads 呒没, 莫得, 勿有 and 唔 before a verb as denials', () => {
    expect(zh('rf:chest-pain', '呒没')).toBe('no');
    expect(zh('E_201', '咳嗽倒是莫得咳，鼻子有点堵')).toBe('no');
    expect(zh('E_91', '热度勿有，人就是软')).toBe('no');
    expect(zh('E_97', '痛就唔痛，净系咳')).toBe('no');
  });

  it('reads a post-posed 没有 as a denial, but not one about the past', () => {
    expect(zh('E_148', '恶心没有，就是肚子胀')).toBe('no');
    expect(zh('E_201', '以前没有，这两天咳得多')).not.toBe('no');
  });

  it('keeps 唔 alone as an interjection', () => {
    expect(zh('E_201', '唔，咳得挺厉害')).toBe('yes');
  });
});

describe('a none that excepts what was named', () => {
  it('is not a none', () => {
    expect(slot('allergies', '对磺胺过敏，其他的都不过敏', 'zh')).not.toBe('no');
    expect(slot('allergies', 'Allergic to codeine, nothing else', 'en')).not.toBe('no');
    expect(slot('allergies', '都不过敏', 'zh')).toBe('no');
  });
});

describe('fine clauses and comparisons', () => {
  it('reads a fine clause beside a denial of the same finding as a denial', () => {
    expect(en('E_91', 'no temperature, thermometer says normal')).toBe('no');
  });

  it('reads new words for palpitations and wheeze', () => {
    expect(zh('E_155', '心跳好快，像打鼓')).toBe('yes');
    expect(zh('E_214', '喘的时候嗓子里有哨声')).toBe('yes');
  });
});

describe('想死 + a person + 了 is missing someone', () => {
  it('masks the idiom and keeps the intent', () => {
    expect(redFlagsInText('想死我闺女了，她去外地上大学了').map((f) => f.id)).not.toContain('self-harm');
    expect(redFlagsInText('我真的想死了，活着没意思').map((f) => f.id)).toContain('self-harm');
  });
});
