import { describe, expect, it } from 'vitest';
import { spanInAnswer, withoutInnerAdverbs } from './bridged-terms.js';
import { readAnswer } from './reading.js';

/**
 * Issue 13, dev12 round of the answer reader: a symptom word broken by a short adverb or particle (read a second
 * time without it, spans mapped back onto the patient's words), "puffing up" as swelling, whose symptom it is when
 * a group has it and the patient stands apart, unsure answers (someone else would know, asleep at the time,
 * "couldn't say", 是不是X我也不懂), an English symptom word denied after it in a Chinese answer, and a denial of
 * what the asked finding entails beside another finding. The phrasings are the tests' own, not dev12's lines.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');

describe('adverbs inside a symptom word', () => {
  it('leaves inner adverbs out and maps spans back onto the answer', () => {
    const b = withoutInnerAdverbs('喉咙也挺疼', 'zh')!;
    expect(b.text).toBe('喉咙疼');
    expect(spanInAnswer(b, 0, 3)).toEqual({ start: 0, end: 5 });
    expect(withoutInnerAdverbs('my throat is really quite sore', 'en')?.text).toBe('my throat is sore');
    // Never right after a negation: 不太疼 is not 不疼, "not really sore" is not "not sore".
    expect(withoutInnerAdverbs('嗓子不太疼', 'zh')).toBeUndefined();
    expect(withoutInnerAdverbs("it's not really sore", 'en')).toBeUndefined();
  });

  it('reads the whole term across the adverb, the hedge still counting', () => {
    expect(zh('E_97', '喉咙也疼得很').value).toBe('yes');
    expect(zh('E_76', '脑袋都晕了').value).toBe('yes');
    expect(zh('E_155', '心老是跳得飞快').value).toBe('yes');
    expect(en('E_97', 'a really, really sore throat').value).toBe('yes');
    expect(en('E_212', 'my voice is pretty much gone by the evening').value).toBe('yes');
    expect(zh('E_97', '嗓子不太疼').value).toBe('partly');
  });
});

describe('puffing up is swelling', () => {
  it('reads puffy or puffing up as swelling, not breathlessness', () => {
    const r = en('E_66', 'No, but my feet puff up by teatime');
    expect(r.value).toBe('no');
    expect(r.present).toContain('E_151');
    expect(en('E_66', 'Face is all puffy this morning').present).not.toContain('E_66');
  });
});

describe('whose symptom it is', () => {
  it('sets a group aside when the patient stands apart from it', () => {
    expect(zh('E_201', '一家人都在咳，就我没事').value).toBe('no');
    expect(en('E_91', 'Everyone at home has a temperature, not me though').value).toBe('no');
    expect(en('E_211', 'My son was sick all night but I feel fine').value).toBe('no');
  });

  it("sets a pet's symptom aside, never an allergy to it", () => {
    expect(zh('E_211', '我家猫今天吐了两回').value).toBe('other');
    expect(en('E_51', 'The dog has had the runs all week').value).toBe('other');
  });

  it('keeps a caregiver answering for the patient, and a group the patient is in', () => {
    expect(zh('E_211', '孩子今天吐了三次').value).toBe('yes');
    expect(zh('E_201', '我们一家都咳，我也咳').value).toBe('yes');
  });
});

describe('unsure', () => {
  it('reads someone else who would know, or being asleep, as unknown', () => {
    expect(en('E_214', 'My flatmate would know, I was fast asleep').value).toBe('unknown');
    expect(en('E_94', "Couldn't say, the heating's been off all week").value).toBe('unknown');
    expect(en('E_103', "I'm so bunged up I can't tell").value).toBe('unknown');
  });

  it('reads a colour never looked at as unknown', () => {
    expect(en('E_77', "Haven't ever looked at the colour, I just spit it out").value).toBe('unknown');
  });

  it('reads an either-or not yet asked or compared, or hard to compare or see, as unknown', () => {
    expect(zh('E_91', '烧没烧，幼儿园老师那边我还没问').value).toBe('unknown');
    expect(zh('E_50', '汗是不是比以前多，我也没比较过').value).toBe('unknown');
    expect(en('E_94', 'Everyone in the office is freezing, hard to compare').value).toBe('unknown');
    expect(en('E_129', "It's hard for me to see the back of my legs").value).toBe('unknown');
    // A plain denial beside not having asked is still a denial.
    expect(zh('E_201', '我没问，反正不咳').value).toBe('no');
  });

  it('reads an either-or followed by not knowing as unknown', () => {
    expect(zh('E_129', '起了几个包，是不是疹子我也说不准').value).toBe('unknown');
    expect(zh('E_76', '是不是头晕我也搞不清').value).toBe('unknown');
  });
});

describe('durations', () => {
  it('counts mornings or nights ago as days', () => {
    const r = readAnswer({ id: 'duration', kind: 'slot', slot: 'duration' }, 'It started two nights ago', 'en');
    expect(r.duration).toMatchObject({ value: 2, unit: 'day' });
  });
});

describe('mixed Chinese and English, and denials beside another finding', () => {
  it('reads an English symptom word denied after it', () => {
    expect(zh('E_201', 'cough倒是没有').value).toBe('no');
    expect(zh('E_201', '有cough，不过不多').value).toBe('partly');
  });

  it('reads a denial of what the asked finding entails as no, beside another finding', () => {
    const r = en('E_64', "Not out of breath, but I've been coughing a lot");
    expect(r.value).toBe('no');
  });

  it('reads vomiting as an answer to the nausea question', () => {
    expect(en('E_148', 'yes, and I was sick twice in the night').value).toBe('yes');
  });

  it('reads a painful finding as an answer to the generic pain question', () => {
    expect(zh('E_53', '嗓子疼，腰也疼').value).toBe('yes');
  });
});
