import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDates, shiftDatesIn } from './dates.js';
import { Deidentifier, shiftDaysFor } from './deidentify.js';
import { detectPhi, validCnId } from './detect.js';
import { loadAnnotatedNotes, parseAnnotatedNotes, scoreDeid } from './evaluate.js';

const fixtures = join(import.meta.dirname, '..', '__fixtures__');
const kinds = (text: string) => detectPhi(text).map((s) => [s.kind, s.text]);

describe('PHI detection', () => {
  it('checks the 身份证 check digit (GB 11643-1999)', () => {
    expect(validCnId('110105195803125268')).toBe(true);
    expect(validCnId('110105195803125269')).toBe(false);
    expect(kinds('号码110105195803125268')).toEqual([['ID', '110105195803125268']]);
    // Without a cue, an 18-digit number with a wrong check digit is not an ID card.
    expect(kinds('样本编号110105195803125269')).toEqual([]);
    // With a cue, any 18-character number is masked (a typo in the check digit is still PHI).
    expect(kinds('身份证号：110105195803125269')).toEqual([['ID', '110105195803125269']]);
  });

  it('finds Chinese mobile and landline numbers and US numbers', () => {
    expect(kinds('电话13812345678，')).toEqual([['PHONE', '13812345678']]);
    expect(kinds('联系+86 186 0101 2020')).toEqual([['PHONE', '+86 186 0101 2020']]);
    expect(kinds('座机 010-65432198')).toEqual([['PHONE', '010-65432198']]);
    expect(kinds('call (217) 555-0142 now')).toEqual([['PHONE', '(217) 555-0142']]);
    expect(kinds('or 503.555.0177.')).toEqual([['PHONE', '503.555.0177']]);
  });

  it('leaves clinical numbers alone', () => {
    const text =
      'BP 150/90 mmHg, HR 88, WBC 12.3×10^9/L, INR 2.5, 阿司匹林100mg qd, 血糖7.8mmol/L, 2019年确诊, 5 mg daily.';
    expect(detectPhi(text)).toEqual([]);
  });

  it('masks ages over 89 only', () => {
    expect(kinds('患者93岁，其妻88岁')).toEqual([['AGE', '93']]);
    expect(kinds('a 92-year-old woman, her husband is 85 years old')).toEqual([['AGE', '92']]);
    expect(kinds('aged 96, 91 yo')).toEqual([
      ['AGE', '96'],
      ['AGE', '91'],
    ]);
  });

  it('propagates a name found once to its other mentions', () => {
    const spans = detectPhi('姓名：王秀英\n王秀英诉头痛。');
    expect(spans.map((s) => s.text)).toEqual(['王秀英', '王秀英']);
    const en = detectPhi('His wife, Linda Carter, called. Carter was short of breath.');
    expect(en.map((s) => s.text)).toEqual(['Linda Carter', 'Carter']);
  });

  it('handles numbers and ages written other ways', () => {
    expect(kinds('患者，女，九十二岁，')).toEqual([['AGE', '九十二岁']]);
    expect(kinds('a ninety-three year old')).toEqual([['AGE', 'ninety-three']]);
    expect(kinds('身份证：3301 0619 3007 1618 64')).toEqual([['ID', '3301 0619 3007 1618 64']]);
    expect(kinds('Call back: +44 20 7946 0958')).toEqual([['PHONE', '+44 20 7946 0958']]);
    expect(kinds('既往史：二〇一九年三月行阑尾切除术')).toEqual([['DATE', '二〇一九年三月']]);
    expect(kinds('seen 24/03/2024')).toEqual([['DATE', '24/03/2024']]);
    expect(kinds('mail a_smitham (at) example.com')).toEqual([['EMAIL', 'a_smitham (at) example.com']]);
  });

  it('does not take clinical words after 患者 for names (real CCKS 2017 phrasing)', () => {
    const text =
      '患者全般状况好，患者于今日来到我院，患者高血压症状可能与肾上腺有关，患儿麻醉清醒后，据患者左侧肢体活动不利。';
    expect(detectPhi(text)).toEqual([]);
    expect(kinds('请示刘纪豪副主任医师看过病人')).toEqual([['NAME', '刘纪豪']]);
  });

  it('uses names the caller knows from the record', () => {
    expect(detectPhi('今日李雷诉头晕', { knownNames: ['李雷'] }).map((s) => s.text)).toEqual(['李雷']);
  });
});

