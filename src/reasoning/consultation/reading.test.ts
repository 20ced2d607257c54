import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';
import { redFlagChecksFor, redFlagsInText } from './redflags.js';

const zh = (id: string, text: string, kind: 'binary' | 'slot' = 'binary') =>
  readAnswer({ id, kind, ...(kind === 'slot' ? { slot: id } : {}) }, text, 'zh');
const en = (id: string, text: string, kind: 'binary' | 'slot' = 'binary') =>
  readAnswer({ id, kind, ...(kind === 'slot' ? { slot: id } : {}) }, text, 'en');

describe('readAnswer (DDXPlus evidence codes without a network)', () => {
  it('reads colloquial yes and hedged answers as the asked finding', () => {
    expect(zh('E_144', '浑身酸痛')).toMatchObject({ value: 'yes', present: ['E_144'] });
    expect(zh('E_97', '嗓子有点疼')).toMatchObject({ value: 'partly', present: ['E_97'] });
    expect(zh('E_91', '好像有点发烧')).toMatchObject({ value: 'partly', present: ['E_91'] });
    expect(zh('E_201', '偶尔咳几声')).toMatchObject({ value: 'partly', present: ['E_201'] });
    expect(zh('E_201', '没怎么咳')).toMatchObject({ value: 'partly', present: ['E_201'] });
    expect(en('E_91', 'a little')).toMatchObject({ value: 'partly', present: ['E_91'] });
    expect(en('E_91', 'I think so')).toMatchObject({ value: 'partly' });
  });

  it('reads colloquial negation, and unsure answers as unknown', () => {
    expect(zh('E_91', '不发烧')).toMatchObject({ value: 'no', absent: ['E_91'], present: [] });
    expect(zh('E_91', '没有')).toMatchObject({ value: 'no', absent: ['E_91'] });
    expect(en('E_201', "I don't cough")).toMatchObject({ value: 'no', absent: ['E_201'] });
    expect(zh('E_91', '不知道，没量过')).toMatchObject({ value: 'unknown', present: [], absent: [] });
    expect(en('E_91', 'not sure')).toMatchObject({ value: 'unknown' });
  });

  it('splits an answer into several facts', () => {
    const r = zh('E_201', '不咳嗽但是嗓子疼');
    expect(r.value).toBe('no');
    expect(r.absent).toEqual(['E_201']);
    expect(r.present).toEqual(['E_97']);
    expect(r.extra).toEqual([expect.objectContaining({ text: '嗓子疼', present: true, concept: 'E_97' })]);
    const e = en('E_91', 'no, but my throat hurts');
    expect(e).toMatchObject({ value: 'no', absent: ['E_91'], present: ['E_97'] });
  });

  it('keeps an answer that does not fit the question, never forcing it into yes', () => {
    const r = zh('E_181', '有点黄痰');
    expect(r.value).toBe('other');
    expect(r.present).toEqual(['E_77']);
    expect(r.absent).toEqual([]);
    const off = zh('E_91', '我想问一下医保能报吗');
    expect(off.value).toBe('other');
    expect(off.extra).toEqual([{ text: '我想问一下医保能报吗', present: true }]);
  });

  it('reads durations, severity, site and quantities', () => {
    expect(zh('duration', '三天了', 'slot')).toMatchObject({ value: 'yes', duration: { value: 3, unit: 'day' } });
    expect(en('E_91', 'yes, since yesterday')).toMatchObject({ value: 'yes', duration: { value: 1, unit: 'day' } });
    expect(zh('severity', '7分', 'slot').severity).toBe(7);
    expect(zh('severity', '疼得受不了', 'slot').severity).toBe(8);
    expect(zh('site', '胸口', 'slot')).toMatchObject({ value: 'yes', site: '胸部' });
    expect(en('site', 'in my lower back', 'slot').site).toBe('lower back');
    expect(zh('E_91', '烧到39度').quantity).toEqual({ value: 39, unit: '度', text: '39度' });
  });

  it('gives a clear error for an empty answer', () => {
    expect(() => zh('E_91', '  ')).toThrow(/empty/);
  });
});

describe('red flags from colloquial words', () => {
  const ids = (t: string) => redFlagsInText(t).map((f) => f.id);
  it('catches colloquial and combined statements', () => {
    expect(ids('胸口像压了块大石头，出冷汗')).toContain('chest-pain');
    expect(ids('头疼，一辈子没这么疼过')).toContain('thunderclap-headache');
    expect(ids('我爸突然说话不清楚、一边手没劲')).toContain('stroke');
    expect(ids('怀孕32周，下面出血了')).toContain('pregnancy-bleeding-pain');
    expect(ids('I have crushing pressure in my chest')).toContain('chest-pain');
    expect(ids('活着没意思，不想活了')).toContain('self-harm');
    expect(ids('吃了一整瓶安眠药')).toContain('overdose');
    // Chest tightness (胸闷) with sweating.
    expect(ids('胸口闷得慌，出了一身冷汗')).toContain('chest-pain');
    expect(ids('my chest feels like an elephant is sitting on it and I am sweating')).toContain('chest-pain');
  });
  it('does not read a little breathlessness as severe dyspnoea, nor benign complaints as emergencies', () => {
    expect(ids('有点喘不上气')).toEqual([]);
    for (const t of [
      '膝盖疼两周',
      '咳嗽三天，有点黄痰',
      '嗓子疼，流鼻涕',
      '没有胸痛，就是胃有点胀',
      'runny nose and sneezing',
      '孩子发烧两天了',
      '胸口有点闷，没出汗',
    ])
      expect(ids(t)).toEqual([]);
  });
  it('chooses two or three checks that fit the complaint', () => {
    expect(redFlagChecksFor('有点喘不上气').map((f) => f.id)).toContain('severe-breathlessness');
    expect(redFlagChecksFor('头疼两天').map((f) => f.id)).toEqual(
      expect.arrayContaining(['thunderclap-headache', 'stroke']),
    );
    expect(redFlagChecksFor('头疼两天').length).toBeLessThanOrEqual(3);
  });
});

