import type { Quantity } from '../core/index.js';
import { toHalfWidth, unitAt } from './units.js';

/** A number (or ratio, e.g. 120/80) with its unit, found in text. */
export interface QuantityMention {
  readonly start: number;
  readonly end: number;
  readonly quantity: Quantity;
}

const numberRe =
  /(?<cmp>[<>≤≥]=?|＜|＞|不足|超过|大于|小于)?\s*(?<v>\d+(?:\.\d+)?)(?:\s*[/／]\s*(?<v2>\d+(?:\.\d+)?))?/gy;
const comparators: Record<string, Quantity['comparator']> = {
  '<': '<',
  '<=': '<=',
  '≤': '<=',
  '>': '>',
  '>=': '>=',
  '≥': '>=',
  '＜': '<',
  '＞': '>',
  不足: '<',
  小于: '<',
  超过: '>',
  大于: '>',
};

/**
 * The quantity starting at `index` (after optional spaces), if any: comparator, number, optional
 * `/second number` (blood pressure), optional unit normalised to UCUM. `original` is the text as
 * written. Full-width digits and units are read as half-width.
 */
export function quantityAt(text: string, index: number, half = toHalfWidth(text)): QuantityMention | undefined {
  numberRe.lastIndex = index;
  const m = numberRe.exec(half);
  if (!m?.groups) return undefined;
  // not the tail of a longer token such as "A1" or "10^9"
  const prev = half.charCodeAt(m.index + (m.groups.cmp ? 0 : m[0].length - m[0].trimStart().length) - 1);
  if (!m.groups.cmp && ((prev >= 0x30 && prev <= 0x39) || prev === 0x2e)) return undefined;
  let end = m.index + m[0].length;
  let j = end;
  while (half[j] === ' ') j++;
  const unit = unitAt(half, j);
  // a ratio is only kept for blood-pressure-like units or when no unit follows
  let v2 = m.groups.v2 === undefined ? undefined : Number(m.groups.v2);
  if (v2 !== undefined && unit && unit.ucum !== 'mm[Hg]' && unit.ucum !== 'kPa') {
    // "5/10^9" is not a ratio; re-read without the second number
    v2 = undefined;
    end = m.index + m[0].indexOf('/', m.groups.cmp?.length ?? 0);
    j = end;
    return {
      start: m.index + (m[0].length - m[0].trimStart().length),
      end,
      quantity: { value: Number(m.groups.v), unit: '1', original: text.slice(m.index, end).trim() },
    };
  }
  if (unit) end = j + unit.written.length;
  const start = m.index + (m[0].length - m[0].trimStart().length);
  const cmp = m.groups.cmp ? comparators[m.groups.cmp] : undefined;
  return {
    start,
    end,
    quantity: {
      value: Number(m.groups.v),
      unit: unit?.ucum ?? '1',
      ...(v2 !== undefined ? { value2: v2 } : {}),
      ...(cmp ? { comparator: cmp } : {}),
      original: text.slice(start, end),
    },
  };
}

/** Every number-with-unit in the text (numbers without a unit are left out). */
export function parseQuantities(text: string): QuantityMention[] {
  const half = toHalfWidth(text);
  const out: QuantityMention[] = [];
  const digit = /\d/g;
  let m: RegExpExecArray | null;
  // biome-ignore lint/suspicious/noAssignInExpressions: scanning loop
  while ((m = digit.exec(half))) {
    let at = m.index;
    const cmp = /(?:[<>≤≥]=?|不足|超过|大于|小于)\s*$/.exec(half.slice(Math.max(0, at - 3), at));
    if (cmp) at -= cmp[0].length;
    const q = quantityAt(text, at, half);
    if (q) {
      if (q.quantity.unit !== '1' || q.quantity.value2 !== undefined) out.push(q);
      digit.lastIndex = Math.max(q.end, m.index + 1);
    } else {
      while (digit.lastIndex < half.length && /[\d.]/.test(half[digit.lastIndex]!)) digit.lastIndex++;
    }
  }
  return out;
}
