import type { Quantity } from '../core/index.js';

/**
 * Compares two quantities in UCUM units. Units of one dimension are converted (mg ↔ g ↔ µg,
 * mL ↔ L); a value that matches only by ignoring the unit, or that is off by a power of ten
 * between mass units, is a unit error (taxonomy E04) rather than a wrong number.
 */
export type QuantityMatch = 'same' | 'unit-error' | 'different' | 'incomparable';

const dimensions: Record<string, { dim: string; factor: number }> = {
  kg: { dim: 'mass', factor: 1e3 },
  g: { dim: 'mass', factor: 1 },
  mg: { dim: 'mass', factor: 1e-3 },
  ug: { dim: 'mass', factor: 1e-6 },
  ng: { dim: 'mass', factor: 1e-9 },
  L: { dim: 'volume', factor: 1 },
  dL: { dim: 'volume', factor: 0.1 },
  mL: { dim: 'volume', factor: 1e-3 },
  uL: { dim: 'volume', factor: 1e-6 },
  mmol: { dim: 'amount', factor: 1e-3 },
  mol: { dim: 'amount', factor: 1 },
  'mmol/L': { dim: 'molar-conc', factor: 1e-3 },
  'umol/L': { dim: 'molar-conc', factor: 1e-6 },
  'mol/L': { dim: 'molar-conc', factor: 1 },
  'g/L': { dim: 'mass-conc', factor: 1 },
  'g/dL': { dim: 'mass-conc', factor: 10 },
  'mg/dL': { dim: 'mass-conc', factor: 1e-2 },
  'mg/L': { dim: 'mass-conc', factor: 1e-3 },
  '[iU]': { dim: 'iu', factor: 1 },
  U: { dim: 'iu', factor: 1 },
  '[IU]': { dim: 'iu', factor: 1 },
  min: { dim: 'time', factor: 60 },
  h: { dim: 'time', factor: 3600 },
  d: { dim: 'time', factor: 86400 },
  wk: { dim: 'time', factor: 604800 },
  mo: { dim: 'time', factor: 2629800 },
  a: { dim: 'time', factor: 31557600 },
};

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/** UCUM annotations ({INR}, /{1.73_m2}) name what is counted, not a scale: compare without them. */
function bareUnit(unit: string): string {
  return unit.replace(/\/?\{[^}]*\}/g, '').replace(/\/1\.73m²$|\/1\.73_?m2$/i, '') || '1';
}

export function compareQuantity(claimedIn: Quantity, recordedIn: Quantity): QuantityMatch {
  const claimed = { ...claimedIn, unit: bareUnit(claimedIn.unit) };
  const recorded = { ...recordedIn, unit: bareUnit(recordedIn.unit) };
  const a = dimensions[claimed.unit];
  const b = dimensions[recorded.unit];
  const secondOk = claimed.value2 === undefined || recorded.value2 === undefined || close(claimed.value2, recorded.value2);
  if (claimed.unit === recorded.unit) return close(claimed.value, recorded.value) && secondOk ? 'same' : 'different';
  if (a && b && a.dim === b.dim) {
    if (close(claimed.value * a.factor, recorded.value * b.factor)) return secondOk ? 'same' : 'different';
    // The same number with another unit of the same kind (0.125 mg → 0.125 g), or ×10ⁿ off.
    if (close(claimed.value, recorded.value)) return 'unit-error';
    const ratio = (claimed.value * a.factor) / (recorded.value * b.factor);
    if (ratio > 0 && Number.isInteger(Math.round(Math.log10(ratio))) && close(Math.log10(ratio), Math.round(Math.log10(ratio)))) return 'unit-error';
    return 'different';
  }
  if (close(claimed.value, recorded.value)) return 'unit-error';
  return 'incomparable';
}

export function formatQuantity(q: Quantity): string {
  return q.original ?? `${q.value}${q.value2 !== undefined ? `/${q.value2}` : ''} ${q.unit}`;
}
