import { describe, expect, it } from 'vitest';
import { qualityRulesFromData } from '../../src/reasoning/index.js';
import { DEV_RECORDS } from './dev-records.js';
import type { BaseRecord } from './records.js';
import { FORMS, type Form, headerFields } from './reform.js';
import { checkForms, reformed } from './reform-check.js';

const BOOK = qualityRulesFromData();
const base = (id: string): BaseRecord => ({
  id,
  source: 'fresh',
  half: 'dev',
  file: id,
  encounter: DEV_RECORDS.get(id)!,
});
const form = (name: string): Form => FORMS.find((f) => f.name === name)!;

describe('forms a record is re-printed in (bench qc --reform)', () => {
  it('reads a header line of fields and prints it in each header form', () => {
    expect(headerFields('姓　　名：王德顺　　性　　别：男　　年　　龄：76岁')).toEqual([
      { label: '姓名', value: '王德顺' },
      { label: '性别', value: '男' },
      { label: '年龄', value: '76岁' },
    ]);
    // A sentence is no header line, though it starts with a field's name.
    expect(headerFields('病史陈述者：患者本人。入院后予吸氧')).toBeUndefined();
    const text = '入院记录\n姓名：王德顺　性别：男\n年龄：76岁\n主诉：头晕3个月。';
    expect(form('header-one-line').render(text)).toBe('入院记录\n姓名：王德顺 性别：男 年龄：76岁\n主诉：头晕3个月。');
    expect(form('header-table').render(text)).toBe(
      '入院记录\n| 姓名 | 王德顺 | 性别 | 男 |\n| 年龄 | 76岁 |\n主诉：头晕3个月。',
    );
    expect(form('header-bracket-〔〕').render(text)).toContain('〔姓名〕王德顺　〔性别〕男');
  });

  it('prints headings, times, signatures and list items in other forms, the content unchanged', () => {
    const text = '主　　诉：头晕3个月。\n初步诊断：1.病态窦房结综合征　2.高血压病2级\n医师签名：周子航';
    expect(form('heading-一、').render(text)).toBe(
      '一、主诉：头晕3个月。\n二、初步诊断：1.病态窦房结综合征　2.高血压病2级\n医师签名：周子航',
    );
    expect(form('heading-【】-own-line').render(text).split('\n').slice(0, 2)).toEqual(['【主诉】', '头晕3个月。']);
    expect(form('list-①').render(text)).toContain('初步诊断：①病态窦房结综合征　②高血压病2级');
    expect(form('signature-电子签名').render(text)).toContain('\n周子航（电子签名）');
    const t = '入院时间：2026年10月19日10时20分　记录时间：2026-10-19 10:50';
    expect(form('time-dot').render(t)).toBe('入院时间：2026.10.19 10:20　记录时间：2026.10.19 10:50');
    expect(form('time-iso-T').render(t)).toBe('入院时间：2026-10-19T10:20　记录时间：2026-10-19T10:50');
    expect(form('time-年月日时分').render(t)).toBe(
      '入院时间：2026年10月19日10时20分　记录时间：2026年10月19日10时50分',
    );
    // A decimal or a number run into a word ("3.2型糖尿病") is no list marker.
    expect(form('list-1、').render('诊断：1.脑梗死 2.高血压 3.2型糖尿病 T 36.5℃')).toBe(
      '诊断：1、脑梗死 2、高血压 3.2型糖尿病 T 36.5℃',
    );
    expect(form('list-1、').render('诊断：\n1.脑梗死\n2.高血压')).toBe('诊断：\n1、脑梗死\n2、高血压');
  });

  it('finds a change of the findings: a rendering that drops content is caught', () => {
    const dropsComplaint: Form = {
      name: 'drops-主诉',
      group: 'test',
      render: (t) => t.replace(/^[ \t　]*主[ \t　]*诉[^\n]*\n/m, ''),
    };
    const { counts, diffs } = checkForms([base('p01')], [dropsComplaint], BOOK);
    expect(counts[0]!.changedRecords).toBe(1);
    expect(diffs[0]!.appeared.some((k) => k.startsWith('C01 '))).toBe(true);
  });

  // The forms of the records that unseen records showed the engine first (one-line, table and bracket headers,
  // numbered and bracketed headings, other time notations, electronic signatures, list markers, stray spaces):
  // the findings on each record must stay what they are as written.
  it.each(['p01', 'p04', 'q01', 'o04'])('%s: the same findings in every form', (id) => {
    const { counts, diffs } = checkForms([base(id)], FORMS, BOOK);
    expect(diffs).toEqual([]);
    // Not vacuous: most forms rewrote the record.
    expect(counts.filter((c) => c.rewritten > 0).length).toBeGreaterThan(FORMS.length / 2);
  });

  it('leaves a record whose text no form reads unchanged', () => {
    const enc = DEV_RECORDS.get('p01')!;
    const plain = { ...enc, documents: enc.documents.map((d) => ({ ...d, text: '无' })) };
    expect(FORMS.every((f) => reformed(plain, f) === undefined)).toBe(true);
  });
  it('prints the column, bullet and wrapped forms of print templates', () => {
    const text =
      '姓名：王德顺　性别：男\n主诉：头晕3个月。\n现病史：患者3个月前无明显诱因出现头晕，呈阵发性，每次持续数分钟，伴乏力。';
    expect(form('header-tab-columns').render(text).split('\n')[0]).toBe('姓名\t王德顺\t性别\t男');
    expect(form('header-box-rule').render(text).split('\n')[0]).toBe('│姓名：王德顺│性别：男│');
    expect(form('heading-■').render(text).split('\n')[1]).toBe('■ 主诉：头晕3个月。');
    expect(form('heading-full-width-spaced').render(text).split('\n')[2]).toMatch(/^现　病　史：/);
    // Broken after a clause once the line is long, never inside a word or a number; joined again it is the text.
    const wrapped = form('wrap-24-indented').render(text);
    expect(wrapped.split('\n').slice(2)).toEqual([
      '现病史：患者3个月前无明显诱因出现头晕，呈阵发性，',
      '　　每次持续数分钟，伴乏力。',
    ]);
    expect(wrapped.replace(/\n　　/g, '')).toBe(text);
  });

  it('prints the forms no round had used: key=value, +---+ tables, run-on fields, (1), glosses after, 二〇二六年, 点', () => {
    const text =
      '姓名：王德顺　性别：男\n入院时间：2026-10-05 10:30\n主诉：头晕3个月。\n医师签名：周子航　2026-10-05 11:00';
    expect(form('header-key=value').render(text).split('\n')[0]).toBe('姓名=王德顺  性别=男');
    const table = form('header-ascii-table').render(text).split('\n');
    expect(table[0]).toMatch(/^\+-+\+-+\+-+\+-+\+$/);
    expect(table[1]).toBe('| 姓名 | 王德顺 | 性别 | 男 |');
    expect(table[2]).toBe(table[0]);
    expect(form('header-run-on').render(text).split('\n')[0]).toBe(
      '姓名：王德顺，性别：男，入院时间：2026-10-05 10:30。',
    );
    expect(form('heading-(1)').render(text).split('\n')[2]).toBe('(1)主诉：头晕3个月。');
    expect(form('heading-gloss-after').render(text).split('\n')[2]).toBe('主诉 Chief complaint：头晕3个月。');
    expect(form('time-中文数字').render(text).split('\n')[1]).toBe('入院时间：二〇二六年十月五日 10点30分');
    expect(form('time-点分').render(text).split('\n')[1]).toBe('入院时间：2026年10月5日 10点30分');
    expect(form('signature-block').render(text).split('\n').slice(3)).toEqual([
      `${'　'.repeat(16)}医师签名：周子航`,
      `${'　'.repeat(16)}2026-10-05 11:00`,
    ]);
  });
});
