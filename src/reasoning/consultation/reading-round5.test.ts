import { describe, expect, it } from 'vitest';
import { simileFrame } from './imagery.js';
import { readAnswer } from './reading.js';
import { readTopic, saysUnchanged } from './topics.js';

/**
 * Issue 13, fifth round of the answer reader: polarity read from the direction of the answer even
 * where it never names the question's topic, tests that pass or fail, and images the table does not
 * list. Rules and data only (question-polarity.json `passes` / `lacking`, imagery.json `simile`);
 * the phrasings here are not the benchmark's.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');

describe('loss questions read by the direction of the answer', () => {
  it('reads a failing function with no topic word as a yes, a working one as a no', () => {
    expect(en('E_32', 'I only managed half a sandwich')).toMatchObject({ value: 'yes', present: ['E_32'] });
    expect(en('E_89', "I'm dragging through every afternoon")).toMatchObject({ value: 'yes' });
    expect(en('E_64', 'I can hike all weekend no trouble')).toMatchObject({ value: 'no', absent: ['E_64'] });
    expect(zh('E_212', '说不了几句就发不出声了').value).toBe('yes');
    // A greeting is no answer, even with 好 in it.
    expect(zh('E_89', '您好').value).toBe('other');
  });

  it('reads a lacking function as the loss, in dialect too', () => {
    expect(zh('E_32', '冇乜胃口')).toMatchObject({ value: 'yes' });
    expect(zh('E_89', '一点精神都没得')).toMatchObject({ value: 'yes' });
    expect(en('E_89', 'zero energy these days')).toMatchObject({ value: 'yes' });
    expect(readTopic('E_32', '饭量没怎么减', 'zh', { unframed: true }).value).toBe('no');
  });

  it('leaves a clause about another question to that question', () => {
    // Sleeplessness told to the appetite question is another complaint, not a loss of appetite.
    expect(zh('E_32', '晚上老睡不着').value).toBe('other');
    expect(readTopic('E_32', '晚上老睡不着', 'zh', { unframed: true }).value).toBeUndefined();
  });

  it('reads the pressing test of a rash both ways, across clauses', () => {
    expect(zh('rf:fever-rash', '拿玻璃杯压了压，斑还是紫的，还在').value).toBe('yes');
    expect(zh('rf:fever-rash', '按一下就淡了').value).toBe('no');
    expect(en('rf:fever-rash', 'the spots went pale when I pushed on them').value).toBe('no');
  });

  it('reads a symptom topic said to be fine or unchanged as a no', () => {
    expect(zh('E_129', '皮肤干干净净的')).toMatchObject({ value: 'no' });
    expect(zh('E_50', '汗出得跟往常差不多')).toMatchObject({ value: 'no' });
    expect(saysUnchanged('跟平时一样', 'zh')).toBe(true);
  });
});

describe('images the table does not list', () => {
  it('reads a comparison given to a symptom question as the symptom felt', () => {
    expect(simileFrame('眼睛里像进了沙', 'zh')).toBe(true);
    expect(zh('E_169', '鼻子里跟有羽毛在挠一样')).toMatchObject({ value: 'yes', present: ['E_169'] });
    expect(en('E_169', 'like ants crawling inside my nose')).toMatchObject({ value: 'yes' });
  });

  it('takes no hedge, no wish and no comparison with the usual self for an image', () => {
    expect(simileFrame('好像有一点', 'zh')).toBe(false);
    expect(simileFrame("I'd like a call back", 'en')).toBe(false);
    expect(simileFrame('跟平时一样', 'zh')).toBe(false);
    expect(simileFrame('不像针扎那种', 'zh')).toBe(false);
  });
});

describe('short yes and no words', () => {
  it('reads typed slips and slang', () => {
    expect(zh('E_201', '妹有').value).toBe('no');
    expect(en('E_94', 'naw').value).toBe('no');
    expect(en('E_211', 'mm-hmm').value).toBe('yes');
  });
});
