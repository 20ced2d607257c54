import { describe, expect, it } from 'vitest';
import { DEV_RECORDS, editDocument, found } from '../../../bench/qc-lib/dev-records.js';
import { FORMS } from '../../../bench/qc-lib/reform.js';
import { findingKeys, reformed } from '../../../bench/qc-lib/reform-check.js';
import { qualityRulesFromData } from './rulebook.js';
import { parseSections } from './text.js';

/**
 * Issue 16, 2026-12-08: the first-sight false findings of x01–x06, read as classes of forms: a label in any CJK
 * bracket pair (「姓名」, 〘主诉〙, ［药物过敏］); leader dots between a label and its value (姓名……钱淑芬); a box table
 * ruled with double lines (║姓名║郑浩║); a heading framed by marks on both sides (═══ 主诉 ═══) or underlined (━━━━);
 * a heading with a qualifier before its content after a space (Ⅳ、个人史（职业史）　…); a nursing allergy form in those
 * forms; the 现病史 of an injury or of a mass found by chance, a drug named in quotes after 服; a date without its
 * year in K04. Each class on a fragment, on the records, and the defect it must still find.
 */

const rec = (id: string) => DEV_RECORDS.get(id)!;
const read = (text: string) => parseSections(text);

describe('forms-dev24: fragments of each form', () => {
  it('a label in any CJK bracket pair, inline or at a line start', () => {
    const s = read('「姓名」宋雅琴　「性别」女\n〘主诉〙玻璃割伤右手1小时。\n｢现病史｣患者1小时前割伤。');
    expect([s.姓名, s.性别, s.主诉, s.现病史]).toEqual(['宋雅琴', '女', '玻璃割伤右手1小时。', '患者1小时前割伤。']);
  });

  it('leader dots between a label and its value, two or three fields a line', () => {
    const s = read('姓名……钱淑芬　　性别……女\n入院时间……2026-10-19 09:00　住院号……RX1\n年龄 ··· 58岁');
    expect([s.姓名, s.性别, s.入院时间, s.年龄]).toEqual(['钱淑芬', '女', '2026-10-19 09:00', '58岁']);
  });

  it('a box table ruled with double lines', () => {
    const s = read('╔══╦══╗\n║姓名　║郑浩　║性别　║男　║\n╠══╬══╣\n║出生地║四川省宜宾市║职业║厨师║\n╚══╩══╝');
    expect([s.姓名, s.性别, s.出生地, s.职业]).toEqual(['郑浩', '男', '四川省宜宾市', '厨师']);
  });

  it('a heading framed on both sides or underlined, alone on its line', () => {
    const s = read('═══ 主诉 ═══\n腹胀2天。\n■ 现病史 ■\n2天前起出现腹胀。\n既往史\n━━━━━━\n平素体健。');
    expect([s.主诉, s.现病史, s.既往史]).toEqual(['腹胀2天。', '2天前起出现腹胀。', '平素体健。']);
  });

  it('a heading with its qualifier before content after a space (Ⅳ、个人史（职业史）　…)', () => {
    const s = read('Ⅲ、既往史　平素体健。\nⅣ、个人史（职业史）　熔铅岗位工作12年。\nⅤ、婚育史　已婚。');
    expect([s.既往史, s.个人史, s.婚育史]).toEqual(['平素体健。', '熔铅岗位工作12年。', '已婚。']);
  });
});

describe('forms-dev24: the x records find what was planted and nothing else', () => {
  const book = qualityRulesFromData();
  const planted: Record<string, string> = { x01: 'C16', x02: 'H07', x03: 'T13', x04: 'K11', x05: 'K04', x06: 'C07' };
  it.each(Object.entries(planted))('%s: only %s', (id, rule) => {
    const rules = [...new Set(findingKeys(rec(id), book).map((k) => k.split(' ')[0]))];
    expect(rules).toEqual([rule]);
  });

  it.each(Object.keys(planted))('%s in all the forms', (id) => {
    const before = [...findingKeys(rec(id), book)].sort();
    for (const f of FORMS) {
      const e = reformed(rec(id), f);
      if (e) expect([...findingKeys(e, book)].sort(), f.name).toEqual(before);
    }
  });
});

