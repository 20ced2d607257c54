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

/**
 * Molar masses (g/mol, IUPAC atomic weights) of analytes reported in both mass and molar units, for
 * mg/dL ↔ mmol/L (the SI conversion of the AMA Manual of Style, 11th ed., SI conversion table).
 * Urea nitrogen is counted as N₂ (28.014), as the BUN → urea mmol/L factor 0.357 does.
 */
const molarMasses: readonly [RegExp, number][] = [
  [/glucose|葡萄糖|血糖/i, 180.16],
  [/creatinine|肌酐/i, 113.12],
  [/cholesterol|胆固醇/i, 386.65],
  [/triglycerid|甘油三酯/i, 885.7],
  [/uric acid|urate|尿酸/i, 168.11],
  [/bilirubin|胆红素/i, 584.66],
  [/urea nitrogen|\bBUN\b|尿素氮/i, 28.014],
  [/calcium|钙/i, 40.08],
];

/** The molar mass of the analyte a name gives, where it is one of the analytes above. */
export function molarMassOf(name: string): number | undefined {
  return molarMasses.find(([re]) => re.test(name))?.[1];
}

/** Half a unit of the last decimal written ("10.1" → 0.05): a converted value rounds to the claim. */
function precisionOf(q: Quantity): number {
  const digits = /\.(\d+)/.exec(q.original ?? String(q.value))?.[1]?.length ?? 0;
  return 0.5 * 10 ** -digits;
}

/**
 * `molarMass`: the analyte's, for mg/dL ↔ mmol/L. `rounding`: a measured value may be written rounded
 * ("109 mmol/L" for 108.615…): the record's value counts as the same when it rounds to the claim at
 * the precision the claim is written with. Not for doses, which are written as ordered.
 */
export function compareQuantity(claimedIn: Quantity, recordedIn: Quantity, molarMass?: number, rounding = false): QuantityMatch {
  const m = compareExact(claimedIn, recordedIn, molarMass);
  if (m !== 'different' || !rounding) return m;
  const a = dimensions[bareUnit(claimedIn.unit)];
  const b = dimensions[bareUnit(recordedIn.unit)];
  const recorded = bareUnit(claimedIn.unit) === bareUnit(recordedIn.unit) ? recordedIn.value : a && b && a.dim === b.dim ? (recordedIn.value * b.factor) / a.factor : undefined;
  if (recorded === undefined || claimedIn.value2 !== undefined || recordedIn.value2 !== undefined) return m;
  return Math.abs(claimedIn.value - recorded) <= precisionOf(claimedIn) + 1e-9 ? 'same' : m;
}

function compareExact(claimedIn: Quantity, recordedIn: Quantity, molarMass?: number): QuantityMatch {
  const claimed = { ...claimedIn, unit: bareUnit(claimedIn.unit) };
  const recorded = { ...recordedIn, unit: bareUnit(recordedIn.unit) };
  const a = dimensions[claimed.unit];
  const b = dimensions[recorded.unit];
  // Mass against molar concentration of a known analyte: convert the record's value to the claim's unit.
  if (molarMass && a && b && a.dim !== b.dim && [a.dim, b.dim].every((d) => d === 'mass-conc' || d === 'molar-conc')) {
    const perL = recorded.value * b.factor; // g/L or mol/L
    const converted = (b.dim === 'mass-conc' ? perL / molarMass : perL * molarMass) / a.factor;
    return Math.abs(converted - claimed.value) <= precisionOf(claimedIn) + 1e-9 ? 'same' : 'different';
  }
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
