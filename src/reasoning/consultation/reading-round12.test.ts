import { describe, expect, it } from 'vitest';
import { normalisePatientSpeech } from './patient-speech.js';
import { readAnswer, readDuration } from './reading.js';

/**
 * Issue 13, twelfth round of the answer reader: a space typed as a pause, 闽南 / 吴 / 西南 negations and words
 * (袂, 無, 弗, 没得, V甲), a negation between a body part and what it feels, regional and second-language English
 * (ticker, crook, puffed, pengsan, stooling, "fever no have"), a symptom put down to the surroundings, unsure
 * answers without a "don't know" word (a child who cannot say, a message not back, no effort made, bowel prep), and
 * red-flag answers stated in new words (only ever more positive). Rules and data only; the phrasings here are the
 * tests' own, not those of the benchmark files.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');
const rf = (flag: string, text: string, lang: 'zh' | 'en') =>
  readAnswer({ id: `rf:${flag}`, kind: 'binary' }, text, lang);
const duration = (text: string, lang: 'zh' | 'en') =>
  readAnswer({ id: 'duration', kind: 'slot', slot: 'duration' }, text, lang);

describe('a space typed between Chinese words', () => {
  it('reads it as a pause, so the clause rules apply', () => {
    expect(zh('E_91', '烧是没烧 身上倒是发冷')).toMatchObject({ value: 'no', present: ['E_94'] });
    expect(zh('E_94', '冷是不冷 就是没劲')).toMatchObject({ value: 'no' });
    expect(zh('E_51', '拉稀 还有点恶心').value).toBe('yes');
  });
});

describe('dialect negations and words', () => {
  it('reads 闽南 袂 / 無 / 攏, 吴 勿 / 弗, 西南 没得 as not', () => {
    expect(zh('E_66', '袂喘，爬楼梯也真顺').value).toBe('no');
    expect(zh('E_201', '攏無咳').value).toBe('no');
    expect(zh('E_97', '喉咙弗痛').value).toBe('no');
    expect(zh('E_91', '没得发烧，好得很').value).toBe('no');
    expect(zh('E_51', '没得拉稀').value).toBe('no');
  });

  it('reads 闽南 嗽, 眩 and the complement 甲 after a symptom verb', () => {
    expect(zh('E_201', '暗时嗽甲睏袂去').value).toBe('yes');
    expect(zh('E_76', '头眩甲欲倒').value).toBe('yes');
    expect(normalisePatientSpeech('指甲有点发黄', 'zh')).toContain('指甲');
    expect(normalisePatientSpeech('头晕目眩', 'zh')).toContain('目眩');
  });

  it('keeps an either-or question before a negation whole, and still undoes a doubled word', () => {
    expect(normalisePatientSpeech('哑没哑没注意', 'zh')).toBe('哑没哑没注意');
    expect(normalisePatientSpeech('心里扑腾扑腾的', 'zh')).toContain('扑腾的');
    expect(zh('E_212', '说话少，声音哑没哑没留意').value).toBe('unknown');
  });

  it('reads a negation between a body part and what it feels', () => {
    expect(zh('E_144', '身上不酸')).toMatchObject({ value: 'no', absent: ['E_144'] });
    expect(zh('E_76', '头不晕，就是有点累').value).toBe('no');
  });

  it('reads a day counted with 工, a 粤 yesterday, and a span given without the exact day', () => {
    expect(readDuration(normalisePatientSpeech('四工矣', 'zh'))).toMatchObject({ value: 4, unit: 'day' });
    expect(duration('噚日开始咳', 'zh').duration).toMatchObject({ value: 1, unit: 'day' });
    expect(duration('大概两三个礼拜，具体哪天记不清了', 'zh').value).toBe('yes');
    expect(duration('started the night before last', 'en').duration).toMatchObject({ value: 2, unit: 'day' });
  });
});

describe('regional and second-language English', () => {
  it('reads Australian and NZ words', () => {
    expect(en('E_155', "ticker's been racing like mad").value).toBe('yes');
    expect(en('E_64', 'I get puffed walking up the stairs').value).toBe('yes');
    expect(en('E_148', 'been crook all day and feel like chucking').value).toBe('yes');
    // 'puffed up' is swelling, never breathlessness (dev12: read as swollen).
    expect(normalisePatientSpeech('my ankles are puffed up', 'en')).toContain('swollen');
  });

  it('reads West African, Scots, Malaysian and Singapore words', () => {
    expect(en('E_181', 'my nose close since morning').value).toBe('yes');
    expect(en('E_51', 'stooling watery since morning').value).toBe('yes');
    expect(en('E_76', 'the heid is birlin').value).toBe('yes');
    expect(en('E_91', 'fever no have lah').value).toBe('no');
    expect(rf('syncope', 'pengsan at the bus stop this morning', 'en').value).toBe('yes');
  });

  it('reads a degree with its article dropped as a hedge', () => {
    expect(en('E_148', 'Bit queasy after lunch').value).toBe('partly');
    expect(en('E_94', 'bit shivery at night').value).toBe('partly');
  });

  it('reads a yes or no run into its clause, and a yes taken back by "actually"', () => {
    expect(en('E_97', 'no my throat feels fine').value).toBe('no');
    expect(en('E_211', 'yeah - actually no, it was my son who threw up').value).toBe('no');
  });

  it('reads breathlessness said with the effort that brings it on, and its absence', () => {
    expect(en('E_64', 'out of breath by the top of the hill').value).toBe('yes');
    expect(en('E_64', 'I walk up hills without getting out of breath').value).toBe('no');
  });
});

describe('a symptom put down to the surroundings', () => {
  it('does not tell sweating, chills or feeling hot', () => {
    expect(en('E_50', "it's 40 degrees out here, everyone's sweating").value).toBe('unknown');
    expect(zh('E_94', '暖气坏了，全家都冷得打哆嗦').value).toBe('unknown');
  });

  it('leaves other findings read as said', () => {
    expect(zh('E_32', '天热得，饭都吃不下').value).toBe('yes');
  });
});

describe('unsure without a "don\'t know" word', () => {
  it('reads a patient who cannot say, or a message not back', () => {
    expect(zh('E_97', '宝宝才半岁，疼不疼她哪会讲').value).toBe('unknown');
    expect(zh('E_211', '在外婆家住的，吐没吐她还没回消息').value).toBe('unknown');
    expect(zh('E_51', '尿布都是外婆换的，我没看到').value).toBe('unknown');
  });

  it('reads a device said to be unreliable', () => {
    expect(zh('E_91', '体温计一会儿三十六一会儿三十九，这玩意儿不准').value).toBe('unknown');
  });

  it('reads no effort made to the effort question, and bowel prep to the diarrhoea question', () => {
    expect(en('E_64', "been bed-bound since the fall, haven't walked at all").value).toBe('unknown');
    expect(zh('E_64', '住院这几天一直卧床，没下过地').value).toBe('unknown');
    expect(en('E_51', "I'm doing the bowel prep for tomorrow's scope, it's all liquid").value).toBe('unknown');
  });

  it('reads alone or asleep at the time', () => {
    expect(en('E_214', 'I sleep alone so no one would hear it').value).toBe('unknown');
  });
});

describe('whose symptom', () => {
  it('sets aside someone outside the household, and reads a question as no yes', () => {
    expect(zh('E_201', '同屋的室友天天咳，我自己好好的').value).toBe('no');
    expect(zh('E_201', '病房里隔壁床的咳了一晚上').value).toBe('other');
    expect(en('E_91', 'my workmate had a fever last week, is it going round?').value).toBe('other');
    expect(zh('E_94', '会不会是着凉了').value).not.toBe('yes');
  });

  it("reads a bare no beside another person's clause as the patient's no", () => {
    expect(zh('E_211', '没有，是我闺女吐的')).toMatchObject({ value: 'no' });
  });

  it('reads mouthfuls spat in an answer about phlegm as no vomiting', () => {
    expect(zh('E_77', '痰黄黄的，早上吐了好几口').present).not.toContain('E_211');
  });
});

describe('findings in new words', () => {
  it('reads a later clause that denies a named finding', () => {
    expect(zh('E_181', '鼻子通的，鼻涕也没有').value).toBe('no');
  });

  it('reads 喘气 through the nose or mouth as breathing, not breathlessness', () => {
    const r = zh('E_181', '鼻子堵了，只能用嘴喘气');
    expect(r.value).toBe('yes');
    expect(r.present).not.toContain('E_66');
  });

  it('reads blood in the sputum and its denial', () => {
    expect(zh('E_45', '咳出来的痰里夹着几丝血').value).toBe('yes');
    expect(en('E_45', 'no blood in anything I cough up').value).toBe('no');
  });

  it('reads clear sputum, not much of it, as a no to the coloured-sputum question', () => {
    expect(zh('E_77', '痰是透明的，量也不多').value).toBe('no');
  });
});

describe('chat shorthand, dates and readings', () => {
  it('reads a tick as stated and a cross as denied', () => {
    expect(zh('E_201', '咳嗽✅ 发烧❌')).toMatchObject({ value: 'yes', absent: ['E_91'] });
    expect(en('E_201', 'cough ✔ fever ✘')).toMatchObject({ value: 'yes', absent: ['E_91'] });
  });

  it('counts the days from the onset weekday to today', () => {
    expect(readDuration('started on Tuesday, today is Friday')).toMatchObject({ value: 3, unit: 'day' });
    expect(readDuration('星期二开始的，今天星期六')).toMatchObject({ value: 4, unit: 'day' });
  });

  it('reads a range said with 到 by its lower bound, and a whole week', () => {
    expect(readDuration('两到四天')).toMatchObject({ value: 2, unit: 'day', upTo: 4 });
    expect(duration('coughing the whole week', 'en').duration).toMatchObject({ value: 1, unit: 'week' });
  });

  it('reads a fever reading beside another finding, and no fever in hay fever', () => {
    expect(en('E_94', 'shivering, and the thermometer said 38.6').present).toContain('E_91');
    expect(en('E_169', 'hay fever again, my eyes and nose itch').present).not.toContain('E_91');
  });

  it('reads a negated degree word as mild, and "the odd" one as a hedge', () => {
    expect(en('E_51', 'a bit, not very runny').severity).toBe(2);
    expect(en('E_201', 'just the odd cough in the morning').value).toBe('partly');
  });
});

describe('red-flag checks read only more positive', () => {
  it('reads waking on the floor and a swollen tongue as the danger', () => {
    expect(rf('syncope', '醒过来发现自己倒在厨房地上', 'zh').value).toBe('yes');
    expect(rf('syncope', 'came to on the bathroom floor', 'en').value).toBe('yes');
    expect(rf('anaphylaxis', 'my tongue feels fat and strange', 'en').value).not.toBe('no');
  });

  it('does not read the surroundings as doubt on a red-flag check', () => {
    expect(rf('anaphylaxis', "the heating's broken, but my lips are swelling up", 'en').value).toBe('yes');
  });
});
