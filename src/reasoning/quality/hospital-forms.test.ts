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

  it('a field or section removed from a one-space header, a run-on paragraph, a column table, an op-note line', () => {
    const runOn = without(ADMISSION_FORMS.runOn!, '婚育史：25岁结婚，育有1子，配偶体健。');
    expect(completeness(withText('an1', runOn))).toContain('C01 入院记录缺少“婚育史”');
    const oneSpace = without(ADMISSION_FORMS.runOn!, ' 职业 职员');
    expect(completeness(withText('an1', oneSpace))).toContain('C01 入院记录缺少“职业”');
    const columns = without(ADMISSION_FORMS.columns!, /\| 入院时间 [^\n]*\n[^\n]*\n/);
    expect(completeness(withText('an1', columns))).toEqual([
      'C01 入院记录缺少“入院时间”',
      'C01 入院记录缺少“记录时间”',
      'C01 入院记录缺少“病史陈述者”',
    ]);
    const op = without(OP_NOTE_FORMS.headerLines!, '　术后诊断：慢性胆囊炎伴胆囊结石');
    expect(completeness(withText('op1', op))).toEqual(['C12 手术记录缺少“术中诊断”']);
  });

  it('婚育史 and 月经史 written in the 个人史 count (BINGAN 3.6.2); left out there, they are missing', () => {
    const an = CLEAN_ENCOUNTER.documents.find((d) => d.id === 'an1')!.text;
    const inPersonal = an.replace(
      /个人史：([^\n]*)\n婚育史：([^\n]*)\n月经史：([^\n]*)\n/,
      '个人史：$1已婚，25岁结婚，育有1子，配偶体健。月经：$3\n',
    );
    expect(inPersonal).not.toContain('婚育史');
    expect(completeness(withText('an1', inPersonal))).toEqual([]);
    const none = inPersonal.replace('已婚，25岁结婚，育有1子，配偶体健。月经：14岁，5/28天，末次月经2026-02-20。', '');
    expect(completeness(withText('an1', none))).toEqual([
      'C01 入院记录缺少“婚育史”',
      'C01 入院记录缺月经史（女性患者）',
      'C04 月经史缺初潮年龄',
      'C04 月经史缺行经期天数',
      'C04 月经史缺间隔天数',
      'C04 月经史缺末次月经时间或闭经年龄',
    ]);
  });

  it('the rounding physician named by surname a few characters before the title, or with the name spaced', () => {
    const round = (text: string, name = '欧阳明') => {
      const enc = withText('wr1', text);
      return completeness({
        ...enc,
        documents: enc.documents.map((d) => (d.id === 'wr1' ? { ...d, author: { ...d.author!, name } } : d)),
      }).filter((f) => f.startsWith('C08'));
    };
    const body =
      '补充病史：近期无黄疸。查体：Murphy征阳性。诊断：慢性胆囊炎伴胆囊结石，鉴别诊断同前。处理：同意手术计划。';
    expect(round(`欧阳主任医师查房：${body}`)).toEqual([]);
    expect(round(`今日欧阳医师（主治医师）查房：${body}`)).toEqual([]);
    expect(round(`欧 阳 明主治医师查房：${body}`)).toEqual([]);
    // Another physician's surname with the title, or the title alone, does not name this one.
    expect(round(`王主治医师查房：${body}`)).toEqual(['C08 主治医师首次查房缺查房医师姓名及职称']);
    expect(round(`主治医师查房：${body}`)).toEqual(['C08 主治医师首次查房缺查房医师姓名及职称']);
  });

  it('two headings joined as one count for both; a compound of one of them leaves the other missing', () => {
    const op = OP_NOTE_FORMS.headerLines!.replace('手术操作步骤：', '手术过程及术中所见：').replace(
      '术中所见：胆囊',
      '胆囊',
    );
    expect(completeness(withText('op1', op))).toEqual([]);
    const fp = CLEAN_ENCOUNTER.documents.find((d) => d.id === 'fp1')!.text;
    const joined = fp.replace('拟诊讨论：', '诊断依据与鉴别诊断：').replace('鉴别诊断：需', '需');
    expect(completeness(withText('fp1', joined))).toEqual([]);
    const noDifferential = joined.replace('诊断依据与鉴别诊断：', '诊断依据：').replace(/需与[^。]*鉴别。/, '');
    expect(completeness(withText('fp1', noDifferential))).toEqual(['C07 拟诊讨论缺鉴别诊断']);
  });

  it('K11: an order that states its own purpose (封管, 预防用) needs no note; the same drug without one does', () => {
    const k11 = (text: string) =>
      evaluateQc(
        {
          ...CLEAN_ENCOUNTER,
          orders: [
            ...CLEAN_ENCOUNTER.orders,
            {
              id: 'o-hep',
              text,
              kind: 'temporary',
              orderedAt: '2026-03-06T08:00:00+08:00',
              signedBy: 'd1',
              status: 'completed',
              category: 'anticoagulant',
            },
          ],
        },
        BOOK,
        { now: NOW, icdCatalog: CATALOG },
      )
        .issues.filter((i) => i.ruleId === 'K11')
        .map((i) => i.conclusion.statement.zh);
    expect(k11('肝素钠注射液 12500U 封管 每日1次')).toEqual([]);
    expect(k11('肝素钠注射液 12500U 静脉泵入')).toEqual(['医嘱“肝素钠注射液 12500U 静脉泵入”无病程记录说明用药指征']);
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
