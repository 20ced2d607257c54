import { describe, expect, it } from 'vitest';
import { changed, DEV_RECORDS, editDocument, found } from '../../../bench/qc-lib/dev-records.js';
import { INJECTIONS } from '../../../bench/qc-lib/injections.js';
import { inject } from '../../../bench/qc-lib/variants.js';
import { foldFormCharacters } from './form-characters.js';
import { openingClockDays, sectionPlaces, yearBefore } from './text.js';

/**
 * The eighteenth round (issue 16, 2026-12-07): the last false findings and misses of the dev set after t01–t06.
 * A cause chain present on admission beside the main diagnosis (H11), a day-surgery stay's diagnoses (K03), an
 * onset told as a clock time today (K17), hygiene against infection (K11), a late or a missing 危急值 note and a
 * blood gas's other numbers (C23), a relative's age in a newborn's header (C01), a bilingual heading glossed after
 * its name; and the bench's injections on wrapped paragraphs (K16, C03). Each reading, and the defect it must find.
 */
type Doc = { id: string; type: string; text: string };
type Dx = { name: string; kind?: string; admissionCondition?: string };
type Order = Record<string, unknown>;
type Editable = { documents: Doc[]; orders: Order[]; homepage: { otherDiagnoses: Dx[] } };

const rec = (id: string) => DEV_RECORDS.get(id)!;
const edit = editDocument;
const injected = (id: string, injection: string) =>
  inject({ id, source: 'fresh', half: 'dev', file: id, encounter: rec(id) }, [
    INJECTIONS.find((i) => i.id === injection)!,
  ])!.encounter;

describe('forms-dev18: H11 and a cause chain present on admission', () => {
  it('t06: the pyelonephritis and the stone behind the sepsis, before the AKI present on admission', () => {
    expect(found(rec('t06'), 'H11')).toEqual([]);
  });

  it('a complication that arose in the stay after a comorbidity is still found (m02, and t06 edited)', () => {
    expect(found(rec('m02'), 'H11')).toEqual(['合并症排在并发症之前']);
    const arose = changed<Editable>('t06', (e) => {
      e.homepage.otherDiagnoses.find((d) => d.name === '急性肾损伤')!.admissionCondition = '4';
    });
    expect(found(arose, 'H11')).toEqual(['合并症排在并发症之前']);
  });
});

describe('forms-dev18: K03 reads a day-surgery stay’s 24小时内入出院记录', () => {
  it('s01: its 出院诊断 equal the 首页’s; a replaced main diagnosis is found', () => {
    expect(found(rec('s01'), 'K03')).toEqual([]);
    expect(found(injected('s01', 'homepage-main-dx-differs'), 'K03')).toContain(
      '主要诊断不一致：出院记录“左下肢大隐静脉曲张”，首页“急性胃肠炎”',
    );
  });
});

describe('forms-dev18: K17 reads an onset told as a clock time today', () => {
  it('s05: "今日16:40左右…突然出现" is 3 hours before the 19:40 admission; a 主诉 of 3天 is found', () => {
    expect(found(rec('s05'), 'K17')).toEqual([]);
    const e = edit('s05', 's05-adm', (t) => t.replace('撕裂样疼痛3小时', '撕裂样疼痛3天'));
    expect(found(e, 'K17')).toEqual(['主诉时间（3天）与现病史（0.13天）不一致']);
  });

  it('openingClockDays: today, tonight and yesterday evening, China Standard Time', () => {
    const re = new RegExp(
      '(?:今|(昨))(?:日|天|晨|早)?\\s*(?:凌晨|早上|上午|中午|(下午|傍晚)|(晚上|夜间|晚|夜))?\\s*约?\\s*' +
        '(\\d{1,2})\\s*(?:[:：]\\s*(\\d{2})|[时点]\\s*(?:(\\d{1,2})\\s*分)?)',
    );
    const at = '2026-10-20T19:40:00+08:00';
    expect(openingClockDays('患者今日16:40左右出现胸痛', at, 99, re)! * 24).toBeCloseTo(3);
    expect(openingClockDays('患者今日下午4点30分出现胸痛', at, 99, re)! * 24).toBeCloseTo(3 + 1 / 6);
    expect(openingClockDays('患者昨晚10点出现胸痛', at, 99, re)! * 24).toBeCloseTo(21 + 2 / 3);
    expect(openingClockDays('患者昨夜2点出现胸痛', at, 99, re)! * 24).toBeCloseTo(41 + 2 / 3);
    // After the first duration it is no opening; a time after admission is no onset.
    expect(openingClockDays('3天前…今日16:40加重', at, 2, re)).toBeUndefined();
    expect(openingClockDays('今日21:00出现', at, 99, re)).toBeUndefined();
  });
});

