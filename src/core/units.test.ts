import { describe, expect, it } from 'vitest';
import {
  analyteOf,
  conversionFactor,
  convertUnit,
  displayUnit,
  molarMassOf,
  ucumOf,
  unitScale,
  unitWords,
  withoutAnnotations,
} from './units.js';

describe('units vocabulary', () => {
  it.each([
    ['℃', 'Cel'],
    ['mmol/l', 'mmol/L'],
    ['毫摩尔/升', 'mmol/L'],
    ['×10⁹/L', '10*9/L'],
    ['G/L', '10*9/L'],
    ['g/l', 'g/L'],
    ['次/分', '/min'],
    ['bpm', '/min'],
    ['°F', '[degF]'],
    ['mEq/L', 'meq/L'],
    ['MG', 'mg'],
    ['ph', '[pH]'],
    ['furlongs', undefined],
  ])('reads %s as %s', (written, ucum) => {
    expect(ucumOf(written)).toBe(ucum);
  });

  it('finds in running text only forms that cannot be words ("c" and "ph" are field-only)', () => {
    const inText = new Set(unitWords().map(([w]) => w));
    expect(inText.has('mmHg')).toBe(true);
    expect(inText.has('c')).toBe(false);
    expect(inText.has('ph')).toBe(false);
    expect(ucumOf('c')).toBe('Cel');
  });

  it('gives each written form of one unit one code, whatever its case', () => {
    for (const [w, code] of unitWords()) expect(ucumOf(w), w).toBe(code);
  });

  it('converts within a dimension, annotations being unity', () => {
    expect(convertUnit(500, 'mg', 'g')).toBe(0.5);
    expect(convertUnit(50, 'ng/L', 'ug/L')).toBe(0.05);
    expect(convertUnit(5200, '/uL', '10*9/L')).toBe(5.2);
    expect(conversionFactor('mm[Hg]', 'kPa')).toBe(0.133322);
    expect(unitScale('{beats}/min')).toEqual(unitScale('/min'));
    expect(unitScale('mL/min/1.73m2')).toEqual(unitScale('mL/min'));
    expect(unitScale('{tbl}')).toBeUndefined();
    expect(withoutAnnotations('{INR}')).toBe('1');
    expect(convertUnit(1, 'mg', 'mL')).toBeUndefined();
  });

  it('converts mass ↔ molar concentration by the molar mass, and meq ↔ mmol by the valence', () => {
    const glucose = analyteOf('空腹血糖')!;
    expect(glucose.molarMass).toBe(180.16);
    expect(convertUnit(180.16, 'mg/dL', 'mmol/L', glucose)).toBeCloseTo(10, 9);
    expect(convertUnit(1, 'mg/dL', 'umol/L', analyteOf('Creatinine')!)).toBeCloseTo(88.4, 1);
    expect(convertUnit(4, 'meq/L', 'mmol/L', analyteOf('potassium')!)).toBe(4);
    expect(convertUnit(5, 'meq/L', 'mmol/L', analyteOf('calcium')!)).toBe(2.5);
    expect(convertUnit(100, 'mg/dL', 'mmol/L')).toBeUndefined();
  });

  it('tells urea nitrogen from urea', () => {
    expect(molarMassOf('BUN')).toBe(28.014);
    expect(molarMassOf('尿素氮')).toBe(28.014);
    expect(molarMassOf('尿素')).toBe(60.06);
    expect(molarMassOf('albumin')).toBeUndefined();
  });

  it('shows each unit as clinicians write it, per language, never as a UCUM code', () => {
    expect(displayUnit('Cel', 'zh')).toBe('℃');
    expect(displayUnit('°C')).toBe('℃');
    expect(displayUnit('mm[Hg]')).toBe('mmHg');
    expect(displayUnit('10*9/L', 'zh')).toBe('×10⁹/L');
    expect(displayUnit('G/L', 'zh')).toBe('×10⁹/L');
    expect(displayUnit('/min', 'zh')).toBe('次/分');
    expect(displayUnit('/min', 'en')).toBe('/min');
    expect(displayUnit('{INR}')).toBe('');
    expect(displayUnit('mL/min/{1.73_m2}')).toBe('mL/min/1.73m²');
    expect(displayUnit('{beats}/min', 'zh')).toBe('/min');
    expect(displayUnit('mmol/L')).toBe('mmol/L');
    // Every display spelling is of a code the vocabulary knows.
    for (const code of ['Cel', 'mm[Hg]', '10*9/L', 'ug', 'meq/L', '[IU]/L', 'kg/m2'])
      expect(unitScale(code), code).toBeDefined();
  });
});
