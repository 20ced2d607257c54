import { describe, expect, it } from 'vitest';
import { imagesIn } from './imagery.js';
import { normalisePatientSpeech } from './patient-speech.js';
import { pinyinToHanzi } from './pinyin.js';
import { readAnswer, readDuration } from './reading.js';
import { readTopic } from './topics.js';

const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');

describe('patient imagery (McGill descriptor classes and everyday images)', () => {
  it('reads an image of the pain asked about as a yes, with its character', () => {
    expect(zh('E_53', '后背像针扎似的')).toMatchObject({ value: 'yes', present: ['E_53'] });
    expect(imagesIn('后背像针扎似的', 'zh', ['E_53'])).toEqual([
      expect.objectContaining({ quality: 'punctate', says: 'present' }),
    ]);
    expect(en('E_53', "My head feels like it's in a vice")).toMatchObject({ value: 'yes', present: ['E_53'] });
    expect(imagesIn("My head feels like it's in a vice", 'en', ['E_53'])[0]?.quality).toBe('constrictive');
    expect(zh('rf:chest-pain', '像有块石头压着').value).toBe('yes');
  });

  it('takes a severity only from an image that says how bad', () => {
    expect(en('E_97', 'Like swallowing broken glass')).toMatchObject({ value: 'yes', severity: 8 });
    expect(zh('E_53', '后背像针扎似的').severity).toBeUndefined();
  });

  it('reads images of other findings, and a calm image as a no', () => {
    expect(zh('E_91', '整个人像个小火炉').value).toBe('yes');
    expect(zh('E_94', '冷得跟掉进冰窖似的').value).toBe('yes');
    expect(en('E_155', "My heart's flapping like a bird in a cage").value).toBe('yes');
    expect(zh('E_155', '心跳稳得跟钟表似的')).toMatchObject({ value: 'no', absent: ['E_155'] });
  });

  it('does not read the literal words inside an image, nor an image under a negation', () => {
    // 晕车 is the image of the nausea, not dizziness.
    expect(zh('E_148', '像晕车一样犯恶心')).toMatchObject({ value: 'yes', present: ['E_148'] });
    // An image that answers another question states nothing here.
    expect(zh('E_76', '像晕车一样').value).toBe('other');
    expect(imagesIn('不是针扎那种', 'zh', ['E_53'])[0]?.says).toBe('none');
  });
});

describe('question polarity (data/question-polarity.json)', () => {
  it('reads a loss question: the function failing is a yes, working or unchanged a no', () => {
    expect(zh('E_32', '饭量只有以前一半')).toMatchObject({ value: 'yes', present: ['E_32'] });
    expect(en('E_32', 'I can hardly finish a meal').value).toBe('yes');
    expect(en('E_32', "If anything I'm hungrier than usual")).toMatchObject({ value: 'no', absent: ['E_32'] });
    expect(zh('E_89', '晚上睡不好，白天老打瞌睡').value).toBe('yes');
    expect(zh('E_89', '精神头挺足的').value).toBe('no');
    expect(en('E_103', 'I can still smell perfectly well').value).toBe('no');
    expect(zh('E_66', '不是喘不上气，喘气挺顺的').value).toBe('no');
  });

  it('reads a symptom topic negated or unchanged as a no', () => {
    expect(zh('E_45', '咳嗽从来没带过血')).toMatchObject({ value: 'no', absent: ['E_45'] });
    expect(zh('E_50', '出汗没什么变化')).toMatchObject({ value: 'no', absent: ['E_50'], present: [] });
    // 动不动 is "at the slightest thing", no negation.
    expect(zh('E_50', '动不动就一身汗').value).toBe('yes');
  });

  it('reads the fever-rash check inversely: a rash that does not fade is the danger', () => {
    expect(en('rf:fever-rash', "They don't fade when I press them").value).toBe('yes');
    expect(zh('rf:fever-rash', '按下去颜色也不退').value).toBe('yes');
    expect(zh('rf:fever-rash', '按一下就褪了').value).toBe('no');
    expect(readTopic('rf:fever-rash', 'The spots stay when I press a glass on them', 'en').value).toBe('yes');
  });

  it('knows no polarity for a question without one', () => {
    expect(readTopic('E_201', '不咳嗽', 'zh')).toEqual({ value: undefined, onTopic: false });
  });
});

