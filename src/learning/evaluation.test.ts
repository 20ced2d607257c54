import { expect, it } from 'vitest';
import { compileNetwork } from '../reasoning/index.js';
import { simulatedWorld } from './__fixtures__/simulated.js';
import { calibration, evaluateNetwork, summarize } from './evaluation.js';

it('computes the Brier score and reliability bins of the top-1 probability', () => {
  const c = calibration([
    { rank: 0, confidence: 0.95 },
    { rank: 1, confidence: 0.92 },
    { rank: 0, confidence: 0.35 },
  ]);
  expect(c.brier).toBeCloseTo((0.05 ** 2 + 0.92 ** 2 + 0.65 ** 2) / 3, 4);
  expect(c.bins).toEqual([
    { from: 0.3, to: 0.4, n: 1, meanConfidence: 0.35, accuracy: 1 },
    { from: 0.9, to: 1, n: 2, meanConfidence: 0.935, accuracy: 0.5 },
  ]);
  expect(c.ece).toBeCloseTo((0.65 + 2 * 0.435) / 3, 4);
});

it('scores GTPA@k and calibration per department when cases carry one', () => {
  const s = summarize([
    { rank: 0, confidence: 0.9, department: 'cardiology' },
    { rank: 2, confidence: 0.6, department: 'cardiology' },
    { rank: -1, confidence: 0.5, department: 'ED' },
  ]);
  expect([s.gtpa1, s.gtpa3, s.unknownDiagnoses]).toEqual([33.33, 66.67, 1]);
  expect(s.byDepartment?.cardiology).toMatchObject({ n: 2, gtpa1: 50 });
  expect(s.byDepartment?.ED).toMatchObject({ n: 1, gtpa1: 0, brier: 0.25 });
});

it('evaluates a network on confirmed cases, with departments', () => {
  const world = simulatedWorld(3);
  const cases = world.sample(50, 4, (d) => (d < 2 ? 'medicine' : 'surgery'));
  const e = evaluateNetwork(compileNetwork(world.truth), cases);
  expect(e.n).toBe(50);
  expect(e.gtpa5).toBeGreaterThanOrEqual(e.gtpa1);
  expect(Object.keys(e.byDepartment ?? {})).toEqual(['medicine', 'surgery']);
});
