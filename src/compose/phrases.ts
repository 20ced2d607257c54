import type { Dosage, Fact, Lang } from '../core/index.js';
import { conceptLabel } from '../core/index.js';

/** Categories whose facts can have a side: a body site's finding, condition, procedure or image. */
const sided = new Set<Fact['category']>(['finding', 'condition', 'procedure', 'imaging']);

/**
 * How a fact is written in a sentence: name, value, dose — only what the fact itself holds. A side
 * is written only where a side means something: a drug, a result or an allergy has none, even when
 * the note that named it also named a side nearby ("双膝…二甲双胍" is no "双侧二甲双胍").
 */
export function factPhrase(f: Fact, lang: Lang): string {
  const name = f.category === 'measurement' && lang === 'en' ? analyteName(f) : conceptLabel(f.concept, lang);
  const side = f.laterality && sided.has(f.category) && !hasSide(name) ? sideWord(f.laterality, lang) : '';
  const base = lang === 'zh' ? `${side}${name}` : `${side ? `${side} ` : ''}${name}`;
  // Chinese runs a Chinese name into its number ("血钾6.5 mmol/L"); a Latin name keeps its space.
  const gap = lang === 'zh' && /[\u3000-\u9fff）]$/.test(base) ? '' : ' ';
  if (f.value) return `${base}${gap}${quantityText(f.value.value, f.value.unit, f.value.value2, lang)}`;
  if (f.valueText && (f.category === 'measurement' || f.category === 'genotype' || f.category === 'imaging'))
    return `${base}${lang === 'zh' ? '：' : ': '}${f.valueText}`;
  if (f.category === 'medication' && f.dosage) return `${base}${gap}${dosageText(f.dosage, lang)}`.trimEnd();
  return base;
}

/**
 * A result's name as a clinician writes it: a LOINC long common name keeps its component only
 * ("Potassium [Moles/volume] in Serum or Plasma" → "Potassium", "INR in Platelet poor plasma by
 * Coagulation assay" → "INR"); the LOINC name stays the citation's and the Composition's.
 */
function analyteName(f: Fact): string {
  const name = conceptLabel(f.concept, 'en');
  if (f.concept.system !== 'http://loinc.org') return name;
  const component = name.split(/\s\[|\s(?:in|by|from)\s|\/(?=\d|100\b)/)[0]!.trim();
  return component.length >= 2 ? component : name;
}

/** A name that already says its side ("双膝骨关节炎", "left knee"). */
function hasSide(name: string): boolean {
  return /[左右双]侧|^[左右双]|\b(left|right|bilateral)\b/i.test(name);
}

function sideWord(s: NonNullable<Fact['laterality']>, lang: Lang): string {
  if (lang === 'zh') return s === 'left' ? '左侧' : s === 'right' ? '右侧' : '双侧';
  return s;
}

// UCUM → how clinicians write it.
const unitDisplay: Record<string, string> = {
  Cel: '℃',
  '[degF]': '℉',
  'mm[Hg]': 'mmHg',
  '10*9/L': '×10^9/L',
  '10*12/L': '×10^12/L',
  '/min': '/min',
  ug: 'µg',
};

// Chinese records write rates per minute as 次/分 (《病历书写基本规范》体格检查: P 次/分, R 次/分).
const zhUnitDisplay: Record<string, string> = { '/min': '次/分', '{beats}/min': '次/分', '{breaths}/min': '次/分' };

export function quantityText(value: number, unit: string, value2?: number, lang: Lang = 'en'): string {
  // UCUM annotations are for machines: {INR} is no unit, mL/min/{1.73_m2} is written mL/min/1.73m².
  const u =
    (lang === 'zh' ? zhUnitDisplay[unit] : undefined) ??
    unitDisplay[unit] ??
    unit
      .replace('{1.73_m2}', '1.73m²')
      .replace(/\{[^}]*\}/g, '')
      .trim();
  const v = value2 !== undefined ? `${value}/${value2}` : `${value}`;
  return u === '℃' || u === '%' || u === '' || u === '次/分' ? `${v}${u}` : `${v} ${u}`;
}

const zhFrequency: Record<string, string> = {
  QD: '每日1次',
  BID: '每日2次',
  TID: '每日3次',
  QID: '每日4次',
  QN: '每晚1次',
  PRN: '必要时',
};
const zhRoute: Record<string, string> = {
  PO: '口服',
  ORAL: '口服',
  IV: '静滴',
  INTRAVENOUS: '静滴',
  IM: '肌注',
  INTRAMUSCULAR: '肌注',
  SC: '皮下注射',
  SUBCUTANEOUS: '皮下注射',
  INH: '吸入',
  INHALATION: '吸入',
};

export function dosageText(d: Dosage, lang: Lang): string {
  const parts: string[] = [];
  const dose = d.dose ?? d.strength;
  // UCUM '1' (and annotations like {tbl}) is a count of doses, not a unit to print.
  if (dose)
    parts.push(
      dose.unit === '1' || /^\{.*\}$/.test(dose.unit)
        ? lang === 'zh'
          ? `每次${dose.value}剂`
          : `${dose.value} dose${dose.value === 1 ? '' : 's'}`
        : quantityText(dose.value, dose.unit),
    );
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
