import { describe, expect, it } from 'vitest';
import { assertErrorsAllowed, chooseHalf, devReportHalf, halfOf, parseHalf } from './harness.js';

describe('devReportHalf', () => {
  const items = Array.from({ length: 400 }, (_, i) => ({ report: `r${i % 100}`, i }));

  it('keeps every record of one key in one half, whatever the order', () => {
    const { dev, report } = devReportHalf(items, (x) => x.report);
    expect(dev.length + report.length).toBe(items.length);
    const devKeys = new Set(dev.map((x) => x.report));
    expect(report.some((x) => devKeys.has(x.report))).toBe(false);
    const again = devReportHalf([...items].reverse(), (x) => x.report);
    expect(new Set(again.dev.map((x) => x.report))).toEqual(devKeys);
  });

  it('splits near half and half, by sha256 of the key', () => {
    const { dev } = devReportHalf(items, (x) => x.report);
    expect(new Set(dev.map((x) => x.report)).size).toBeGreaterThan(35);
    expect(new Set(dev.map((x) => x.report)).size).toBeLessThan(65);
    // The half is fixed by the first byte of sha256(key): 'r0' → 221 (odd), 'r1' → 130, 'b' → 62 (even).
    expect(halfOf('r0')).toBe('report');
    expect(halfOf('r1')).toBe('dev');
    expect(halfOf('b')).toBe('dev');
    expect(chooseHalf(items, (x) => x.report, 'all')).toHaveLength(items.length);
  });

  it('names --split and --errors in its errors', () => {
    expect(() => parseHalf('test')).toThrow(/--split: 'test'/);
    expect(parseHalf(undefined)).toBe('report');
    expect(() => assertErrorsAllowed({ errors: 'true' }, 'report')).toThrow(/--errors/);
    expect(assertErrorsAllowed({ errors: 'true' }, 'dev')).toBe(true);
    expect(assertErrorsAllowed({}, 'report')).toBe(false);
  });
});
