import { describe, expect, it } from 'vitest';
import { readAnswer, readSeverity } from './reading.js';
import { redFlagsInText } from './redflags.js';

/**
 * Issue 13, fourteenth round of the answer reader: unsure answers without a "don't know" word (someone else would
 * know, never looking, cannot make out or test it, a reading forgotten, an infant who cannot say, 粤 唔记得, 西南
 * 说不来), colloquial denials ("right as rain", "spot on", "yeah nah", 心里踏实, 头不迷糊), input-method slips and
 * letters drawn out for stress, counts of a few events as a hedge (一两回, "once or twice"), "a sort of X" as a
 * description, negated severity ("nothing too bad", 不是好严重), another person with a time word before 也, and
 * a faint in one's youth as history. Rules and data only; the phrasings are the tests' own.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');
const ids = (text: string) => redFlagsInText(text).map((f) => f.id);

describe('unsure without a "don\'t know" word', () => {
  it('reads someone else who would know as unknown', () => {
    expect(en('E_201', "You'd need to ask my husband, he hears me at night").value).toBe('unknown');
    expect(en('E_51', "My sister helps me in the bathroom, she'd be the one to tell you").value).toBe('unknown');
    expect(zh('E_211', '吐没吐，阿姨还没跟我讲').value).toBe('unknown');
  });

  it('reads never looking, or no way to make it out or test it, as unknown', () => {
    expect(en('E_77', 'I never look at what comes up, it goes down the sink').value).toBe('unknown');
    expect(en('E_129', "Can't make out much on my back even with a mirror").value).toBe('unknown');
    expect(en('E_103', "So stuffed up I couldn't test my sense of smell").value).toBe('unknown');
    expect(en('E_91', 'Thermometer spoilt, cannot check lah').value).toBe('unknown');
  });

  it('reads a reading forgotten, or an infant who cannot say, as unknown', () => {
    expect(en('E_91', 'Checked it this morning but forgot what the number was').value).toBe('unknown');
    expect(en('E_148', "She's only six weeks old, how would we tell").value).toBe('unknown');
  });

  it('reads 粤 唔记得 / 唔知 beside 有冇, and 西南 说不来, as unknown', () => {
    expect(zh('E_51', '有冇肚屙，我唔记得').value).toBe('unknown');
    expect(zh('E_89', '有冇攰我唔知').value).toBe('unknown');
    expect(zh('E_89', '这个嘛我说不来').value).toBe('unknown');
    // 冇 alone is still a denial; 人事不知 (out cold) is no "don't know".
    expect(zh('E_201', '冇咳').value).toBe('no');
    expect(zh('rf:syncope', '前天突然晕过去了，人事不知').value).toBe('yes');
  });
});

describe('a medicine named by its kind, its name forgotten', () => {
  const meds = (text: string, lang: 'zh' | 'en') =>
    readAnswer({ id: 'medications', kind: 'slot', slot: 'medications' }, text, lang).value;
  it('fills the medication slot; forgetting what is taken stays unknown', () => {
    expect(meds('在打胰岛素，牌子叫啥我记不住', 'zh')).toBe('yes');
    expect(meds("I'm on a water pill, can't remember the name", 'en')).toBe('yes');
    expect(meds('吃什么药我忘了', 'zh')).toBe('unknown');
    expect(meds('I forget what I take', 'en')).toBe('unknown');
  });
});

describe('colloquial denials and slips', () => {
  it('reads "right as rain", "spot on", "nothing is hurting", "yeah nah" as no', () => {
    expect(en('E_97', "throat's right as rain").value).toBe('no');
    expect(en('E_103', 'sense of smell is spot on').value).toBe('no');
    expect(en('E_53', 'nothing is hurting at the moment').value).toBe('no');
    expect(en('E_148', 'yeah nah, not crook in the tummy').value).toBe('no');
  });

  it('reads 心里踏实 as no palpitations and 头不迷糊 as no dizziness', () => {
    expect(zh('E_155', '心里挺踏实的').value).toBe('no');
    expect(zh('E_76', '头也不迷糊').value).toBe('no');
  });

  it('reads input-method slips and a Cantonese heartbeat word', () => {
    expect(zh('E_181', '一直流鼻梯').value).toBe('yes');
    expect(zh('E_211', '昨晚兔了两次').value).toBe('yes');
    expect(zh('E_155', '心口卜卜跳').value).toBe('yes');
  });

  it('reads 喘气 with the sound it makes as breathing heard, not breathlessness', () => {
    expect(zh('E_214', '睡着了喘气嘶嘶响')).toMatchObject({ value: 'yes', extra: [] });
    expect(zh('E_66', '上楼喘气费劲').value).toBe('yes');
  });

  it('reads letters drawn out for stress', () => {
    expect(en('E_181', 'nose is soooo stuffy').value).toBe('yes');
    expect(en('E_201', 'noooo').value).toBe('no');
  });
});

describe('hedges and severity', () => {
  it('reads a count of one or two events as partly', () => {
    expect(en('E_76', 'once or twice, nothing more').value).toBe('partly');
    expect(zh('E_201', '一天也就咳两声').value).toBe('partly');
    expect(zh('E_76', '蹲久了站起来晕那么一下').value).toBe('partly');
  });

  it('reads "a sort of X" as a description, not a hedge', () => {
    expect(en('E_214', 'yes, some kind of whistling').value).toBe('yes');
  });

  it('reads negated severity as mild and a knife-like throat as severe', () => {
    expect(readSeverity('nothing too bad', 'en')).toBe(2);
    expect(readSeverity('不是好严重', 'zh')).toBe(2);
    expect(readSeverity('咽口水像刀拉一样', 'zh')).toBe(8);
    expect(en('E_148', 'a tad queasy, nothing terrible').value).toBe('partly');
  });
});

describe('scope', () => {
  it('sets aside a relative with a time word before 也', () => {
    expect(zh('E_201', '我姐前两天也咳嗽')).toMatchObject({ value: 'other' });
  });

  it('reads a faint in youth as history, but not one again today', () => {
    expect(ids('年轻的时候晕倒过一次，今天来体检')).not.toContain('syncope');
    expect(ids('上高中那会儿晕倒过')).not.toContain('syncope');
    expect(ids('年轻时晕倒过，今天又晕倒了')).toContain('syncope');
  });
});