describe('readAnswer on location questions without a network', () => {
  it('maps a colloquial body site to DDXPlus location values', () => {
    const r = readAnswer({ id: 'E_55', kind: 'multi' }, '胸口这里', 'zh');
    expect(r.value).toBe('yes');
    expect(r.site).toBe('胸部');
    expect(r.present).toEqual(expect.arrayContaining(['E_55@V_29', 'E_55@V_101']));
  });
});

describe('readAnswer: colloquial mechanisms (issue 13)', () => {
  it('reads a temperature as a number against the 37.3 °C fever threshold', () => {
    expect(zh('E_91', '早上量的37度9')).toMatchObject({ value: 'yes', present: ['E_91'] });
    expect(zh('E_91', '三十八度半')).toMatchObject({ value: 'yes' });
    expect(zh('E_91', '36.8，正常')).toMatchObject({ value: 'no', absent: ['E_91'] });
    expect(en('E_91', 'it was 39.2 last night')).toMatchObject({ value: 'yes' });
    expect(en('E_91', "haven't measured it")).toMatchObject({ value: 'unknown' });
  });

  it('reads "none" in history slots, and a medicine named to the allergy question as off-topic', () => {
    expect(zh('allergies', '我什么都不过敏', 'slot').value).toBe('no');
    expect(en('allergies', 'No known drug allergies', 'slot').value).toBe('no');
    expect(zh('allergies', '青霉素过敏', 'slot').value).toBe('yes');
    expect(zh('allergies', '每天吃阿司匹林', 'slot').value).toBe('other');
    expect(en('medications', 'not taking anything', 'slot').value).toBe('no');
  });

  it('keeps not knowing apart from a denial in history slots (an unknown allergy status is not "no allergies")', () => {
    expect(zh('allergies', '不知道对什么药过敏没有', 'slot').value).toBe('unknown');
    expect(zh('allergies', '记不清有没有药物过敏', 'slot').value).toBe('unknown');
    expect(en('allergies', "I don't know whether I have any allergies", 'slot').value).toBe('unknown');
    expect(zh('medications', '忘了吃的是什么药', 'slot').value).toBe('unknown');
    expect(zh('allergies', '没有药物过敏', 'slot').value).toBe('no');
  });

  it('reads a finding named then denied, and a short denial before another finding', () => {
    expect(zh('E_91', '发烧倒是不发烧')).toMatchObject({ value: 'no' });
    expect(zh('E_76', '不晕，就是没劲')).toMatchObject({ value: 'no', present: ['E_89'] });
  });

  it('reads durations said in everyday words', () => {
    expect(zh('duration', '快两个礼拜了', 'slot').duration).toEqual({ value: 2, unit: 'week' });
    expect(zh('duration', '十来天', 'slot').duration).toEqual({ value: 10, unit: 'day' });
    expect(zh('duration', '两个多月了', 'slot').duration).toEqual({ value: 2, unit: 'month' });
    expect(zh('duration', '二十分钟前开始的', 'slot').duration).toEqual({ value: 20, unit: 'minute' });
    expect(en('duration', 'about a fortnight', 'slot').duration).toEqual({ value: 2, unit: 'week' });
    expect(en('duration', 'three hours ago', 'slot').duration).toEqual({ value: 3, unit: 'hour' });
  });

  it('reads a severity word under negation as mild, and a severe degree never as a hedge', () => {
    expect(zh('E_53', '有点疼，不算严重').severity).toBe(2);
    expect(en('E_97', 'not that bad').severity).toBe(2);
    expect(en('E_97', 'my throat is really painful').value).toBe('yes');
  });

  it('reads red-flag checks safety first: any mention of the danger is yes, a plain denial no', () => {
    expect(zh('rf:self-harm', '有时候觉得活着没意思').value).toBe('yes');
    expect(zh('rf:syncope', '昨天在厕所晕过去一次')).toMatchObject({ value: 'yes' });
    expect(zh('rf:chest-pain', '胸口发紧，压得慌').value).toBe('yes');
    expect(en('rf:stroke', 'my left arm feels weak')).toMatchObject({ value: 'yes' });
    expect(zh('rf:major-bleeding', '没有，大便是黄的')).toMatchObject({ value: 'no' });
    expect(zh('rf:major-bleeding', '大便不黑')).toMatchObject({ value: 'no' });
    expect(en('rf:syncope', 'almost passed out but no')).toMatchObject({ value: 'no' });
    expect(zh('rf:thunderclap-headache', '和以前的偏头痛一样')).toMatchObject({ value: 'no' });
  });

  it('never reads doubt in an answer to a red-flag check as a no (ambiguous counts as positive)', () => {
    for (const [q, t] of [
      ['rf:fever-rash', '腿上起了些红点点，没试过按，也不确定会不会消'],
      ['rf:thunderclap-headache', '早上起来就疼了，记不清是不是一下子疼起来的'],
      ['rf:major-bleeding', '没注意大便颜色'],
    ] as const)
      expect(zh(q, t).value, t).not.toBe('no');
    expect(en('rf:fever-rash', "some spots, I haven't checked whether they fade, not sure").value).not.toBe('no');
  });
});

