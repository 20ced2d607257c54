import { describe, expect, it } from 'vitest';
import { GI_BLEED } from './__fixtures__/forms-dev3/gi-bleed.js';
import { SURG_HERNIA } from './__fixtures__/forms-dev3/surg-hernia.js';
import { evaluateQc } from './engine.js';
import type { QcEncounter } from './model.js';
import { qualityRulesFromData } from './rulebook.js';

/**
 * A clean stay in yet another hospital's form (forms-dev3; see the fixture for what the form does):
 * nothing to find. Then one real defect at a time: the rule that reads the form still finds it.
 */
const BOOK = qualityRulesFromData();
const NOW = '2026-09-01T12:00:00+08:00';
const findings = (enc: QcEncounter): string[] =>
  evaluateQc(enc, BOOK, { now: NOW }).issues.map((i) => `${i.ruleId} ${i.conclusion.statement.zh}`);

function edit(id: string, from: string | RegExp, to = '', base: QcEncounter = SURG_HERNIA): QcEncounter {
  const e = structuredClone(base) as unknown as { documents: { id: string; text: string }[] };
  const d = e.documents.find((x) => x.id === id)!;
  const next = d.text.replace(from, to);
  if (next === d.text) throw new Error(`${id}: ${String(from)} not found`);
  d.text = next;
  return e as unknown as QcEncounter;
}

describe('forms-dev3: a column-table header, prose fields, a separate 过敏史 line', () => {
  it('the clean record draws no finding', () => {
    expect(findings(SURG_HERNIA)).toEqual([]);
  });

  it('an empty cell of the column table is a missing field (C01)', () => {
    expect(findings(edit('h-an', '| 吴建国 | 男 | 63岁 | 汉族 |', '| 吴建国 | 男 | 63岁 |  |'))).toEqual([
      'C01 入院记录缺少“民族”',
    ]);
  });

  it('the informant neither under a heading nor in a sentence (C01)', () => {
    expect(findings(edit('h-an', '病史由患者本人陈述，可靠。\n'))).toEqual(['C01 入院记录缺少“病史陈述者”']);
  });

  it('an op note that names neither surgeon nor assistant, under a heading or in its sentences (C12)', () => {
    expect(findings(edit('h-op', '主刀孙伟东，助手钱立新。'))).toEqual([
      'C12 手术记录缺少“手术者”',
      'C12 手术记录缺少“助手”',
    ]);
  });

  it('a nursing form that denies the penicillin allergy on the line where food is denied (K15)', () => {
    expect(findings(edit('h-na', '药物过敏：青霉素', '药物过敏：无'))).toEqual([
      'K15 过敏史不一致：首页有，入院记录有，护理过敏记录无',
    ]);
  });

  it('an allergic disease and a denied food allergy are no drug-allergy statement (K15 reads the drug clause)', () => {
    const e = edit('h-an', '过敏史：青霉素过敏（皮疹），否认食物过敏。', '过敏史：否认药物过敏史，否认食物过敏。');
    expect(findings(e)).toEqual(['K15 过敏史不一致：首页有，入院记录无，护理过敏记录有']);
  });
});

describe('forms-dev3: a ；-separated header, 【】 headings with qualifiers, a seafood allergy', () => {
  const gi = (id: string, from: string | RegExp, to = '') => edit(id, from, to, GI_BLEED);

  it('the clean record draws no finding', () => {
    expect(findings(GI_BLEED)).toEqual([]);
  });

  it('the informant left out of the header (C01)', () => {
    expect(findings(gi('g-an', '；陈述者：患者本人，可靠'))).toEqual(['C01 入院记录缺少“病史陈述者”']);
  });

  it('a drug allergy in the history that the front sheet and the nursing form deny (K15)', () => {
    expect(findings(gi('g-an', '对海鲜过敏（皮疹）', '对青霉素过敏（皮疹）'))).toEqual([
      'K15 过敏史不一致：首页无，入院记录有，护理过敏记录无',
    ]);
  });

  it('the endoscopy consent signed after the endoscopy was done (C15)', () => {
    const e = structuredClone(GI_BLEED) as unknown as { documents: { id: string; completedAt: string }[] };
    e.documents.find((d) => d.id === 'g-cs')!.completedAt = '2026-06-03T10:00:00+08:00';
    expect(findings(e as unknown as QcEncounter)).toEqual(['C15 特殊检查/治疗知情同意书签署晚于操作']);
  });
});
