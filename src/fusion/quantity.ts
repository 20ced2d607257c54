import type { Quantity } from '../core/index.js';
import { unitScale } from '../core/index.js';

/** A quantity in its dimension's base unit (core's units table), or undefined where the unit is unknown. */
function base(q: Quantity): { value: number; value2?: number; unit: string } | undefined {
  const b = unitScale(q.unit);
  if (!b) return undefined;
  return { value: q.value * b.factor, ...(q.value2 !== undefined ? { value2: q.value2 * b.factor } : {}), unit: b.dim };
}

/**
 * Whether two quantities state the same amount: same unit (or convertible) and within 1 % (records
 * round differently: 38.5 ℃ vs 38.50 Cel). `undefined` = not comparable (different dimensions).
 */
export function sameQuantity(a: Quantity, b: Quantity): boolean | undefined {
  const close = (x: number, y: number) => Math.abs(x - y) <= Math.max(Math.abs(x), Math.abs(y)) * 0.01 + 1e-9;
  if (a.unit === b.unit)
    return close(a.value, b.value) && (a.value2 === undefined || b.value2 === undefined || close(a.value2, b.value2));
  const ba = base(a);
  const bb = base(b);
  if (!ba || !bb || ba.unit !== bb.unit) return undefined;
  return (
    close(ba.value, bb.value) && (ba.value2 === undefined || bb.value2 === undefined || close(ba.value2, bb.value2))
  );
}

export function formatQuantity(q: Quantity): string {
  return q.original ?? `${q.comparator ?? ''}${q.value}${q.value2 !== undefined ? `/${q.value2}` : ''} ${q.unit}`;
}
