import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';

/**
 * Issue 13, round 16 read as dev: denials a clinician reads first. The typed 木有 (没有), a symptom word asked back
 * rhetorically (咳啥呀) before or without a denial, and an English "no" run into "I can …". The phrasings are this
 * file's own, not the data set's.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh').value;
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en').value;

describe('the typed 木有 / 木得', () => {
  it('is a denial', () => {
    expect(zh('rf:black-stool', '木有，大便颜色正常')).toBe('no');
    expect(zh('E_211', '木得吐过')).toBe('no');
  });
});

describe('a symptom word asked back rhetorically', () => {
  it('reads as no, alone or before a denial', () => {
    expect(zh('E_211', '吐啥呀，好着呢')).toBe('no');
    expect(zh('E_201', '咳什么啊')).toBe('no');
  });

  it('leaves a real question about the symptom alone', () => {
    expect(zh('E_201', '咳嗽，一直咳')).toBe('yes');
  });
});

describe('"no" run into "I can …"', () => {
  it('is a denial, not the finding the rest names', () => {
    expect(en('rf:severe-breathlessness', 'no I can speak in full sentences and walk fine')).toBe('no');
  });
});

describe('"no" before a subject that states the danger', () => {
  // A red-flag check must never read a stated emergency as a denial: the "no" is the answer's opener here.
  it('is the danger stated, not denied', () => {
    expect(en('rf:severe-breathlessness', "no I can't breathe")).toBe('yes');
    expect(en('rf:severe-breathlessness', 'no i cant get a breath in at all')).toBe('yes');
  });

  it('still reads a denial that names the finding', () => {
    expect(en('rf:severe-breathlessness', 'no, breathing is fine')).toBe('no');
    expect(en('rf:severe-breathlessness', 'no trouble breathing')).toBe('no');
  });
});
