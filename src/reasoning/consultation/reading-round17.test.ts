import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';

/**
 * Issue 13, round 17 read as dev: a yes run into a statement, rhetorical and double negatives, a stranger's symptom
 * told on, "never … this bad" as an intensity, and a topic named and denied mid-answer. The phrasings are this
 * file's own, not the data set's.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh').value;
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en').value;

describe('a yes run into a statement without a pause', () => {
  it('is the yes', () => {
    expect(en('E_181', 'yes nose is blocking at night')).toBe('yes');
    expect(en('E_45', 'yes blood came up with the cough, bright red')).toBe('yes');
  });

  it('leaves "yeah no" a no', () => {
    expect(en('E_201', 'yeah no, I am fine')).toBe('no');
  });
});

describe('a rhetorical or double negative', () => {
  it('reads 咳啥咳 and 那是没有的 as denials', () => {
    expect(zh('E_201', '咳啥咳，嗓子好好的')).toBe('no');
    expect(zh('E_91', '发烧那是没有的，就是来拿药')).toBe('no');
  });

  it('reads 不是不X and "can\'t say I haven\'t" as the finding', () => {
    expect(zh('E_201', '倒也不是不咳')).toBe('yes');
    expect(en('E_201', "can't say I haven't had a cough, on and off all day")).toBe('yes');
  });

  it('leaves 不是不想X before a 是… correction alone', () => {
    expect(zh('E_32', '不是不想吃饭，是牙疼嚼不动')).toBe('no');
  });

  it('keeps a plain 是没有停过 the finding', () => {
    expect(zh('E_201', '咳得厉害，是没有停过')).toBe('yes');
  });
});

describe('a denial of any pain or of the topic', () => {
  it('reads "nothing hurts" and a bare "X-wise" after a denial as no', () => {
    expect(en('E_53', 'nope, nothing aches')).toBe('no');
    expect(en('E_91', "nah, I'm fine temperature-wise")).toBe('no');
  });

  it('still reads a pain stated as yes', () => {
    expect(en('E_53', 'my knee hurts')).toBe('yes');
  });
});

describe('"never" with an intensity, and "never" before being sick', () => {
  it('is the finding at its worst', () => {
    const r = readAnswer({ id: 'E_53', kind: 'binary' }, "I've never had pain this severe", 'en');
    expect(r.value).toBe('yes');
    expect(en('E_66', 'never felt so short of breath')).toBe('yes');
  });

  it('is a denial of being sick', () => {
    expect(en('E_211', 'I never vomited, only felt queasy')).toBe('no');
    expect(en('E_211', 'never been sick')).toBe('no');
  });

  it('leaves "never" without an intensity a denial', () => {
    expect(en('E_66', 'I never get out of breath walking')).toBe('no');
  });
});

describe("a stranger's symptom, told on in a clause of its own", () => {
  it("is someone else's, not the patient's", () => {
    expect(zh('E_201', '办公室有个同事老咳嗽，咳起来停不下来')).toBe('other');
    expect(en('E_201', 'the man across the aisle kept coughing')).toBe('other');
  });

  it("keeps the patient's own clause after it", () => {
    expect(zh('E_201', '同事感冒了，我也咳嗽')).toBe('yes');
  });
});

describe('a topic named and denied mid-answer', () => {
  it('reads "but X, no" as a denial of X', () => {
    expect(en('E_201', "I'm only here for my knee, but cough, nope, none at all")).toBe('no');
  });

  it('reads "but me, no" as the patient\'s own no', () => {
    expect(en('E_211', 'the kids were all sick, my wife too, but me, no, I kept everything down')).toBe('no');
  });

  it('reads "but X, yes" as X', () => {
    expect(en('E_201', "I'm only here for my knee, but cough, yes, a bit")).not.toBe('no');
  });
});

describe('pink as a colour', () => {
  it('is a rash when it names spots, and still the fine colour of lips', () => {
    expect(en('E_129', 'pink spots came up on my legs')).toBe('yes');
    expect(en('E_66', 'no, my lips are pink')).toBe('no');
  });
});
