import type { Fact, Lang } from '../core/index.js';
import { conceptLabel } from '../core/index.js';

/** How a fact is written in a sentence: name, value, dose — only what the fact itself holds. */
export function factPhrase(f: Fact, lang: Lang): string {
  const name = conceptLabel(f.concept, lang);
  const side = f.laterality ? sideWord(f.laterality, lang) : '';
  const base = lang === 'zh' ? `${side}${name}` : `${side ? `${side} ` : ''}${name}`;
  if (f.value) return `${base} ${quantityText(f.value.value, f.value.unit, f.value.value2)}`;
  if (f.valueText && f.category === 'measurement') return `${base} ${f.valueText}`;
  if (f.category === 'medication' && f.dosage) return `${base}${lang === 'zh' ? ' ' : ' '}${dosageText(f, lang)}`.trimEnd();
  return base;
}

function sideWord(s: NonNullable<Fact['laterality']>, lang: Lang): string {
  if (lang === 'zh') return s === 'left' ? '左侧' : s === 'right' ? '右侧' : '双侧';
  return s;
}

// UCUM → how clinicians write it.
const unitDisplay: Record<string, string> = { Cel: '℃', '[degF]': '℉', 'mm[Hg]': 'mmHg', '10*9/L': '×10^9/L', '10*12/L': '×10^12/L', '/min': '/min', ug: 'µg' };

export function quantityText(value: number, unit: string, value2?: number): string {
  // UCUM annotations are for machines: {INR} is no unit, mL/min/{1.73_m2} is written mL/min/1.73m².
  const u = unitDisplay[unit] ?? unit.replace('{1.73_m2}', '1.73m²').replace(/\{[^}]*\}/g, '').trim();
  const v = value2 !== undefined ? `${value}/${value2}` : `${value}`;
  return u === '℃' || u === '%' || u === '' ? `${v}${u}` : `${v} ${u}`;
}

const zhFrequency: Record<string, string> = { QD: '每日1次', BID: '每日2次', TID: '每日3次', QID: '每日4次', QN: '每晚1次', PRN: '必要时' };
const zhRoute: Record<string, string> = { PO: '口服', ORAL: '口服', IV: '静滴', INTRAVENOUS: '静滴', IM: '肌注', INTRAMUSCULAR: '肌注', SC: '皮下注射', SUBCUTANEOUS: '皮下注射', INH: '吸入', INHALATION: '吸入' };

function dosageText(f: Fact, lang: Lang): string {
  const d = f.dosage!;
  const parts: string[] = [];
  const dose = d.dose ?? d.strength;
  // UCUM '1' (and annotations like {tbl}) is a count of doses, not a unit to print.
  if (dose) parts.push(dose.unit === '1' || /^\{.*\}$/.test(dose.unit) ? (lang === 'zh' ? `每次${dose.value}剂` : `${dose.value} dose${dose.value === 1 ? '' : 's'}`) : quantityText(dose.value, dose.unit));
  const route = d.route?.toUpperCase();
  if (route) parts.push(lang === 'zh' ? (zhRoute[route] ?? d.route!) : d.route!);
  const freq = d.frequency;
  if (freq) parts.push(lang === 'zh' ? (zhFrequency[freq.code] ?? freq.original ?? freq.code) : freq.code);
  if (d.asNeeded && freq?.code !== 'PRN') parts.push(lang === 'zh' ? '必要时' : 'PRN');
  return parts.join(' ');
}

/** Joins items the way each language lists them. */
export function list(items: readonly string[], lang: Lang): string {
  return items.join(lang === 'zh' ? '、' : ', ');
}
