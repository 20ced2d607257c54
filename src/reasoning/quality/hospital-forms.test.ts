import { describe, expect, it } from 'vitest';
import { CATALOG, CLEAN_ENCOUNTER, NOW } from './__fixtures__/clean-encounter.js';
import { ADMISSION_FORMS, FIRST_PROGRESS_FORMS, OP_NOTE_FORMS } from './__fixtures__/hospital-forms.js';
import { evaluateQc } from './engine.js';
import type { QcEncounter } from './model.js';
import { qualityRulesFromData } from './rulebook.js';
import { parseSections } from './text.js';

const BOOK = qualityRulesFromData();
const COMPLETENESS = ['C01', 'C02', 'C03', 'C04', 'C05', 'C06', 'C07', 'C08', 'C12'];

/** The clean stay with one document's text replaced. */
const withText = (id: string, text: string): QcEncounter => ({
  ...CLEAN_ENCOUNTER,
  documents: CLEAN_ENCOUNTER.documents.map((d) => (d.id === id ? { ...d, text } : d)),
});
/** The completeness findings, as "rule key" lines. */
const completeness = (enc: QcEncounter): string[] =>
  evaluateQc(enc, BOOK, { now: NOW, icdCatalog: CATALOG })
    .issues.filter((i) => COMPLETENESS.includes(i.ruleId))
    .map((i) => `${i.ruleId} ${i.conclusion.statement.zh}`);

describe('records in the forms hospitals write raise no completeness findings', () => {
  it('the clean stay itself', () => {
    expect(completeness(CLEAN_ENCOUNTER)).toEqual([]);
  });

  for (const [form, text] of Object.entries(ADMISSION_FORMS))
    it(`入院记录, ${form} form`, () => {
      expect(completeness(withText('an1', text))).toEqual([]);
    });

  for (const [form, text] of Object.entries(FIRST_PROGRESS_FORMS))
    it(`首次病程记录, ${form} form`, () => {
      expect(completeness(withText('fp1', text))).toEqual([]);
    });

  for (const [form, text] of Object.entries(OP_NOTE_FORMS))
    it(`手术记录, ${form} form`, () => {
      expect(completeness(withText('op1', text))).toEqual([]);
    });
});

describe('what is genuinely missing in those forms is still found', () => {
  const without = (text: string, line: string | RegExp) => text.replace(line, '');

  it('a header field removed from a ruled or spaced header', () => {
    const ruled = without(ADMISSION_FORMS.brackets!, /│性别：女　　/);
    expect(completeness(withText('an1', ruled))).toContain('C01 入院记录缺少“性别”');
    const spaced = without(ADMISSION_FORMS.spaced!, '性    别：女');
    expect(completeness(withText('an1', spaced))).toContain('C01 入院记录缺少“性别”');
    const table = without(ADMISSION_FORMS.table!, / 性别 \| 女 \|/);
    expect(completeness(withText('an1', table))).toContain('C01 入院记录缺少“性别”');
  });

  it('a section removed: bracket heading, numbered heading with its content below', () => {
    const brackets = without(ADMISSION_FORMS.brackets!, /【既往史】[^\n]*\n/);
    expect(completeness(withText('an1', brackets))).toContain('C01 入院记录缺少“既往史”');
    const numbered = without(ADMISSION_FORMS.spaced!, /三、既往史\n[^\n]*\n/);
    expect(completeness(withText('an1', numbered))).toContain('C01 入院记录缺少“既往史”');
  });

  it('a heading left with nothing under it counts as missing', () => {
    const empty = ADMISSION_FORMS.spaced!.replace(/九、辅助检查\n[^\n]*\n[^\n]*\n/, '九、辅助检查\n');
    expect(completeness(withText('an1', empty))).toContain('C01 入院记录缺少“辅助检查”');
  });

  it('a vital sign or a 既往史 sub-item left out', () => {
    const noTemp = ADMISSION_FORMS.table!.replace('T 36.5 ℃  ', '');
    expect(completeness(withText('an1', noTemp))).toContain('C05 体格检查缺体温 T（含数值及单位）');
    const noVaccine = ADMISSION_FORMS.numbered!.replace('预防接种史：按计划进行。\n', '');
    expect(completeness(withText('an1', noVaccine))).toContain('C02 既往史未记录预防接种史');
  });

  it('the 首次病程记录 without a differential, the op note without its assistant', () => {
    const noDiff = FIRST_PROGRESS_FORMS.brackets!.replace(/【鉴别诊断】[^\n]*\n/, '');
    expect(completeness(withText('fp1', noDiff))).toContain('C07 拟诊讨论缺鉴别诊断');
    const noAssistant = OP_NOTE_FORMS.oneLine!.replace('　第一助手：张住院', '');
    expect(completeness(withText('op1', noAssistant))).toContain('C12 手术记录缺少“助手”');
  });
});

describe('the section reader on these forms', () => {
  it('reads spaced labels, ruled and colon-less table headers to their canonical names', () => {
    expect(parseSections(ADMISSION_FORMS.spaced!)).toMatchObject({ 姓名: '王某某', 性别: '女', 出生地: '湖北武汉' });
    expect(parseSections(ADMISSION_FORMS.brackets!)).toMatchObject({
      性别: '女',
      主诉: '右上腹反复疼痛2年，加重3天。',
    });
    expect(parseSections(ADMISSION_FORMS.table!)).toMatchObject({ 性别: '女', 入院时间: '2026-03-02 09:00' });
  });

  it('does not take a number inside running text for a heading number', () => {
    const s = parseSections('现病史：患者3天前发热。\n诊疗计划：1. 抗感染 2. 化痰');
    expect(Object.keys(s)).toEqual(['现病史', '诊疗计划', '治疗计划', '诊疗方案', '诊疗措施']);
  });
});
