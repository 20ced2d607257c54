import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';
import { redFlagRulesMatching, redFlagsDeferred, redFlagsInText } from './redflags.js';

/**
 * Issue 13, round 9's false exits (scored once first, then fixed): a measured normal temperature is no infant
 * fever; a colleague's faint beside the patient's own worry is asked, not an exit; "没晕" denies the faint the
 * check asks about. The phrasings here are not round 9's.
 */
describe('round 9 red-flag readings', () => {
  const rules = (text: string, age?: number) => redFlagRulesMatching(text, age).map((r) => r.id);

  it('needs 38 °C or more for fever in an infant under 3 months when a temperature is stated (NICE NG143)', () => {
    expect(rules('女儿一个月大，今天有点蔫，量了体温37度2')).not.toContain('infant-fever');
    expect(rules('孩子刚满月，体温三十六度八，就是吃奶少点')).not.toContain('infant-fever');
    expect(rules('宝宝40天，发烧38度3')).toContain('infant-fever');
    expect(rules('两个月的宝宝发烧了')).toContain('infant-fever');
    expect(rules('my baby is 6 weeks old, temperature 38.4', 0.1)).toContain('infant-fever');
    expect(rules('my baby is 6 weeks old and the temperature was 36.8', 0.1)).not.toContain('infant-fever');
  });

  it('asks, rather than exits, when someone else fainted and the patient worries for themselves', () => {
    const text = '我朋友上周爬山时晕倒了，我怕自己也会这样';
    expect(redFlagsInText(text).map((f) => f.id)).not.toContain('syncope');
    expect(redFlagsDeferred(text).map((f) => f.id)).toContain('syncope');
    expect(redFlagsInText('我今天早上晕倒了一次').map((f) => f.id)).toContain('syncope');
  });

  it('reads a denied dizziness as no to the fainting check, and a faint as yes', () => {
    const check = (text: string) => readAnswer({ id: 'rf:syncope', kind: 'binary' }, text, 'zh').value;
    expect(check('没晕')).toBe('no');
    expect(check('不晕，就是站起来眼前黑了一下')).toBe('no');
    expect(check('晕过去了')).toBe('yes');
  });
});
