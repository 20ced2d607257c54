import type { Lang } from '../i18n.js';
import type { Fact } from '../types.js';

export function factName(f: Fact, lang: Lang): string {
  return (
    (lang === 'zh' ? (f.concept.displayZh ?? f.concept.display) : (f.concept.display ?? f.concept.displayZh)) ??
    f.concept.code
  );
}

// UCUM codes as clinicians write them.
const unitDisplay: Record<string, string> = {
  Cel: '℃',
  '[degF]': '℉',
  'mm[Hg]': 'mmHg',
  '10*9/L': '×10⁹/L',
  '10*12/L': '×10¹²/L',
  ug: 'µg',
  '{INR}': '',
};

export function unitLabel(unit: string): string {
  return unitDisplay[unit] ?? unit.replace('{1.73_m2}', '1.73m²').replace(/\{[^}]*\}/g, '');
}

export function sexLabel(sex: string, lang: Lang): string {
  if (lang !== 'zh') return sex;
  return ({ male: '男', female: '女', other: '其他', unknown: '未知' } as Record<string, string>)[sex] ?? sex;
}

export function factValue(f: Fact): string {
  if (f.value)
    return `${f.value.value}${f.value.value2 !== undefined ? `/${f.value.value2}` : ''} ${unitLabel(f.value.unit)}`.trim();
  return f.valueText ?? '';
}

const assertionZh: Record<string, string> = {
  present: '存在',
  absent: '否定',
  possible: '可能',
  historical: '既往',
  family: '家族',
  hypothetical: '假设',
};

export function assertionLabel(a: string, lang: Lang): string {
  return lang === 'zh' ? (assertionZh[a] ?? a) : a;
}
