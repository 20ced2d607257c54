import { describe, expect, it } from 'vitest';
import { decodeSum, encodeMeasurement, quantise, sumVecParams, valueBound } from './dap-vdaf.js';

describe('Prio3SumVec encoding of noised counts', () => {
  const p = sumVecParams(4, 12, 3);

  it('reads the sum of offset fixed-point reports back as the sum of the quantised values, negatives included', () => {
    const vectors = [
      [0, -3.3, 12.06, 200.5],
      [1.94, -0.01, -7.5, 40],
      [-2.5, 5, 0.07, -250.25],
    ];
    const encoded = vectors.map((v) => encodeMeasurement(v, p));
    for (const e of encoded) for (const q of e) expect(q >= 0 && q < 2 ** 12).toBe(true);
    const sums = encoded[0]!.map((_, j) => encoded.reduce((a, e) => a + e[j]!, 0));
    const expected = vectors[0]!.map((_, j) => vectors.reduce((a, v) => a + quantise(v[j]!, p), 0));
    expect(decodeSum(sums, 3, p)).toEqual(expected);
  });

  it('refuses a value the report cannot hold, and parameters the library cannot encode', () => {
    expect(valueBound(p)).toBe((2 ** 11 - 1) / 8);
    expect(() => encodeMeasurement([0, 0, 0, valueBound(p) + 1], p)).toThrow(/outside ±/);
    expect(() => encodeMeasurement([0, 0, 0], p)).toThrow(/expected 4 values/);
    expect(() => sumVecParams(4, 31, 4)).toThrow(/bits must be/);
    expect(() => sumVecParams(4, 8, 7)).toThrow(/fractionBits/);
  });
});