describe('dates', () => {
  it('finds zh and en dates and shifts them keeping their format', () => {
    const text =
      '2024-03-15, 2024年3月13日, 2021年5月, 12月4日, 03/12/1958, March 15, 2024, Dec 4, 15 March 2024, August 2022, 2023.09.14';
    expect(findDates(text).map((d) => d.text)).toEqual([
      '2024-03-15',
      '2024年3月13日',
      '2021年5月',
      '12月4日',
      '03/12/1958',
      'March 15, 2024',
      'Dec 4',
      '15 March 2024',
      'August 2022',
      '2023.09.14',
    ]);
    expect(shiftDatesIn(text, 30)).toBe(
      '2024-04-14, 2024年4月12日, 2021年6月, 1月3日, 04/11/1958, April 14, 2024, Jan 3, 14 April 2024, September 2022, 2023.10.14',
    );
  });

  it('undoes a shift exactly', () => {
    const text = '入院2024-02-28，出院2024年3月1日；seen 2/29/2024 and on January 31, 2025 (May 2023).';
    for (const days of [-365, -47, 32, 100, 333]) expect(shiftDatesIn(shiftDatesIn(text, days), -days)).toBe(text);
  });

  it('gives each patient a consistent shift of at least a month', () => {
    const a = shiftDaysFor('Patient/1', 's');
    expect(shiftDaysFor('Patient/1', 's')).toBe(a);
    expect(Math.abs(a)).toBeGreaterThanOrEqual(32);
    const shifts = new Set(Array.from({ length: 20 }, (_, i) => shiftDaysFor(`Patient/${i}`, 's')));
    expect(shifts.size).toBeGreaterThan(10);
  });
});

describe('Deidentifier', () => {
  const note =
    '患者张建国，[[x]]男，93岁，身份证110105195803125268，电话13812345678，住址：北京市朝阳区建国路88号，2024-03-15入院。张建国诉胸闷。';

  it('replaces PHI with stable placeholders and moves dates', () => {
    const d = new Deidentifier({ shiftDays: 40 });
    const { text, report } = d.deidentify(note);
    expect(text).toBe(
      '患者[NAME_1]，[[x]]男，90+岁，身份证[ID_1]，电话[PHONE_1]，住址：[ADDRESS_1]，2024-04-24入院。[NAME_1]诉胸闷。',
    );
    expect(report.byKind).toMatchObject({ NAME: 2, ID: 1, PHONE: 1, ADDRESS: 1, DATE: 1, AGE: 1 });
    // Same value, same placeholder, across calls for the same patient.
    expect(d.deidentify('家属张建国').text).toBe('家属[NAME_1]');
  });

  it('re-identifies an answer written in the shifted, masked frame', () => {
    const d = new Deidentifier({ shiftDays: -100 });
    const masked = d.deidentify(note).text;
    expect(d.reidentify(masked)).toBe(note);
    const answer = d.reidentify('[NAME_1]（90+岁）于2023-12-06入院，请致电[PHONE_1]。');
    expect(answer).toBe('张建国（93岁）于2024-03-15入院，请致电13812345678。');
  });
});

describe('PHI test suite (synthetic zh and en notes, held out)', () => {
  const notes = [
    ...loadAnnotatedNotes(join(fixtures, 'phi-notes.test.zh.txt')),
    ...loadAnnotatedNotes(join(fixtures, 'phi-notes.test.en.txt')),
  ];

  it('covers every PHI kind in both languages', () => {
    const kindsSeen = new Set(notes.flatMap((n) => n.gold.map((g) => g.kind)));
    expect([...kindsSeen].sort()).toEqual([
      'ADDRESS',
      'AGE',
      'DATE',
      'EMAIL',
      'ID',
      'INSURANCE',
      'MRN',
      'NAME',
      'PHONE',
    ]);
  });

  it('reaches recall ≥ 0.99', () => {
    const s = scoreDeid(notes);
    expect(s.missed).toEqual([]);
    expect(s.recall).toBeGreaterThanOrEqual(0.99);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
  });

  it('leaves no PHI in the de-identified text', () => {
    for (const n of notes) {
      const out = new Deidentifier({ shiftDays: 45 }).deidentify(n.text).text;
      for (const g of n.gold) if (g.kind !== 'DATE' && g.kind !== 'AGE') expect(out).not.toContain(g.text);
    }
  });

  it('parses the markup and rejects unknown kinds', () => {
    expect(parseAnnotatedNotes('a [[NAME|Bob]] b')[0]).toEqual({
      text: 'a Bob b',
      gold: [{ kind: 'NAME', start: 2, end: 5, text: 'Bob' }],
    });
    expect(() => parseAnnotatedNotes('[[SHOE|x]]')).toThrow(/unknown PHI kind 'SHOE'/);
  });
});
