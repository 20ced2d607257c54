import { describe, expect, it } from 'vitest';
import { removeSection, sectionText } from './text-edit.js';

describe('removeSection: a section removed whatever form its heading takes', () => {
  const after = '婚育史：25岁结婚。\n家族史：父母体健。';
  it.each([
    ['月经史：初潮13岁，经期5天。', '月经史：初潮13岁，经期5天。'],
    ['【月经史】初潮13岁，经期5天。', '【月经史】初潮13岁，经期5天。'],
    ['〔月经史〕初潮13岁。', '〔月经史〕初潮13岁。'],
    ['Ⅵ．月经史：初潮13岁。', 'Ⅵ．月经史：初潮13岁。'],
    ['五、月经史　初潮13岁，经期5天。', '五、月经史　初潮13岁，经期5天。'],
    ['5、月经史：初潮14岁。', '5、月经史：初潮14岁。'],
    ['◆月经史：14岁初潮。', '◆月经史：14岁初潮。'],
    ['月 经 史：13岁初潮。', '月 经 史：13岁初潮。'],
    // Alone on its line: its content below goes with it, up to the next heading.
    [
      '［月经史］\n初潮13岁，经期5–6天。\n末次月经2026-10-28。',
      '［月经史］\n初潮13岁，经期5–6天。\n末次月经2026-10-28。',
    ],
    ['【月经史】\n初潮13岁。', '【月经史】\n初潮13岁。'],
  ])('%s', (section, span) => {
    const e = removeSection(`个人史：无烟酒。\n${section}\n${after}`, '月经史');
    expect(e).toEqual({ text: `个人史：无烟酒。\n${after}`, span });
  });

  it('does not take a longer heading for the one asked (月经及婚育史 is not 月经史)', () => {
    expect(removeSection('月经及婚育史：初潮13岁，25岁结婚。', '月经史')).toBeUndefined();
  });

  it('reads the text of a section in any heading form', () => {
    expect(sectionText('二、主诉：头晕3天。', '主诉')).toBe('头晕3天。');
    expect(sectionText('【主诉】头晕3天。', '主诉')).toBe('头晕3天。');
  });
});
