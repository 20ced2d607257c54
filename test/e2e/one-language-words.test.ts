import { describe, expect, it } from 'vitest';
import { foreignWords } from './one-language.js';

describe('what one language at a time allows', () => {
  it('in Chinese: codes, acronyms, names with inner capitals and units pass; English words do not', () => {
    const text = '男 54岁 CYP2C19 *2/*2 · INR 3.4 · 体温 36.8 ℃ · 血压 120/80 mmHg · MedSeek · eGFR 90 mL/min';
    expect(foreignWords(text, 'zh')).toEqual([]);
    expect(foreignWords('性别 male · 严重程度 high · measurement', 'zh')).toEqual(['male', 'high', 'measurement']);
    // Addresses and FHIR operations are codes too.
    expect(foreignWords('服务器地址 https://ehr.hospital/fhir · 使用 Patient/$everything', 'zh')).toEqual([]);
  });

  it('in English: any Chinese character is reported, with its run', () => {
    expect(foreignWords('Male, 54 years · Problems', 'en')).toEqual([]);
    expect(foreignWords('Male · 54岁 · 问题列表', 'en')).toEqual(['岁', '问题列表']);
  });
});
