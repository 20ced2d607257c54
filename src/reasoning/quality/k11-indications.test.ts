import { describe, expect, it } from 'vitest';
import { DEV_RECORDS, editDocument, found } from '../../../bench/qc-lib/dev-records.js';
import { INJECTIONS } from '../../../bench/qc-lib/injections.js';
import type { QcEncounter } from './model.js';

/**
 * K11 (issue 16, 2026-12-08): an antibiotic's indication is a bacterial infection the notes state, not any word
 * near one. The injected cefuroxime had passed on u02, u09, v03, v04, v06 and w01, and the planted one on w04,
 * because a normal PCT, a microscope's /HP, a radiation enteritis, an infection denied after other items, one only
 * foreseen, the risks of an operation, the 感染科's name or an acute gastroenteritis counted as an indication. Each
 * is read out, and a real indication (a raised PCT, an infection considered, prophylaxis named after the drug) still
 * documents the order.
 */

const rec = (id: string) => DEV_RECORDS.get(id)!;
const cefuroxime = INJECTIONS.find((i) => i.id === 'antibiotic-without-indication')!;
/** The record with the injected cefuroxime order (no indication written). */
const injected = (enc: QcEncounter): QcEncounter => {
  const e = structuredClone(enc);
  expect(cefuroxime.apply(e as Parameters<typeof cefuroxime.apply>[0])).toBeDefined();
  return e;
};
const flagsCefuroxime = (enc: QcEncounter) => found(enc, 'K11').some((s) => s.includes('头孢呋辛'));

describe('k11-indications: the injected and planted cefuroxime without an indication is found', () => {
  it.each(['u02', 'u09', 'v03', 'v04', 'v05', 'v06', 'w01'])('%s', (id) => {
    expect(flagsCefuroxime(injected(rec(id)))).toBe(true);
  });

  it('w04: 头孢呋辛 given while the first note says 暂不考虑合并细菌感染 and the infection is tuberculosis', () => {
    expect(flagsCefuroxime(rec('w04'))).toBe(true);
  });

  it('w04: a raised PCT or a bacterial infection considered documents it', () => {
    const pct = editDocument('w04', 'w04-first', (t) => t.replace('PCT 0.05ng/ml', 'PCT 2.30ng/ml'));
    expect(flagsCefuroxime(pct)).toBe(false);
    const considered = editDocument('w04', 'w04-first', (t) => t.replace('暂不考虑合并细菌感染', '考虑合并细菌感染'));
    expect(flagsCefuroxime(considered)).toBe(false);
  });
});

describe('k11-indications: what a note says near an infection without stating one', () => {
  /**
   * d13 (a lumbar disc herniation, whose injected cefuroxime was always found) with the injected order, then
   * `sentence` added to its 首次病程记录 (written the day of the order).
   */
  const withSentence = (sentence: string): QcEncounter => {
    const e = injected(rec('d13')) as unknown as { documents: { id: string; text: string }[] };
    const d = e.documents.find((x) => x.id === 'd13-first')!;
    d.text = `${d.text}\n${sentence}`;
    return e as unknown as QcEncounter;
  };

  it('d13 as written: found', () => {
    expect(flagsCefuroxime(withSentence(''))).toBe(true);
  });

  it.each([
    'PCT 0.05ng/ml，血常规正常。',
    '尿常规WBC 0～2/HP。',
    '腹泻考虑放射性肠炎1级。',
    '近2周无上呼吸道感染。',
    '胸部CT无肺炎。',
    '无腹痛、黏液脓血便。',
    '如出现脓血便或高热再行评估。',
    '手术风险包括出血、神经损伤、切口感染等。',
    '可能出现颅内感染、脑脊液鼻漏。',
    '感染科会诊意见：继续观察。',
    '考虑急性胃肠炎（病毒性或细菌毒素性可能大）。',
    '鉴别诊断：①化脓性关节炎：多有发热、关节液白细胞明显升高，本例无发热。',
  ])('no indication: %s', (sentence) => {
    expect(flagsCefuroxime(withSentence(sentence))).toBe(true);
  });

  it.each([
    'PCT 2.3ng/ml，考虑合并细菌感染。',
    '切口红肿渗液，考虑切口感染。',
    '术前30分钟头孢呋辛预防，术后24小时内停用。',
    '考虑细菌性肠炎。',
    '无明显诱因出现咳嗽、咳黄脓痰。',
    '发热，无法排除细菌感染。',
    '复查WBC 15.2×10⁹/L，CRP升高。',
  ])('an indication: %s', (sentence) => {
    expect(flagsCefuroxime(withSentence(sentence))).toBe(false);
  });
});
