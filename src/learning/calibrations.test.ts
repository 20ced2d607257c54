import { expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import type { CausalModel } from '../reasoning/index.js';
import { compileNetwork } from '../reasoning/index.js';
import { simulatedWorld } from './__fixtures__/simulated.js';
import { calibrate, calibrateScored, calibrationReport, fitCalibration, fitPlatt } from './calibration-map.js';
import { CalibrationReleases } from './calibrations.js';
import { scoreCase } from './evaluation.js';

const world = simulatedWorld(5);
/** The true world with every edge pushed away from ½ and hardly any leak: its posteriors are over-confident. */
const sharp: CausalModel = {
  ...world.truth,
  edges: world.truth.edges.map((e) => ({
    ...e,
    probability: Math.min(0.99, Math.max(0.01, 0.5 + 1.8 * ((e.probability ?? 0.5) - 0.5))),
  })),
  findings: world.truth.findings.map((f) => ({ ...f, leak: 0.002 })),
};
const net = compileNetwork(sharp);
const ward = (d: number) => (d % 2 ? 'ward-a' : 'ward-b');
const stream = world.sample(400, 3, ward);
const heldBack = { label: 'held-back confirmations', cases: world.sample(400, 4, ward) };

it('on an over-confident network, the fitted map lowers ECE on held-back cases and keeps the ranking', () => {
  const map = fitCalibration(stream.map((c) => scoreCase(net, c)));
  expect(map.pooled.a).toBeLessThan(1); // over-confidence is corrected by a slope below 1
  const scored = heldBack.cases.map((c) => scoreCase(net, c));
  const raw = calibrationReport(scored);
  const calibrated = calibrationReport(calibrateScored(map, scored));
  expect(calibrated.ece).toBeLessThan(raw.ece);
  expect(calibrated.brier).toBeLessThanOrEqual(raw.brier);
  expect(Object.keys(calibrated.byDepartment)).toEqual(['ward-a', 'ward-b']);
  expect(calibrate(map, 0.9)).toBeGreaterThan(calibrate(map, 0.6));
  expect(calibrate(map, 0.99, 'ward-a')).toBeLessThan(0.99);
});

it('the fit follows outcomes that are right a quarter of the time at p ≈ 1 and never below', () => {
  // As the release with no patient data scores DDXPlus: hits only among its near-certain top diseases.
  const points = Array.from({ length: 400 }, (_, i) =>
    i < 300
      ? { p: 0.97 + (0.0299 * ((i * 37) % 100)) / 100, hit: i % 4 === 0 }
      : { p: 0.2 + 0.006 * (i - 300), hit: false },
  );
  const m = fitPlatt(points, { a: 1, b: 0, precision: 1 });
  const map = { method: 'platt' as const, pooled: m, departments: {} };
  expect(calibrate(map, 0.99)).toBeGreaterThan(0.15);
  expect(calibrate(map, 0.99)).toBeLessThan(0.4);
  expect(calibrate(map, 0.3)).toBeLessThan(0.1);
});

it('a department with few cases stays near the hospital-wide map', () => {
  const scored = stream.map((c) => scoreCase(net, c));
  const few = [
    ...scored.filter((s) => s.department === 'ward-b'),
    ...scored.filter((s) => s.department === 'ward-a').slice(0, 5),
  ];
  const map = fitCalibration(few);
  const alone = fitCalibration(few.filter((s) => s.department === 'ward-a').map(({ department: _, ...s }) => s));
  expect(Math.abs(map.departments['ward-a']!.a - map.pooled.a)).toBeLessThan(Math.abs(alone.pooled.a - map.pooled.a));
});

forEachBackend('calibration releases', (db) => {
  it('a map fitted on outcomes passes its held-back evaluation, is activated and rolled back', async () => {
    const store = new CalibrationReleases(db());
    const r = await store.propose({
      network: net,
      cases: stream,
      label: 'confirmations, wards A and B',
      createdBy: 'dr.li',
    });
    expect(r).toMatchObject({ status: 'candidate', createdBy: 'dr.li', data: { cases: 400 }, parentId: null });
    await expect(store.activate(r.id, 'admin')).rejects.toThrow(/not been evaluated/);
    await expect(store.evaluate(r.id, net, { label: 'overlap', cases: stream.slice(0, 3) }, 'dr.li')).rejects.toThrow(
      /3 held-back cases were fitted on/,
    );
    const evaluated = await store.evaluate(r.id, net, heldBack, 'dr.li');
    const e = evaluated.evaluation!;
    expect(e).toMatchObject({ passed: true, baselineId: null });
    expect(e.candidate.ece).toBeLessThan(e.raw.ece);
    expect(e.candidate.brier).toBeLessThanOrEqual(e.raw.brier);
    expect(e.candidate.byDepartment['ward-a']!.bins.length).toBeGreaterThan(0);
    expect((await store.activate(r.id, 'admin')).status).toBe('active');
    expect((await store.active('test-world'))!.id).toBe(r.id);
    expect(await store.rollback('test-world', 'admin')).toBeNull();
    expect(await store.active('test-world')).toBeUndefined();
    expect((await store.get(r.id)).history.map((h) => h.action)).toEqual([
      'proposed',
      'evaluated',
      'activated',
      'rolled-back',
    ]);
  });

  it('refuses to activate a map fitted on shuffled outcomes', async () => {
    const store = new CalibrationReleases(db());
    // Outcomes shuffled across cases: the map learns that the network is right about as often whatever it says.
    const shuffled = stream.map((c, i) => ({
      ...c,
      id: `shuffled-${i}`,
      diagnosis: stream[(i * 7 + 3) % stream.length]!.diagnosis,
    }));
    const bad = await store.propose({ network: net, cases: shuffled, label: 'shuffled outcomes', createdBy: 'dr.li' });
    const refused = await store.evaluate(bad.id, net, heldBack, 'dr.li');
    expect(refused.status).toBe('refused');
    expect(refused.evaluation!.reasons.join('; ')).toMatch(/Brier .* > |ECE .* > /);
    await expect(store.activate(bad.id, 'admin')).rejects.toThrow(/refused; only a candidate that passed/);
  });
});
