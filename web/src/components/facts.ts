import type { Lang } from '../i18n.js';
import type { Fact } from '../types.js';

export function factName(f: Fact, lang: Lang): string {
  return (lang === 'zh' ? (f.concept.displayZh ?? f.concept.display) : (f.concept.display ?? f.concept.displayZh)) ?? f.concept.code;
}

export function factValue(f: Fact): string {
  if (f.value) return `${f.value.value}${f.value.value2 !== undefined ? `/${f.value.value2}` : ''} ${f.value.unit}`;
  return f.valueText ?? '';
}

const assertionZh: Record<string, string> = { present: '存在', absent: '否定', possible: '可能', historical: '既往', family: '家族', hypothetical: '假设' };

export function assertionLabel(a: string, lang: Lang): string {
  return lang === 'zh' ? (assertionZh[a] ?? a) : a;
}
