import { describe, expect, it } from 'vitest';
import { displayUnit } from '../../../src/core/units.js';
import { UNIT_DISPLAY } from '../types.js';
import { ageLabel, formatNumber, quantityLabel, sexLabel, unitLabel } from './facts.js';

describe('units, numbers and ages as a chart writes them', () => {
  it('shows every UCUM code as the server does (one table: src/core/data/units.json)', () => {
    const codes = [...Object.keys(UNIT_DISPLAY), 'mg', 'mmol/L', '{tbl}', 'mL/min/{1.73_m2}', '{beats}/min'];
    for (const lang of ['zh', 'en'] as const)
      for (const code of codes) expect(unitLabel(code, lang), `${code} in ${lang}`).toBe(displayUnit(code, lang));
    expect(unitLabel('Cel', 'zh')).toBe('℃');
    expect(unitLabel('10*9/L', 'en')).toBe('×10⁹/L');
    expect(unitLabel('/min', 'zh')).toBe('次/分');
    expect(unitLabel('{INR}', 'zh')).toBe('');
  });

  it('rounds measured numbers to a sensible precision', () => {
    expect(formatNumber(10.928750639541608)).toBe('10.9');
    expect(formatNumber(36.8)).toBe('36.8');
    expect(formatNumber(4.256)).toBe('4.26');
    expect(formatNumber(0.05234)).toBe('0.0523');
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(120)).toBe('120');
    expect(quantityLabel({ value: 36.8, unit: 'Cel' }, 'zh')).toBe('36.8 ℃');
    expect(quantityLabel({ value: 120, value2: 80, unit: 'mm[Hg]' }, 'en')).toBe('120/80 mmHg');
    expect(quantityLabel({ value: 3.4, unit: '{INR}' }, 'zh')).toBe('3.4');
    expect(quantityLabel({ value: 10.928750639541608, unit: 'kg' }, 'zh')).toBe('10.9 kg');
  });

  it('gives a deceased patient their age at death, and sex in the chosen language', () => {
    expect(ageLabel({ sex: 'male', age: 54, deceased: true, deceasedDateTime: '2004-05-01T10:00:00Z' }, 'zh')).toBe(
      '已故（2004-05-01），终年54岁',
    );
    expect(ageLabel({ sex: 'male', age: 54, deceased: true, deceasedDateTime: '2004-05-01' }, 'en')).toBe(
      'died 2004-05-01, aged 54',
    );
    expect(ageLabel({ sex: 'female', age: 71 }, 'zh')).toBe('71岁');
    expect(sexLabel('female', 'zh')).toBe('女');
    expect(sexLabel('male', 'en')).toBe('Male');
  });
});
