import { describe, expect, it } from 'vitest';
import { answerCues, readAnswer } from './reading.js';

/**
 * Issue 13, seventeenth round (dev14): a denial of a red-flag check's topic beside another complaint, a leading "no"
 * that is alarm, the pressing test of a rash both ways, a relative who did not see, a device the patient distrusts, a
 * medicine taken without its name, colloquial nausea and day words, not knowing what a word of the question means,
 * self-corrections. The phrasings are this file's own, not the data sets'.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');
const slot = (slotName: string, text: string, lang: 'zh' | 'en') =>
  readAnswer({ id: slotName, kind: 'slot', slot: slotName }, text, lang);

describe('the chest-pain check with its topic denied', () => {
  it('reads breathlessness or sweating beside a denied pain as no, the other finding kept', () => {
    const r = en('rf:chest-pain', 'no pain in the chest, I just get short of breath');
    expect(r.value).toBe('no');
    expect(r.present).toContain('E_66');
    expect(zh('rf:chest-pain', '胸口不痛，就是上不来气').value).toBe('no');
    expect(en('rf:chest-pain', 'no chest pain, just sweaty').value).toBe('no');
  });

  it('still reads breathlessness or sweating alone, or pressure beside a denied pain, as positive', () => {
    expect(en('rf:chest-pain', "I'm sweating like mad").value).toBe('yes');
    expect(en('rf:chest-pain', "it doesn't hurt, but it's tight like a belt").value).toBe('yes');
    expect(zh('rf:chest-pain', '疼是不疼，就是有些闷').value).toBe('partly');
    expect(zh('rf:chest-pain', '不疼，也不闷').value).toBe('no');
  });
});

describe('a leading "no" that is alarm, not a denial', () => {
  it('never records the stated danger as absent', () => {
    const r = en('rf:severe-breathlessness', "no, I can't get my breath");
    expect(r.value).toBe('yes');
    expect(r.absent).not.toContain('E_66');
    const s = en('rf:severe-breathlessness', "no... I can't finish a sentence");
    expect(s.value).toBe('yes');
    expect(s.absent).not.toContain('E_66');
  });

  it('keeps a plain denial a denial', () => {
    expect(en('rf:severe-breathlessness', 'no, I can talk fine').value).toBe('no');
    expect(en('E_66', "no, I'm breathing okay").value).toBe('no');
  });

  it('reads an inability in the verb after it as the finding ("no, I can\'t keep food down")', () => {
    expect(en('E_211', "no, can't keep food down at all").value).toBe('yes');
  });
});

describe('the pressing test of a rash', () => {
  it('reads fading under pressure as no', () => {
    expect(zh('rf:fever-rash', '小红点一按就褪色了').value).toBe('no');
    expect(zh('rf:fever-rash', '拿杯子一压就消了').value).toBe('no');
  });

  it('reads a negation between the press and the fading, or "still red", as the danger sign', () => {
    expect(zh('rf:fever-rash', '按了一下也不褪').value).toBe('yes');
    expect(zh('rf:fever-rash', '压下去还是紫的').value).toBe('yes');
    expect(zh('rf:fever-rash', '按着颜色还在').value).toBe('yes');
    expect(en('rf:fever-rash', 'pressed a glass on them and they were still red').value).toBe('yes');
    expect(en('rf:fever-rash', "the spots won't fade when I press them").value).toBe('yes');
  });

  it('keeps a fading stated after a leading "no" a no', () => {
    expect(zh('rf:fever-rash', '没有，拿杯子一压就褪').value).toBe('no');
    expect(en('rf:fever-rash', 'no, they fade when I press').value).toBe('no');
  });
});

describe('a relative who did not see', () => {
  it('reads a doubted either-or beside "did not see / hear" as unknown', () => {
    expect(zh('E_211', '吐没吐我不在家没看见').value).toBe('unknown');
    expect(zh('rf:syncope', '我在阳台晾衣服，没瞧见她倒没倒').value).toBe('unknown');
    expect(zh('E_51', '拉没拉肚子得等我回家问问她奶奶').value).toBe('unknown');
    expect(en('E_50', "I wasn't with him last night, his dad was").value).toBe('unknown');
    expect(en('E_214', "didn't hear any wheezing, but he sleeps in a separate room").value).toBe('unknown');
  });

  it('keeps what the relative did see', () => {
    expect(zh('E_211', '我一直看着呢，没吐').value).toBe('no');
    expect(en('E_214', "didn't hear any whistling at all").value).toBe('no');
  });
});

describe('a device the patient distrusts or cannot read', () => {
  it('reads its reading as unknown', () => {
    expect(zh('E_91', '体温计没电了，量出来34度，肯定不对').value).toBe('unknown');
    expect(en('E_91', 'the forehead strip turned orange, whatever that means').value).toBe('unknown');
  });

  it('keeps a reading from a device the patient trusts', () => {
    expect(zh('E_91', '电子体温计夹了五分钟，37度9').value).toBe('yes');
  });
});

describe('a medicine taken without its name', () => {
  it('fills the medications slot', () => {
    expect(slot('medications', 'a couple of tablets for my blood, dunno the names', 'en').value).toBe('yes');
    expect(slot('medications', '吃一种降糖的，名字想不起来了', 'zh').value).toBe('yes');
    expect(slot('medications', 'my daughter looks after my meds', 'en').value).toBe('yes');
    expect(slot('medications', '每天早上一片，叫啥不知道', 'zh').value).toBe('yes');
  });

  it('keeps none as none and not knowing whether as unknown', () => {
    expect(slot('medications', "I don't take any tablets", 'en').value).toBe('no');
    expect(slot('medications', '药一片都没碰过', 'zh').value).toBe('no');
    expect(slot('medications', '吃没吃药我也不知道', 'zh').value).toBe('unknown');
    expect(slot('medications', '吃的啥药我记不住了', 'zh').value).toBe('unknown');
  });
});

describe('colloquial words', () => {
  it('reads "gonna hurl" as nausea, not vomiting', () => {
    const r = en('E_148', 'gonna be sick any second');
    expect(r.value).toBe('yes');
    expect(r.present).not.toContain('E_211');
  });

  it('reads 昨儿 and 前儿 with a time of night as a day and two days', () => {
    expect(slot('duration', '昨儿半夜开始的', 'zh').duration).toEqual({ value: 1, unit: 'day' });
    expect(slot('duration', '前儿后半夜', 'zh').duration).toEqual({ value: 2, unit: 'day' });
  });

  it("reads 'gone black' as become black, and 'gone' alone as gone", () => {
    expect(en('rf:major-bleeding', "no blood when I'm sick, but my stools have gone black").value).toBe('yes');
    expect(en('E_129', 'the rash has gone').value).toBe('no');
  });
});

describe('not knowing what a word of the question means', () => {
  it('reads the answer after it', () => {
    expect(en('rf:chest-pain', 'not sure what you mean by tightness, but no, nothing').value).toBe('no');
    expect(en('rf:stroke', "don't know what counts as slurred, but he sounds normal to me").value).toBe('no');
    expect(zh('rf:chest-pain', '压迫感指什么？反正啥感觉都没有').value).toBe('no');
  });

  it('leaves the word alone when nothing follows', () => {
    expect(en('rf:chest-pain', 'not sure what you mean by tightness').value).not.toBe('no');
  });
});

describe('self-corrections', () => {
  it('reads the answer after "well, no" or "sorry"', () => {
    expect(en('E_50', 'yeah, well, no, about the same as always').value).toBe('no');
    expect(en('E_91', '38.8 - sorry, 36.8, wrong key').value).toBe('no');
    expect(en('rf:syncope', 'no... well, actually I did, briefly').value).toBe('yes');
  });
});

describe('the answer-cue data', () => {
  it('holds the pain sites in the data file', () => {
    expect(answerCues().painSites?.E_97).toContain('咽喉');
  });
});
