import { describe, expect, it } from 'vitest';
import { bundledHeadings, headingSet, parseSections } from './text.js';

describe('the section reader', () => {
  it('reads one-line headers, full-width spaces and colons', () => {
    const s = parseSections(
      '入院记录\n姓名：张三　性别：男 年龄：65岁，职业：退休\n主诉：咳嗽3天。\n现病史：患者3天前…',
    );
    expect(s).toMatchObject({ 姓名: '张三', 性别: '男', 年龄: '65岁', 职业: '退休', 主诉: '咳嗽3天。' });
  });

  it('a synonym counts for its whole group (入院时间 = 入院日期)', () => {
    const s = parseSections('出院记录\n入院时间：2024-01-08　出院时间：2024-01-15　住院天数：7天');
    expect(s).toMatchObject({ 入院日期: '2024-01-08', 入院时间: '2024-01-08', 出院日期: '2024-01-15' });
  });

  it('a line-start heading is not read inside running text', () => {
    const s = parseSections('现病史：患者诉 主诉：不明，伴发热。');
    expect(Object.keys(s)).toEqual(['现病史']);
  });

  it('reads with the headings it is given (a release may hold others)', () => {
    const own = headingSet([{ name: '主诉' }, { name: '病人自述', synonyms: ['自述'] }]);
    expect(parseSections('自述：头痛\n主诉：头痛2天', own)).toEqual({
      自述: '头痛',
      病人自述: '头痛',
      主诉: '头痛2天',
    });
    expect(bundledHeadings().names.has('入院日期')).toBe(true);
  });
});
