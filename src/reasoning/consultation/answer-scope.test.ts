import { describe, expect, it, vi } from 'vitest';
import type { AnswerQuestion } from './reading.js';
import { readAnswer, readDuration } from './reading.js';
import { redFlagsDeferred, redFlagsInText, statedIn } from './redflags.js';

const binary = (id: string): AnswerQuestion => ({ id, kind: 'binary' });
const value = (id: string, text: string, lang: 'zh' | 'en' = /[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en') =>
  readAnswer(binary(id), text, lang).value;
const ids = (flags: readonly { id: string }[]) => flags.map((f) => f.id);

describe('answer scope: rhetorical and double negatives', () => {
  it('reads 不X才怪, 说不X是骗你的 and 没有一处不X as X', () => {
    expect(value('E_89', '不累才怪，天天加班到半夜')).toBe('yes');
    expect(value('E_89', '说不累那是骗你的')).toBe('yes');
    expect(value('E_144', '浑身没有一处不酸的')).toBe('yes');
  });
  it('reads 哪儿X了 and X倒还不至于 as no', () => {
    expect(value('E_76', '我哪儿晕了，好着呢')).toBe('no');
    expect(value('E_148', '恶心倒还不至于')).toBe('no');
  });
  it('reads English double negatives and an echoed topic', () => {
    expect(value('E_148', "can't say I'm not nauseous, been queasy all day")).toBe('yes');
    expect(value('E_89', "tired? I'd be lying if I said no")).toBe('yes');
    expect(value('E_148', 'nausea, no way')).toBe('no');
    expect(value('E_91', 'fever no, chills yes')).toBe('no');
    // An opener is no echoed topic: "sort of, yeah" stays hedged, "oh yes, loads" a yes.
    expect(value('E_97', 'Sort of, yeah')).toBe('partly');
    expect(value('E_201', 'Oh yes, loads')).toBe('yes');
    expect(value('E_201', "cough's gone but my nose is still running")).toBe('no');
  });
});

describe('answer scope: whose symptom and when', () => {
  it("sets another person's clause aside when the patient speaks of themselves apart", () => {
    expect(value('E_201', '我不咳，是我老公一直在咳')).toBe('no');
    expect(value('E_91', '孩子他爸发烧了，我没事')).toBe('no');
    expect(value('E_148', "my wife's been sick to her stomach, I'm ok")).toBe('no');
  });
  it('keeps a relative speaking for the patient, and a symptom shared with them', () => {
    expect(value('E_201', '我妈一直在咳，晚上更厉害')).toBe('yes');
    expect(value('E_201', '我们全家都在咳，我也咳')).toBe('yes');
    expect(value('rf:stroke', '我没事，就是我妈说我嘴歪了')).not.toBe('no');
  });
  it('sets a remote past event aside beside a denial of now, but not a recent one for a red-flag check', () => {
    expect(value('rf:syncope', '十年前晕倒过一次，最近没有')).toBe('no');
    expect(value('E_51', 'had the runs last month but not now')).toBe('no');
    expect(value('rf:syncope', '上周晕倒过一次，最近没有')).not.toBe('no');
  });
  it('reads "the same as every year" to a red-flag check as no', () => {
    expect(value('rf:severe-breathlessness', '跟往年一样')).toBe('no');
  });
  it('reads a question clause beside an answer as no statement', () => {
    expect(value('rf:stroke', '没有，嘴歪是不是中风的表现？')).toBe('no');
    expect(value('rf:chest-pain', 'no, but does chest pain always mean a heart attack?')).toBe('no');
    expect(['yes', 'partly']).toContain(value('rf:chest-pain', '胸口一直压着疼，这是心梗吗？'));
  });
});

describe('durations in dialect', () => {
  it('reads 俩, 仨, 半拉, 个把 and 大半年', () => {
    expect(readDuration('都俩礼拜了')).toMatchObject({ value: 2, unit: 'week' });
    expect(readDuration('仨钟头')).toMatchObject({ value: 3, unit: 'hour' });
    expect(readDuration('得有半拉月了')).toMatchObject({ value: 0.5, unit: 'month' });
    expect(readDuration('有个把月了')).toMatchObject({ value: 1, unit: 'month' });
    expect(readDuration('大半年了')).toMatchObject({ value: 0.5, unit: 'year' });
  });
  it('takes an onset by weekday as an answer to when', () => {
    expect(readAnswer({ id: 'duration', kind: 'slot', slot: 'duration' }, 'since last Tuesday', 'en').value).toBe(
      'yes',
    );
  });
});

describe('red-flag screen: whose symptom, questions, look-alikes', () => {
  it("asks the check for another person's flag beside the patient's own complaint", () => {
    const text = '我老公昨天拉黑便，我自己就是肚子有点胀';
    expect(redFlagsInText(text)).toEqual([]);
    expect(redFlagsDeferred(text).length).toBeGreaterThan(0);
    expect(redFlagsInText('my girlfriend had the worst headache of her life, mine is just a mild one')).toEqual([]);
  });
  it('keeps the exit when a relative speaks for the patient', () => {
    expect(ids(redFlagsInText('我爸刚才说话突然说不利索了，左边胳膊抬不起来'))).toContain('stroke');
  });
  it('asks the check for a flag named only in a question', () => {
    const text = "does chest pain always mean a heart attack? I don't have any, just asking";
    expect(redFlagsInText(text)).toEqual([]);
    expect(ids(redFlagsDeferred(text))).toContain('chest-pain');
  });
  it('defers a tight throat after singing, but not with swelling or breathlessness', () => {
    expect(redFlagsInText('昨晚唱K唱了四个钟头，今天嗓子发紧发哑')).toEqual([]);
    expect(ids(redFlagsDeferred('昨晚唱K唱了四个钟头，今天嗓子发紧发哑'))).toContain('anaphylaxis');
    expect(ids(redFlagsInText('唱完歌嗓子发紧，嘴唇也肿起来了，喘不上气'))).toContain('anaphylaxis');
  });
  it('asks the check for a flag the patient only read or heard about', () => {
    const text = "I read that a sudden worst-ever headache is dangerous - I don't have one, just want advice";
    expect(redFlagsInText(text)).toEqual([]);
    expect(ids(redFlagsDeferred(text))).toContain('thunderclap-headache');
  });
  it("does not take another person's sign as stated for a check", () => {
    const bleeding = { zh: ['出血'], en: ['spotting', 'bleeding'] };
    expect(statedIn("my sister had spotting in her pregnancy, but I'm fine", bleeding)).toBeUndefined();
    expect(statedIn("I'm 8 weeks and I've had some spotting", bleeding)).toBe('yes');
  });
  it("treats an old event as history when today's complaint is set against it", () => {
    const text = 'I passed out once years ago giving blood, today it is just a cold';
    expect(ids(redFlagsInText(text))).not.toContain('syncope');
    expect(ids(redFlagsInText('I passed out years ago and again today'))).toContain('syncope');
  });
});

describe('reading is independent of what was read before', () => {
  const items: [string, string][] = [
    ['rf:syncope', '差点晕倒，但是没晕'],
    ['rf:syncope', 'nearly fainted but didn’t'],
    ['E_201', '我不咳，是我老公一直在咳'],
    ['E_91', '烧了仨天了，最高39度'],
    ['rf:chest-pain', '胸口不疼，胸痛是不是就是心梗啊？'],
  ];
  const show = (r: ReturnType<typeof readAnswer>) => JSON.stringify([r.value, r.present, r.absent, r.duration]);
  it('reads each item the same cold (fresh modules) and after the others', async () => {
    for (const [k, [id, text]] of items.entries()) {
      vi.resetModules();
      const cold = await import('./reading.js');
      const first = show(cold.readAnswer(binary(id), text, /[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en'));
      for (const [otherId, other] of [...items.slice(k + 1), ...items.slice(0, k)])
        cold.readAnswer(binary(otherId), other, /[\u4e00-\u9fff]/.test(other) ? 'zh' : 'en');
      expect(show(cold.readAnswer(binary(id), text, /[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en'))).toBe(first);
    }
  }, 120_000);
});
