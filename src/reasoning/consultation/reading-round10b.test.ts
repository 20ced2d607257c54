import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';

/**
 * Issue 13, round 10 read as development data: unsure answers whose means to tell are missing (a device not
 * trusted, someone else who would know, a patient who cannot express or feel it, no chance to test it, a cause that
 * cannot be told apart), and regional English (Indian "is there" / "is paining", Scots, Southern US, dropped g).
 * Rules and data only (answer-cues.json `cannotTell`, patient-speech.json `englishDialect`); the phrasings here are
 * not round 10's.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh').value;
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en').value;
const slot = (slotName: string, text: string, lang: 'zh' | 'en') =>
  readAnswer({ id: slotName, kind: 'slot', slot: slotName }, text, lang).value;

describe('no means to tell', () => {
  it('reads a device or reading the patient does not trust as unknown', () => {
    expect(zh('E_91', '家里那个电子体温计老跳数，我信不过它')).toBe('unknown');
    expect(zh('E_155', '心率得看手环，手环早就没电了')).toBe('unknown');
    expect(en('E_91', "the batteries in the thermometer were flat, so I couldn't get a reading")).toBe('unknown');
  });

  it('reads an answer held by someone else as unknown', () => {
    expect(zh('E_51', '孩子在幼儿园拉没拉得问问老师，回头问问')).toBe('unknown');
    expect(zh('E_201', '我奶奶在乡下，这两天电话一直没打通')).toBe('unknown');
    expect(en('E_214', 'my flatmate would be the one to ask, I sleep like a log')).toBe('unknown');
    expect(slot('medications', "I'll have to ring the care home, they sort all her tablets", 'en')).toBe('unknown');
  });

  it('reads a patient who cannot express, feel or see it as unknown', () => {
    expect(zh('E_97', '我家宝宝才八个月，疼不疼她表达不出来')).toBe('unknown');
    expect(zh('E_129', '腿上全是纹身，起没起红疹子显不出来')).toBe('unknown');
    expect(en('E_77', "I'm colourblind, so the colour of what I cough up is lost on me")).toBe('unknown');
  });

  it('reads a finding named inside the clause that says it could not be checked as unknown', () => {
    expect(en('E_214', "the telly was on loud all night, I couldn't hear a wheeze over it")).toBe('unknown');
  });

  it('reads no chance to test it, or a cause that cannot be told apart, as unknown', () => {
    expect(zh('E_64', '腿打着石膏一直坐着，爬楼喘不喘得走起来才知道')).toBe('unknown');
    expect(zh('E_76', '刚下过山车，是吓的还是头晕，我也分不开')).toBe('unknown');
    expect(en('E_91', "I'd been in the sauna, everyone's warm after that, I can't tell them apart")).toBe('unknown');
  });

  it('still reads a plain yes and a plain no', () => {
    expect(zh('E_91', '烧，量了三十八度五')).toBe('yes');
    expect(en('E_214', "no, there's no whistle when I breathe")).toBe('no');
  });

  it('never turns a red-flag answer into a no', () => {
    expect(zh('rf:syncope', '我在厕所眼前一黑，到底晕没晕过去，旁边没人')).not.toBe('no');
    expect(en('rf:chest-pain', "there's a weight on my chest, though it could just as well be from the gym")).not.toBe(
      'no',
    );
  });
});

describe('regional and second-language English', () => {
  it('reads Indian English "is there", "is not there" and "is paining"', () => {
    expect(en('E_201', 'cough is there from three days')).toBe('yes');
    expect(en('E_91', 'fever is not there, only body pain')).toBe('no');
    expect(en('E_97', 'my throat is paining a lot')).toBe('yes');
    expect(en('E_51', 'motions are loose since yesterday night')).not.toBe('no');
    expect(en('E_51', 'loose motion since morning, five six times')).toBe('yes');
  });

  it('reads Scots, Southern US and Irish words for the finding', () => {
    expect(en('E_211', "the wean's been boakin' since tea time")).toBe('yes');
    expect(en('E_89', "I'm done in, so I am")).toBe('yes');
    expect(en('E_89', 'plumb tuckered after mowing')).toBe('yes');
    expect(en('E_76', "feelin' swimmy when I stand")).toBe('yes');
    expect(en('E_51', "ain't had the trots at all")).toBe('no');
  });

  it('reads a dropped g and a dropped article before a degree', () => {
    expect(en('E_201', "been coughin' and hackin' all night")).toBe('yes');
    expect(en('E_148', 'little bit nausea after food')).toBe('partly');
  });
});