describe('unsure, spoken English and colloquial Chinese', () => {
  it('reads a finding named inside what the patient cannot tell as unknown, asserting nothing', () => {
    expect(zh('E_155', '心跳快不快我也分辨不出来')).toMatchObject({ value: 'unknown', present: [], absent: [] });
    expect(zh('E_50', '出汗多不多没留心').value).toBe('unknown');
    expect(en('E_50', "hard to say whether I'm sweating more, it's been so hot").value).toBe('unknown');
    expect(en('rf:syncope', "I was alone, so I don't know if I blacked out").value).toBe('unknown');
  });

  it('reads interjections, attitude words and double negatives around a yes or a no', () => {
    expect(en('E_51', 'Afraid so').value).toBe('yes');
    expect(en('E_51', 'Oh god, yes').value).toBe('yes');
    expect(en('E_45', 'Thankfully not').value).toBe('no');
    expect(en('rf:self-harm', 'Hell no').value).toBe('no');
    expect(en('E_155', 'Negative on that one').value).toBe('no');
    expect(en('E_97', 'Yessir').value).toBe('yes');
    expect(en('E_89', "I'm never not tired").value).toBe('yes');
    expect(zh('E_201', '哪能不咳').value).toBe('yes');
  });

  it('reads English hedges of degree as partly, but a rated mild pain as a yes', () => {
    expect(en('E_91', 'just a slight temperature, I think').value).toBe('partly');
    expect(en('E_89', 'tired-ish, some days').value).toBe('partly');
    expect(en('E_53', "The pain's only mild, like a 2").value).toBe('yes');
  });

  it('undoes dialect words, typing slips, ABB adjectives and location words before reading', () => {
    expect(normalisePatientSpeech('鼻子里头刺挠得慌', 'zh')).toContain('鼻子痒');
    expect(zh('E_169', '鼻子里头刺挠得慌').value).toBe('yes');
    expect(zh('E_201', '克嗽，晚上更厉害').value).toBe('yes');
    expect(normalisePatientSpeech('全身都酸溜溜的', 'zh')).toBe('都全身酸的');
    expect(normalisePatientSpeech('小腿肚子抽筋', 'zh')).toBe('小腿抽筋');
    expect(zh('E_51', '跑了一晚上茅房').value).toBe('yes');
  });

  it('reads an answer typed in pinyin as Chinese', () => {
    expect(pinyinToHanzi('houlong tong')).toBe('喉咙痛');
    expect(pinyinToHanzi('fa shao le 38 du')).toBe('发烧了38度');
    expect(pinyinToHanzi('not sure')).toBe('not sure');
    expect(zh('E_181', 'bi zi du le').value).toBe('yes');
    expect(zh('E_201', 'wo ye bu qing chu').value).toBe('unknown');
  });
});

describe('durations given as a range', () => {
  it('keeps both bounds in the unit said', () => {
    expect(readDuration('三四天了')).toEqual({ value: 3, unit: 'day', upTo: 4 });
    expect(readDuration('二三十分钟')).toEqual({ value: 20, unit: 'minute', upTo: 30 });
    expect(readDuration('十一二天')).toEqual({ value: 11, unit: 'day', upTo: 12 });
    expect(readDuration('somewhere between two and three weeks')).toEqual({ value: 2, unit: 'week', upTo: 3 });
    expect(readDuration('一个半月')).toEqual({ value: 1.5, unit: 'month' });
    expect(readDuration('大前儿个开始的')).toEqual({ value: 3, unit: 'day' });
  });
});
