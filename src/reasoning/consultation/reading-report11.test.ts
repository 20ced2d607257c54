import { describe, expect, it } from 'vitest';
import { readAnswer } from './reading.js';

/**
 * Issue 13, answers-report11 failures as dev data: the answer held by someone else or not seen, a cause that cannot
 * be told apart, another person's symptom beside the patient's own denial (a space as the pause between them),
 * double negatives, small amounts, 客家/闽南 毋 and Australian "no drama". Rules and data only (answer-cues.json
 * `cannotTell`; answer-scope.json `rhetoric`, `others`; patient-speech.json `dialect`, `englishDialect`); the
 * phrasings here are not those of `answers-report11.jsonl`.
 */
const zh = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'zh');
const en = (id: string, text: string) => readAnswer({ id, kind: 'binary' }, text, 'en');

describe('an answer the patient could not see or hear', () => {
  it('reads someone else holding the answer, or not seeing it, as unknown', () => {
    expect(zh('E_211', '昨晚是外婆陪的 吐没吐要等她回来再问')).toMatchObject({ value: 'unknown' });
    expect(zh('E_129', '房间太黑 身上起没起疹子看不清楚')).toMatchObject({ value: 'unknown' });
    expect(zh('E_77', '痰直接咽下去了 没注意是啥颜色')).toMatchObject({ value: 'unknown' });
    expect(zh('E_103', '最近没特意去闻过什么')).toMatchObject({ value: 'unknown' });
    expect(zh('E_201', '他晚上咳没咳 我睡得太沉 也没听到')).toMatchObject({ value: 'unknown' });
    expect(en('E_91', "the thermometer is broken so I couldn't say")).toMatchObject({ value: 'unknown' });
    expect(en('E_214', "with the radio blaring I'd not notice any wheeze")).toMatchObject({ value: 'unknown' });
  });

  it('reads a cause that cannot be told apart as unknown', () => {
    expect(zh('E_45', '吐出来的有点红 也可能是昨天喝的红酒')).toMatchObject({ value: 'unknown' });
    expect(zh('E_94', '打寒战还是屋里太冷 我也说不好')).toMatchObject({ value: 'unknown' });
    expect(en('E_45', "it looked a bit red, but I'd just had tomato soup")).toMatchObject({ value: 'unknown' });
  });
});

describe("another person's symptom beside the patient's own denial", () => {
  it('reads the patient by their own clause after a space', () => {
    expect(zh('E_211', '我女儿昨晚吐了两回 我自己没吐')).toMatchObject({ value: 'no' });
    expect(zh('E_201', '我家那口子天天咳 我倒好好的')).toMatchObject({ value: 'no' });
  });
});

describe('double negatives, small amounts and regional words', () => {
  it('reads a double negative as a yes', () => {
    expect(zh('E_89', '不能说不乏 整天没劲')).toMatchObject({ value: 'yes' });
    expect(zh('E_144', '哪里有不痛的时候 天天痛')).toMatchObject({ value: 'yes' });
  });

  it('reads a small amount as partly', () => {
    expect(zh('E_201', '有少少咳')).toMatchObject({ value: 'partly' });
    expect(zh('E_148', '有点恶心 不咋严重')).toMatchObject({ value: 'partly' });
  });

  it('reads 毋 as a negation and "no drama" as no problem', () => {
    expect(zh('E_201', '毋咳')).toMatchObject({ value: 'no' });
    expect(en('E_66', 'breathing is no dramas at all')).toMatchObject({ value: 'no' });
  });

  it('reads regional words for a symptom', () => {
    expect(zh('E_64', '爬个坡就出气不赢')).toMatchObject({ value: 'yes' });
    expect(zh('E_89', '这几日好𤸁')).toMatchObject({ value: 'yes' });
    expect(en('E_51', 'had LBM since this morning')).toMatchObject({ value: 'yes' });
    expect(en('E_148', 'a vomit feeling after meals')).toMatchObject({ value: 'yes' });
    expect(en('E_66', 'my breathing is sweet as')).toMatchObject({ value: 'no' });
    expect(en('E_89', "I've been flat as a tack all week")).toMatchObject({ value: 'yes' });
    expect(en('E_97', 'mi neck nuh hurt')).toMatchObject({ value: 'no' });
    expect(en('E_201', 'nuh-uh, never')).toMatchObject({ value: 'no' });
    expect(en('E_66', 'I cyaan ketch my breath at all')).toMatchObject({ value: 'yes' });
  });
});
