import { describe, expect, it } from 'vitest';
import { foldFormCharacters } from './form-characters.js';

describe('form characters folded one for one', () => {
  it('reads the ratio sign as a colon, 〈〉 as heading brackets and full-width digits as ASCII', () => {
    const text = '姓名∶罗志刚\n〈主诉〉发热３天。\n１．现病史︰无';
    const folded = foldFormCharacters(text);
    expect(folded).toBe('姓名：罗志刚\n〔主诉〕发热3天。\n1．现病史：无');
    expect(folded.length).toBe(text.length);
  });

  it('leaves ＜ and ＞ (less-than and greater-than in results) and other text as written', () => {
    const text = '肌钙蛋白I＜０.０1ng/ml，【主诉】胸痛';
    expect(foldFormCharacters(text)).toBe('肌钙蛋白I＜0.01ng/ml，【主诉】胸痛');
  });
});
