import { describe, expect, it } from 'vitest';
import { echoVerbs, echoYesWords } from './echo-verbs.js';
import { readAnswer } from './reading.js';

const read = (id: string, text: string, lang: 'zh' | 'en') => readAnswer({ id, kind: 'binary' }, text, lang).value;

describe('the question verb said back (回声式应答)', () => {
  it('takes the verbs from the A-not-A forms of the question the patient saw', () => {
    // 有没有晕倒过 (plain-questions.json E_159) and the self-harm check's 有没有想过伤害自己.
    expect(echoVerbs('E_159', 'E_159')).toContain('晕倒');
    expect(echoVerbs('rf:self-harm', undefined)).toContain('想');
    expect(echoVerbs('E_999', undefined)).toEqual([]);
  });

  it('reads the echoed verb as a yes, and never an answer that negates something', () => {
    expect(read('rf:self-harm', '想过，这阵子夜里老想', 'zh')).toBe('yes');
    expect(read('E_159', '晕倒过，上礼拜在车站', 'zh')).toBe('yes');
    expect(echoYesWords('rf:self-harm', undefined, '想过，但是没打算')).toEqual([]);
    expect(read('rf:self-harm', '没想过', 'zh')).toBe('no');
  });
});

describe('a denial over a list, and a yes said last', () => {
  it('reads "no X or Y" as denying both on a red-flag check', () => {
    expect(read('rf:chest-pain', 'No chest pain or pressure whatsoever', 'en')).toBe('no');
    expect(read('rf:chest-pain', 'Never had chest pain and no tightness either', 'en')).not.toBe('yes');
  });

  it('reads a clause that negates nothing followed by a yes as a yes', () => {
    expect(read('rf:self-harm', 'It has crossed my mind, yeah', 'en')).toBe('yes');
    expect(read('E_201', 'Coughing at night mostly, yes', 'en')).toBe('yes');
  });
});

describe('no medicines said in other words', () => {
  const slot = (text: string, lang: 'zh' | 'en') =>
    readAnswer({ id: 'medications', kind: 'slot', slot: 'medications' }, text, lang).value;
  it('reads "not one tablet" and "nothing at all, not even …" as none', () => {
    expect(slot('最近一粒药也没吃', 'zh')).toBe('no');
    expect(slot('Nothing at all, not even paracetamol', 'en')).toBe('no');
    expect(slot('Nothing.', 'en')).toBe('no');
  });
});