describe('forms-dev24: a defect is still found in these forms', () => {
  it('a header value dropped: leader dots (x02), 「」 (x06), a double-line table (x03), ［］ (x01)', () => {
    const cases = [
      editDocument('x02', 'x02-adm', (t) => t.replace('职业……退休教师', '职业……')),
      editDocument('x06', 'x06-adm', (t) => t.replace('「职业」超市收银员', '「职业」')),
      editDocument('x03', 'x03-adm', (t) => t.replace(/║厨师　*║/, '║　║')),
      editDocument('x01', 'x01-adm', (t) => t.replace('［职业］会计', '［职业］')),
    ];
    for (const e of cases) expect(found(e, 'C01')).toContain('入院记录缺少“职业”');
  });

  it('a framed or Roman-numbered section removed (x01 月经史, x04 个人史)', () => {
    const x01 = editDocument('x01', 'x01-adm', (t) => t.replace(/═══ 月经史 ═══\n[^\n]*\n/, ''));
    expect(found(x01, 'C04').length).toBeGreaterThan(0);
    const x04 = editDocument('x04', 'x04-adm', (t) => t.replace(/Ⅳ、个人史（职业史）[^\n]*\n/, ''));
    expect(found(x04, 'C01')).toContain('入院记录缺少“个人史”');
  });

  it('a nursing allergy form that states an allergy in these forms disagrees with the denials', () => {
    const cases = [
      editDocument('x01', 'x01-allergy', (t) => t.replace('［药物过敏］无', '［药物过敏］青霉素')),
      editDocument('x02', 'x02-allergy', (t) => t.replace('药物过敏……无', '药物过敏……青霉素')),
      editDocument('x06', 'x06-allergy', (t) => t.replace('「药物过敏」无', '「药物过敏」青霉素')),
    ];
    for (const e of cases) expect(found(e, 'K15').join('\n')).toMatch(/护理过敏记录有/);
  });

  it('a 现病史 without the course of its symptoms still lacks it (x03 injury, x02 mass)', () => {
    const x03 = editDocument('x03', 'x03-adm', (t) =>
      t.replace('当即出血较多，右手示指、中指不能主动屈曲，示指桡侧麻木。', ''),
    );
    expect(found(x03, 'C03')).toContain('现病史缺主要症状特点及演变');
    const x02 = editDocument('x02', 'x02-adm', (t) =>
      t
        .replace('患者1月前洗澡时无意中发现左乳外上方一肿块，约“蚕豆”大小，无疼痛，无乳头溢液、溢血，无乳头内陷，', '')
        .replace('肿块无明显增大。', ''),
    );
    expect(found(x02, 'C03')).toContain('现病史缺主要症状特点及演变');
  });

  it('x04: care before admission told as a drug in quotes after 服 and a visit to this department', () => {
    const e = editDocument('x04', 'x04-adm', (t) =>
      t.replace('曾于当地诊所服“颠茄片”，腹痛可暂时缓解。', '').replace('今日来我科门诊，', ''),
    );
    expect(found(e, 'C03')).toContain('现病史缺诊治经过及结果');
  });

  it('K04: a discharge record’s admission date without its year is compared by the admission’s year', () => {
    const e = editDocument('x05', 'x05-dis', (t) => t.replace('2026年11月10日 08:50', '11月10日 08:50'));
    expect(found(e, 'K04')).toEqual(found(rec('x05'), 'K04'));
    expect(found(rec('x05'), 'K04')).toHaveLength(1);
    const right = editDocument('x05', 'x05-dis', (t) => t.replace('2026年11月10日 08:50', '11月09日 08:50'));
    expect(found(right, 'K04')).toEqual([]);
  });
});