describe('forms-dev18: K11 and hygiene against an infection no one has', () => {
  const withCefuroxime = (id: string, f: (e: Editable) => void = () => {}) =>
    changed<Editable>(id, (e) => {
      e.orders.push({
        id: `${id}-abx`,
        text: '注射用头孢呋辛钠 1.5g 静脉滴注 每日2次',
        kind: 'long',
        orderedAt: '2026-10-26T20:00:00+08:00',
        signedBy: 'd-s06-fu',
        status: 'stopped',
        items: 1,
        category: 'antibiotic',
        antibioticTier: 'unrestricted',
      });
      f(e);
    });

  it('s06: "局部保持清洁，防止继发感染" gives an antibiotic no indication', () => {
    expect(found(rec('s06'), 'K11')).toEqual([]);
    expect(found(withCefuroxime('s06'), 'K11')).toEqual([
      '医嘱“注射用头孢呋辛钠 1.5g 静脉滴注 每日2次”无病程记录说明用药指征',
    ]);
  });

  it('prophylaxis named with its drug is still an indication', () => {
    const e = withCefuroxime('s06', (x) => {
      const d = x.documents.find((y) => y.id === 's06-first')!;
      d.text = d.text.replace('局部保持清洁，防止继发感染', '予头孢呋辛静滴，防止继发感染');
    });
    expect(found(e, 'K11')).toEqual([]);
  });
});

describe('forms-dev18: C23, a late handling note and a missing one', () => {
  it('t04: the note signed 9 h after the report is late, said with its time; without it the next one is', () => {
    expect(found(rec('t04'), 'C23')).toEqual(['危急值血钾：病程记录分析处理晚于6小时（报告后9小时30分）']);
    const none = injected('t04', 'critical-value-no-handling-note');
    expect(found(none, 'C23')).not.toEqual(found(rec('t04'), 'C23'));
  });

  it('t06: a blood gas’s other numbers ("PaCO2 30mmHg") do not make "乳酸钠林格液30ml" the lactate’s note', () => {
    expect(found(rec('t06'), 'C23')).toEqual([]);
    expect(found(injected('t06', 'critical-value-no-handling-note'), 'C23')).toEqual([
      '危急值乳酸：6小时内无病程记录分析处理',
    ]);
  });
});

describe('forms-dev18: C01 and a newborn’s header', () => {
  it('t03: without 年龄, "父亲：陈建，32岁" is the father’s age, not the patient’s', () => {
    expect(found(rec('t03'), 'C01')).toEqual([]);
    expect(
      found(
        edit('t03', 't03-adm', (t) => t.replace('年龄：23小时　　', '')),
        'C01',
      ),
    ).toEqual(['入院记录缺少“年龄”']);
  });
});

describe('forms-dev18: headings glossed in English after their name', () => {
  it('"出院诊断 Discharge diagnosis：" is the 出院诊断; "辅助检查 CT：" keeps its CT', () => {
    const glossed = edit('d01', 'd01-dis', (t) => t.replace(/出院诊断[：:]/, '出院诊断 Discharge diagnosis：'));
    expect(found(glossed, 'K03')).toEqual([]);
    const t = '主诉 Chief complaint：胸痛3天。\n辅助检查 CT：肺炎。';
    const at = Object.fromEntries(sectionPlaces(t).map((p) => [p.name, t.slice(p.start, p.end).trim()]));
    expect(at['主诉']).toBe('胸痛3天。');
    expect(at['辅助检查']).toBe('CT：肺炎。');
  });
});

describe('forms-dev18: the bench’s injections on wrapped paragraphs', () => {
  it('K16 copies the whole wrapped 现病史 over the whole 病例特点 (t01, t06), and it is found', () => {
    for (const id of ['t01', 't06']) expect(found(injected(id, 'first-note-copies-hpi'), 'K16').length).toBe(1);
  });

  it('C03 removes the general condition with its wrapped line (t01), and it is found', () => {
    expect(found(injected('t01', 'adm-drop-hpi-general'), 'C03')).toEqual(['现病史缺一般情况']);
  });
});

describe('forms-dev18: yearBefore reads the admission in China Standard Time', () => {
  it('a time written without its zone is Shanghai time', () => {
    expect(yearBefore(1, 1, '2026-12-31T20:00')).toBe(2026);
    expect(yearBefore(12, 31, '2027-01-01T07:00')).toBe(2026);
  });
});

describe('forms-dev18: dates in Chinese numerals and clock times with 点', () => {
  it('are read in digits, each in the length it had', () => {
    const cases: [string, string][] = [
      ['入院时间：二〇二六年十月五日 10点30分', '入院时间：2026-10-5 10时30分'],
      ['二〇二六年十二月二十五日', '　2026年12月25日'],
      ['二〇二六年十一月三日', '2026年11月3日'],
      // 十月十日 has no digit form as short: left as written.
      ['二〇二六年十月十日', '二〇二六年十月十日'],
      ['下午3点钟', '下午3点钟'],
    ];
    for (const [text, folded] of cases) {
      expect(foldFormCharacters(text)).toBe(folded);
      expect(folded.length).toBe(text.length);
    }
  });

  it('K04 compares a 出院记录 入院时间 written in Chinese numerals (d01)', () => {
    const at = (date: string) => edit('d01', 'd01-dis', (t) => t.replace('入院时间:2026-09-07', `入院时间:${date}`));
    expect(found(at('二〇二六年九月七日'), 'K04')).toEqual([]);
    expect(found(at('二〇二六年九月六日'), 'K04').length).toBeGreaterThan(0);
  });
});
