import type { Quantity } from '../core/index.js';
import { convertUnit, unitScale, withoutAnnotations as bareUnit } from '../core/index.js';

/**
 * Compares two quantities in UCUM units. Units of one dimension are converted (mg ↔ g ↔ µg,
 * mL ↔ L); a value that matches only by ignoring the unit, or that is off by a power of ten
 * between mass units, is a unit error (taxonomy E04) rather than a wrong number.
 */
export type QuantityMatch = 'same' | 'unit-error' | 'different' | 'incomparable';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

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
export function compareQuantity(
  claimedIn: Quantity,
  recordedIn: Quantity,
  molarMass?: number,
  rounding = false,
): QuantityMatch {
  const m = compareExact(claimedIn, recordedIn, molarMass);
  if (m !== 'different' || !rounding) return m;
  const a = unitScale(bareUnit(claimedIn.unit));
  const b = unitScale(bareUnit(recordedIn.unit));
  const recorded =
    bareUnit(claimedIn.unit) === bareUnit(recordedIn.unit)
      ? recordedIn.value
      : a && b && a.dim === b.dim
        ? (recordedIn.value * b.factor) / a.factor
        : undefined;
  if (recorded === undefined || claimedIn.value2 !== undefined || recordedIn.value2 !== undefined) return m;
  return Math.abs(claimedIn.value - recorded) <= precisionOf(claimedIn) + 1e-9 ? 'same' : m;
}

function compareExact(claimedIn: Quantity, recordedIn: Quantity, molarMass?: number): QuantityMatch {
  const claimed = { ...claimedIn, unit: bareUnit(claimedIn.unit) };
  const recorded = { ...recordedIn, unit: bareUnit(recordedIn.unit) };
  const a = unitScale(claimed.unit);
  const b = unitScale(recorded.unit);
  // Mass against molar concentration of a known analyte: convert the record's value to the claim's unit.
  if (molarMass && a && b && a.dim !== b.dim) {
    const converted = convertUnit(recorded.value, recorded.unit, claimed.unit, { molarMass });
    if (converted !== undefined) {
      return Math.abs(converted - claimed.value) <= precisionOf(claimedIn) + 1e-9 ? 'same' : 'different';
    }
  }
  const secondOk =
    claimed.value2 === undefined || recorded.value2 === undefined || close(claimed.value2, recorded.value2);
  if (claimed.unit === recorded.unit) return close(claimed.value, recorded.value) && secondOk ? 'same' : 'different';
  if (a && b && a.dim === b.dim) {
    if (close(claimed.value * a.factor, recorded.value * b.factor)) return secondOk ? 'same' : 'different';
    // The same number with another unit of the same kind (0.125 mg → 0.125 g), or ×10ⁿ off.
    if (close(claimed.value, recorded.value)) return 'unit-error';
    const ratio = (claimed.value * a.factor) / (recorded.value * b.factor);
    if (
      ratio > 0 &&
      Number.isInteger(Math.round(Math.log10(ratio))) &&
      close(Math.log10(ratio), Math.round(Math.log10(ratio)))
    )
      return 'unit-error';
    return 'different';
  }
  if (close(claimed.value, recorded.value)) return 'unit-error';
  return 'incomparable';
}

export function formatQuantity(q: Quantity): string {
  return q.original ?? `${q.value}${q.value2 !== undefined ? `/${q.value2}` : ''} ${q.unit}`;
}
