import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCleanRecords } from '../../../bench/qc-lib/records.js';
import { evaluateQc } from './engine.js';
import type { QcEncounter } from './model.js';
import { qualityRulesFromData } from './rulebook.js';

/**
 * The sixth round (issue 16, 2026-12-06): the old report records (bench/data/qc/clean, ccks) became dev records.
 * Their first dev run showed K17 missing a 主诉 whose later time was changed (加重3天 → 3个月) when the 现病史
 * states a like length that is no onset ("每年持续3个月以上") or tells the opening onset again: a later time of
 * the 主诉 is now read against the onsets the 现病史 tells after its opening one (`patterns.onsetBefore`,
 * `onsetAfter`: "3天前", "入院前3天", "近2周", "3年来"; BW2010 第十八条(三)).
 */
const BOOK = qualityRulesFromData();
const NOW = '2026-12-01T00:00:00+08:00';
const DATA = fileURLToPath(new URL('../../../bench/data/qc', import.meta.url));
const RECORDS = new Map(
  [...loadCleanRecords(`${DATA}/dev`, 'fresh', 'dev'), ...loadCleanRecords(`${DATA}/clean`, 'fresh', 'dev')].map(
    (r) => [r.id, r.encounter],
  ),
);
const k17 = (enc: QcEncounter): string[] =>
  evaluateQc(enc, BOOK, { now: NOW })
    .issues.filter((i) => i.ruleId === 'K17')
    .map((i) => i.conclusion.statement.zh ?? '');

/** The record with its admission note's text changed: each [from, to] pair replaced once. */
function edit(id: string, ...pairs: [string, string][]): QcEncounter {
  const e = structuredClone(RECORDS.get(id)!) as unknown as { documents: { type: string; text: string }[] };
  const d = e.documents.find((x) => x.type === 'admission-note')!;
  for (const [from, to] of pairs) {
    if (!d.text.includes(from)) throw new Error(`${id}: '${from}' not found`);
    d.text = d.text.replace(from, to);
  }
  return e as unknown as QcEncounter;
}

describe('forms-dev6: K17 reads a later time of the 主诉 against the onsets of the 现病史', () => {
  it('leaves the clean records as they were', () => {
    for (const id of ['r03', 'r06', 'd09', 'd11', 'd16']) expect(k17(RECORDS.get(id)!), id).toEqual([]);
  });

  it('does not take a length that is no onset ("每年持续3个月以上") for the exacerbation', () => {
    expect(k17(edit('r03', ['加重伴发热3天', '加重伴发热3个月']))).toEqual(['主诉时间（90天）与现病史（3天）不一致']);
    expect(k17(edit('d09', ['加重伴发热3天', '加重伴发热3个月']))).toEqual(['主诉时间（90天）与现病史（3天）不一致']);
  });

  it('does not match a later time to the opening onset it is not', () => {
    expect(k17(edit('d16', ['腹痛3天', '腹痛3个月']))).toEqual(['主诉时间（90天）与现病史（3天）不一致']);
  });

  it('reads an opening length without 前, 入院前 and 近 as the 现病史 writes them', () => {
    const opening = edit('r03', ['患者15年前开始每于冬春季', '患者反复咳嗽15余年，每于冬春季']);
    expect(k17(opening)).toEqual([]);
    expect(k17(edit('r03', ['3天前受凉后', '入院前3天受凉后']))).toEqual([]);
    expect(k17(edit('r03', ['3天前受凉后', '近3天受凉后']))).toEqual([]);
    // Without a later onset any time of the 现病史 matches, as before.
    expect(k17(edit('r03', ['3天前受凉后', '受凉后']))).toEqual(['主诉时间（3天）与现病史（90天）不一致']);
  });
});

const c01 = (enc: QcEncounter): string[] =>
  evaluateQc(enc, BOOK, { now: NOW })
    .issues.filter((i) => i.ruleId === 'C01')
    .map((i) => i.conclusion.statement.zh ?? '');
const DEATH = '家族史记录家族成员已故，未记录死因';

describe('forms-dev6: C01 asks the cause of a relative’s death (BW2010 第十八条(五)4; bingan item 3.7.2)', () => {
  it('takes a cause, "死因不详", the cause in brackets or the disease the relative had as written', () => {
    for (const id of ['d07', 'd11', 'd16'])
      expect(
        c01(RECORDS.get(id)!).map((f) => `C01 ${f}`),
        id,
      ).not.toContain(DEATH);
    expect(c01(edit('d11', ['父亲死于“心肌梗死”', '父亲因“心肌梗死”去世']))).toEqual([]);
    expect(c01(edit('d11', ['父亲死于“心肌梗死”', '父亲已故（心肌梗死）']))).toEqual([]);
  });

  it('flags a relative who died with no cause, sentence by sentence', () => {
    expect(c01(edit('d07', ['父母已故（死因不详）', '父母已故']))).toEqual([DEATH]);
    expect(c01(edit('d16', ['母亲患“乙型肝炎”，已故', '母亲已故']))).toEqual([DEATH]);
  });

  it('does not read a denied death as one', () => {
    expect(c01(edit('d16', ['母亲患“乙型肝炎”，已故', '母亲体健，家族中无早年死亡者']))).toEqual([]);
  });
});
