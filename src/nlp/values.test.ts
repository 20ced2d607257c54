import { describe, expect, it } from 'vitest';
import { parseMedication } from './medication.js';
import { parseQuantities } from './quantities.js';
import { parseTimes } from './time.js';
import { normaliseUnit } from './units.js';

describe('normaliseUnit', () => {
  it.each([
    ['℃', 'Cel'],
    ['°C', 'Cel'],
    ['mmHg', 'mm[Hg]'],
    ['×10^9/L', '10*9/L'],
    ['x10^9/L', '10*9/L'],
    ['G/L', '10*9/L'],
    ['g/L', 'g/L'],
    ['次/分', '/min'],
    ['μmol/L', 'umol/L'],
    ['ｍｍｏｌ／Ｌ', 'mmol/L'],
    ['mcg', 'ug'],
  ])('%s → %s', (written, ucum) => {
    expect(normaliseUnit(written)).toBe(ucum);
  });

  it('unknown units are undefined, not guessed', () => {
    expect(normaliseUnit('furlongs')).toBeUndefined();
  });
});

describe('parseQuantities', () => {
  const one = (text: string) => {
    const qs = parseQuantities(text);
    expect(qs).toHaveLength(1);
    const q = qs[0]!;
    expect(text.slice(q.start, q.end)).toBe(q.quantity.original);
    return q.quantity;
  };

  it.each([
    ['BP 120/80 mmHg', { value: 120, value2: 80, unit: 'mm[Hg]', original: '120/80 mmHg' }],
    ['T 38.5℃', { value: 38.5, unit: 'Cel', original: '38.5℃' }],
    ['SpO2 98%', { value: 98, unit: '%', original: '98%' }],
    ['WBC 12.3×10^9/L', { value: 12.3, unit: '10*9/L', original: '12.3×10^9/L' }],
    ['血钾 3.1 mmol/L', { value: 3.1, unit: 'mmol/L', original: '3.1 mmol/L' }],
    ['Hb 9.8 g/dL', { value: 9.8, unit: 'g/dL', original: '9.8 g/dL' }],
    ['心率 88次/分', { value: 88, unit: '/min', original: '88次/分' }],
    ['血钾３．１ｍｍｏｌ/Ｌ', { value: 3.1, unit: 'mmol/L', original: '３．１ｍｍｏｌ/Ｌ' }],
    ['troponin <0.01 ng/mL', { value: 0.01, unit: 'ng/mL', comparator: '<', original: '<0.01 ng/mL' }],
  ])('%s', (text, expected) => {
    expect(one(text)).toEqual(expected);
  });

  it('a unit does not run into a word ("5 months" is not metres)', () => {
    expect(parseQuantities('for 5 months')).toEqual([]);
  });
});

describe('parseTimes', () => {
  const anchor = { anchorDate: '2024-03-10', admissionDate: '2024-03-05' };
  it.each([
    ['3天前出现发热', { start: '2024-03-07', relative: '3天前', anchor: '2024-03-10' }],
    ['半年前', { start: '2023-09-10', relative: '半年前' }],
    ['2 weeks ago', { start: '2024-02-25', relative: '2 weeks ago' }],
    ['于2024-03-01就诊', { start: '2024-03-01' }],
    ['2024年3月1日', { start: '2024-03-01' }],
    ['March 1, 2024', { start: '2024-03-01' }],
    ['入院第3天', { start: '2024-03-07', relative: '入院第3天', anchor: 'admission' }],
    ['hospital day 2', { start: '2024-03-06', anchor: 'admission' }],
    ['昨日', { start: '2024-03-09', relative: '昨日' }],
  ])('%s', (text, expected) => {
    const [t] = parseTimes(text, anchor);
    expect(t?.time).toMatchObject(expected);
  });

  it('a Chinese duration after a symptom dates its onset', () => {
    const [t] = parseTimes('咳嗽3天', anchor);
    expect(t).toMatchObject({ kind: 'duration', time: { duration: { value: 3, unit: 'd' }, start: '2024-03-07' } });
  });

  it('an interval of a frequency is not a duration (每8小时一次, 每隔6小时)', () => {
    expect(parseTimes('甘露醇125ml 静脉滴注 每8小时一次', anchor)).toEqual([]);
    expect(parseTimes('每隔6小时', anchor)).toEqual([]);
    expect(parseTimes('甘露醇脱水3天', anchor)[0]).toMatchObject({
      kind: 'duration',
      time: { duration: { value: 3, unit: 'd' } },
    });
  });

  it('English durations', () => {
    const [t] = parseTimes('cough for 2 weeks', anchor);
    expect(t).toMatchObject({ kind: 'duration', time: { duration: { value: 2, unit: 'wk' } } });
  });

  it('without an anchor the relative text is kept and no date is invented', () => {
    const [t] = parseTimes('3天前');
    expect(t?.time).toEqual({ relative: '3天前' });
  });

  // the Chinese ones are tried only where a number runs up to a unit (and 前): each of these starts elsewhere
  it.each([
    [
      '发热3个月前加重，咳嗽1年余，2017年3月起胸闷2 周',
      ['point 3个月前', 'duration 1年余', 'point 2017年3月', 'duration 2 周'],
    ],
    ['十余天前腹痛，3.5小时后缓解，半年之前手术，每8小时 口服', ['point 十余天前', 'point 半年之前']],
    ['于2周 前,头痛两天；12月3日起乏力3天', ['point 2周 前', 'duration 两天', 'duration 3天']],
  ])('Chinese times in %s', (text, expected) => {
    expect(parseTimes(text).map((t) => `${t.kind} ${text.slice(t.start, t.end)}`)).toEqual(expected);
  });

  it('offsets round-trip', () => {
    const text = '患者于2024-03-01入院，3天前发热';
    for (const t of parseTimes(text, anchor))
      expect(t.time.relative ?? text.slice(t.start, t.end)).toBe(text.slice(t.start, t.end));
  });
});

describe('parseMedication', () => {
  it('an English sig', () => {
    expect(parseMedication(' 25 mg PO BID x 7 days')).toMatchObject({
      dose: { value: 25, unit: 'mg' },
      route: 'PO',
      frequency: { code: 'BID', perDay: 2 },
      duration: { value: 7, unit: 'd' },
    });
  });

  it('a Chinese sig with Latin frequency', () => {
    expect(parseMedication(' 100mg 口服 qd')).toMatchObject({
      dose: { value: 100, unit: 'mg' },
      route: 'PO',
      frequency: { code: 'QD', perDay: 1 },
    });
  });

  it('每日3次 and 静滴', () => {
    expect(parseMedication(' 2g 静滴 每日3次 共7天')).toMatchObject({
      dose: { value: 2, unit: 'g' },
      route: 'IVGTT',
      frequency: { code: 'TID', perDay: 3 },
      duration: { value: 7, unit: 'd' },
    });
  });

  it('strength and count: the amount is the strength, the count the dose', () => {
    expect(parseMedication(' 25 mg tablet, take 2 tablets by mouth twice daily as needed')).toMatchObject({
      strength: { value: 25, unit: 'mg' },
      dose: { value: 2, unit: '{tbl}' },
      route: 'PO',
      frequency: { code: 'BID' },
      asNeeded: true,
    });
  });

  it('Chinese counts: 每次1片', () => {
    expect(parseMedication(' 每次1片 每日2次')).toMatchObject({
      dose: { value: 1, unit: '{tbl}' },
      frequency: { code: 'BID' },
    });
  });

  it('nothing to read gives an empty sig', () => {
    expect(parseMedication(' was stopped')).toEqual({ end: 0 });
  });
});