describe('readAnswer: patient speech that was not tuned on (issue 13, generalisation)', () => {
  const zh = (q: string, t: string, kind: 'binary' | 'slot' = 'binary') =>
    readAnswer({ id: q, kind, ...(kind === 'slot' ? { slot: q } : {}) }, t, 'zh');
  const en = (q: string, t: string, kind: 'binary' | 'slot' = 'binary') =>
    readAnswer({ id: q, kind, ...(kind === 'slot' ? { slot: q } : {}) }, t, 'en');

  it('reads dialect negations through the NLP stage (冇, 唔, 没得)', () => {
    expect(zh('E_201', '冇咳')).toMatchObject({ value: 'no', absent: ['E_201'] });
    expect(zh('E_97', '喉咙唔痛').value).toBe('no');
    expect(zh('E_91', '没得发烧').value).toBe('no');
  });

  it('reads not knowing with a degree word in between, before any hedge or denial inside it', () => {
    expect(zh('E_144', '不太清楚').value).toBe('unknown');
    expect(zh('E_155', '没太注意').value).toBe('unknown');
    expect(zh('E_91', '家里没体温计').value).toBe('unknown');
    expect(en('E_66', 'hard to tell').value).toBe('unknown');
  });

  it('splits scope: a denied finding and another one stated are two facts', () => {
    expect(zh('E_97', '嗓子不疼，就是痒')).toMatchObject({ value: 'no', present: ['E_169'] });
    expect(en('E_201', 'no cough, my throat is sore')).toMatchObject({ value: 'no', present: ['E_97'] });
    expect(en('E_97', "throat's fine but I'm coughing a lot")).toMatchObject({ value: 'no', present: ['E_201'] });
    expect(zh('E_32', '胃口还行，不恶心')).toMatchObject({
      value: 'no',
      absent: expect.arrayContaining(['E_32', 'E_148']),
    });
  });

  it('keeps an answer that does not fit the question as other, never a yes', () => {
    expect(zh('E_155', '我血压有点高').value).toBe('other');
    expect(zh('medications', '我想问能不能喝酒', 'slot').value).toBe('other');
    expect(zh('allergies', '我有糖尿病', 'slot').value).toBe('other');
    expect(zh('medications', '吃了点感冒灵', 'slot').value).toBe('yes');
  });

  it('takes a bare rating or a bare "how bad" as the symptom being there', () => {
    expect(zh('E_53', '三分')).toMatchObject({ value: 'yes', severity: 3 });
    expect(en('E_97', "agony, can't even swallow water")).toMatchObject({ value: 'yes', severity: 8 });
    expect(zh('E_32', '我睡不着觉').value).toBe('other');
  });

  it('keeps every ambiguous answer to a red-flag check positive for the session (anything but no)', () => {
    for (const t of ['好像有点', '说不好', '嗯…', '胸口偶尔有点闷'])
      expect(zh('rf:chest-pain', t).value).not.toBe('no');
    for (const t of ['maybe a bit of tightness', 'not sure', 'kind of'])
      expect(en('rf:chest-pain', t).value).not.toBe('no');
    expect(zh('rf:chest-pain', '胸口偶尔有点闷').value).toBe('partly');
    expect(zh('rf:chest-pain', '不疼').value).toBe('no');
    expect(zh('rf:self-harm', '有时候觉得活着没意思').value).toBe('yes');
  });
});

describe('red-flag screening: a denial inside the phrase', () => {
  it('does not raise a flag the patient denies in the same breath', () => {
    expect(redFlagsInText('吃了虾以后起了些疹子，舌头和喉咙也不肿').map((f) => f.id)).not.toContain('anaphylaxis');
    expect(redFlagsInText('怀孕20周了，这两天有点便秘，没有出血').map((f) => f.id)).not.toContain(
      'pregnancy-bleeding-pain',
    );
    expect(redFlagsInText('怀孕20周，今天下面出血了').map((f) => f.id)).toContain('pregnancy-bleeding-pain');
    expect(redFlagsInText('血止不住').map((f) => f.id)).toContain('major-bleeding');
  });
});
