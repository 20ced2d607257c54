import type { Quantity } from '../core/index.js';

/** Factors to a base unit for the units doses and results are written in (UCUM codes). */
const toBase: Record<string, { base: string; factor: number }> = {
  g: { base: 'g', factor: 1 },
  mg: { base: 'g', factor: 1e-3 },
  ug: { base: 'g', factor: 1e-6 },
  ng: { base: 'g', factor: 1e-9 },
  kg: { base: 'g', factor: 1e3 },
  L: { base: 'L', factor: 1 },
  mL: { base: 'L', factor: 1e-3 },
  dL: { base: 'L', factor: 0.1 },
  'mg/dL': { base: 'g/L', factor: 1e-2 },
  'g/dL': { base: 'g/L', factor: 10 },
  'g/L': { base: 'g/L', factor: 1 },
  'mg/L': { base: 'g/L', factor: 1e-3 },
  'mmol/L': { base: 'mol/L', factor: 1e-3 },
  'umol/L': { base: 'mol/L', factor: 1e-6 },
  Cel: { base: 'Cel', factor: 1 },
  'mm[Hg]': { base: 'mm[Hg]', factor: 1 },
  '/min': { base: '/min', factor: 1 },
  '{beats}/min': { base: '/min', factor: 1 },
  '{breaths}/min': { base: '/min', factor: 1 },
  '%': { base: '%', factor: 1 },
  cm: { base: 'm', factor: 1e-2 },
  m: { base: 'm', factor: 1 },
  U: { base: 'U', factor: 1 },
  '[IU]': { base: 'U', factor: 1 },
  '10*9/L': { base: '10*9/L', factor: 1 },
  '10*3/uL': { base: '10*9/L', factor: 1 },
  // eGFR: notes often leave out the per-1.73 m² normalisation the lab's unit states.
  'mL/min/{1.73_m2}': { base: 'mL/min', factor: 1 },
  'mL/min/1.73m2': { base: 'mL/min', factor: 1 },
  'mL/min': { base: 'mL/min', factor: 1 },
  'ng/L': { base: 'g/L', factor: 1e-9 },
  'ng/mL': { base: 'g/L', factor: 1e-6 },
  'pg/mL': { base: 'g/L', factor: 1e-9 },
};

/** A quantity in its unit's base, or undefined where the unit is unknown. */
function base(q: Quantity): { value: number; value2?: number; unit: string } | undefined {
  const b = toBase[q.unit];
  if (!b) return undefined;
  return { value: q.value * b.factor, ...(q.value2 !== undefined ? { value2: q.value2 * b.factor } : {}), unit: b.base };
}

/**
 * Whether two quantities state the same amount: same unit (or convertible) and within 1 % (records
 * round differently: 38.5 ℃ vs 38.50 Cel). `undefined` = not comparable (different dimensions).
 */
export function sameQuantity(a: Quantity, b: Quantity): boolean | undefined {
  const close = (x: number, y: number) => Math.abs(x - y) <= Math.max(Math.abs(x), Math.abs(y)) * 0.01 + 1e-9;
  if (a.unit === b.unit) return close(a.value, b.value) && (a.value2 === undefined || b.value2 === undefined || close(a.value2, b.value2));
  const ba = base(a);
  const bb = base(b);
  if (!ba || !bb || ba.unit !== bb.unit) return undefined;
  return close(ba.value, bb.value) && (ba.value2 === undefined || bb.value2 === undefined || close(ba.value2, bb.value2));
}

export function formatQuantity(q: Quantity): string {
  return q.original ?? `${q.comparator ?? ''}${q.value}${q.value2 !== undefined ? `/${q.value2}` : ''} ${q.unit}`;
}
