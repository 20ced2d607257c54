import { type Lang, term } from '../i18n.js';
import { type Demographics, type Fact, UNIT_DISPLAY } from '../types.js';

export function factName(f: Fact, lang: Lang): string {
  return (
    (lang === 'zh' ? (f.concept.displayZh ?? f.concept.display) : (f.concept.display ?? f.concept.displayZh)) ??
    f.concept.code
  );
}

/**
 * A UCUM code as clinicians write it in `lang` (℃, mmHg, ×10⁹/L, 次/分; nothing for INR): the same rules as
 * src/core/units.ts unitDisplayIn over the same table (facts.test.ts checks that they agree).
 */
export function unitLabel(unit: string, lang: Lang): string {
  const d = UNIT_DISPLAY[unit];
  if (d !== undefined) return typeof d === 'string' ? d : d[lang];
  if (/^\{[^}]*\}$/.test(unit)) return '';
  return unit.replace('{1.73_m2}', '1.73m²').replace(/\{[^}]*\}/g, '');
}

/**
 * A measured number at the precision a chart shows: integers as they are, three significant digits below 100
 * (at most two decimals from 1 up: 10.928750639541608 kg → 10.9, 4.256 → 4.26, 0.0523 → 0.0523), whole
 * numbers from 100 up (1234.5 → 1235).
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return String(Math.round(v));
  if (a >= 1) return String(Number(v.toFixed(a >= 10 ? 1 : 2)));
  return String(Number(v.toPrecision(3)));
}

/** A quantity as a chart writes it: `36.8 ℃`, `120/80 mmHg`, `3.4` (INR), `88 次/分`. */
export function quantityLabel(q: { value: number; value2?: number; unit: string }, lang: Lang): string {
  const n = `${formatNumber(q.value)}${q.value2 !== undefined ? `/${formatNumber(q.value2)}` : ''}`;
  const unit = unitLabel(q.unit, lang);
  return unit ? `${n} ${unit}` : n;
}

export function sexLabel(sex: string | undefined, lang: Lang): string {
  return term('sex', sex?.toLowerCase() ?? 'unknown', lang);
}

/**
 * Age as a chart heads it: `54岁` / `54 y`; for a patient who has died, the age at death and when
 * (`已故（2004-05-01），终年54岁` / `died 2004-05-01, aged 54`), never the age they would be today.
 */
export function ageLabel(d: Demographics, lang: Lang): string | undefined {
  const zh = lang === 'zh';
  if (d.deceased) {
    const when = d.deceasedDateTime?.slice(0, 10);
    const aged = d.age !== undefined ? (zh ? `终年${d.age}岁` : `aged ${d.age}`) : '';
    if (zh) return `已故${when ? `（${when}）` : ''}${aged ? `，${aged}` : ''}`;
    return `died${when ? ` ${when}` : ''}${aged ? `, ${aged}` : ''}`;
  }
  if (d.age === undefined) return undefined;
  return zh ? `${d.age}岁` : `${d.age} y`;
}

export function factValue(f: Fact, lang: Lang): string {
  if (f.value) return quantityLabel(f.value, lang);
  return f.valueText ?? '';
}

export function assertionLabel(a: string, lang: Lang): string {
  return term('assertion', a, lang);
}
