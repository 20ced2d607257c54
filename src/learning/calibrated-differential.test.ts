import { expect, it } from 'vitest';
import { calibrateDifferential } from './calibrated-differential.js';
import type { CalibrationRelease } from './calibrations.js';

const active = {
  id: 'net~calibration-1',
  networkId: 'net',
  modelRelease: '3',
  createdAt: '2026-12-01T00:00:00Z',
  createdBy: 'dr.li',
  map: { method: 'platt', pooled: { a: 0.5, b: 0, n: 100 }, departments: { cardiology: { a: 0.8, b: 0.2, n: 40 } } },
} as unknown as CalibrationRelease;
const entries = [
  { id: 'A', share: 0.9, probability: 0.95 },
  { id: 'B', share: 0.1, probability: 0.2 },
];

it('adds calibrated probabilities beside the raw ones, in the same order, naming the map', () => {
  const out = calibrateDifferential(entries, active, '3');
  expect(out.calibration).toEqual({
    id: 'net~calibration-1',
    method: 'platt',
    createdAt: '2026-12-01T00:00:00Z',
    createdBy: 'dr.li',
  });
  // σ(0.5·logit 0.9) = 3^0.5 / (1 + 3^0.5): an over-confident 0.9 pulled towards ½.
  expect(out.differential[0]).toEqual({ ...entries[0], calibratedProbability: 0.75 });
  expect(out.differential[1]!.calibratedProbability).toBe(0.25);
  expect(out.differential[1]!.probability).toBe(0.2);
  const dept = calibrateDifferential(entries, active, '3', 'cardiology');
  expect(dept.calibration?.department).toBe('cardiology');
  expect(dept.differential[0]!.calibratedProbability).not.toBe(0.75);
  expect(calibrateDifferential(entries, active, '3', 'unknown-ward').calibration?.department).toBeUndefined();
});

it('leaves the differential raw without an active map, or with one fitted on another release', () => {
  expect(calibrateDifferential(entries, undefined, '3')).toEqual({ differential: entries });
  expect(calibrateDifferential(entries, active, '4')).toEqual({ differential: entries });
});
