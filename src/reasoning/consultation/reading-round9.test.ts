import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';

/**
 * Issue 13, round 9's unsure answers (scored once first, then read): someone else holds the answer, a reading not
 * to be trusted, findings that cannot be told apart, lost track. answer-cues.json `cannotTell`; the phrasings here
 * are not round 9's.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh').value;
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en').value;

describe('unsure because the patient cannot tell', () => {
  it('reads an answer someone else holds as unknown', () => {
    expect(zh('E_91', '孩子这两天住姥姥家，发没发烧得问姥姥')).toBe('unknown');
    expect(zh('E_201', '白天在学校，咳不咳得等老师说')).toBe('unknown');
    expect(en('E_201', "she was at nursery all day, I'd have to ask them")).toBe('unknown');
  });

  it('reads an untrusted or missing reading, things not told apart and lost track as unknown', () => {
    expect(zh('E_91', '刚洗完热水澡量的，那个数不作准')).toBe('unknown');
    expect(zh('E_94', '屋里本来就冷，是不是发冷我区分不开')).toBe('unknown');
    expect(zh('E_201', '那天喝多了，咳没咳印象全无')).toBe('unknown');
    expect(en('E_91', "the thermometer's flat, so no reading yet")).toBe('unknown');
  });

  it('still reads a stated finding beside the words', () => {
    expect(zh('E_91', '烧到38度5了，别的得问老师')).toBe('yes');
    expect(zh('E_201', '没咳，这个不用问老师')).toBe('no');
  });
});
