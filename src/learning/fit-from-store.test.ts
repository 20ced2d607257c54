import { expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { compileNetwork } from '../reasoning/index.js';
import { simulatedWorld } from './__fixtures__/simulated.js';
import { ConfirmedCaseStore, splitHeldBack } from './confirmed-store.js';
import { fitFromStore } from './fit-from-store.js';
import { caseKey } from './releases.js';

const world = simulatedWorld(7);
const source = compileNetwork(world.source);

it('holds back the same cases however many are added later', () => {
  const cases = world.sample(400, 1);
  const first = splitHeldBack(cases.slice(0, 200), 0.3);
  const later = splitHeldBack(cases, 0.3);
  expect(first.heldBack.length).toBeGreaterThan(30);
  expect(first.heldBack.length).toBeLessThan(90);
  const heldLater = new Set(later.heldBack.map((c) => c.id));
  expect(first.heldBack.every((c) => heldLater.has(c.id))).toBe(true);
  expect(first.fit.some((c) => heldLater.has(c.id))).toBe(false);
  expect(() => splitHeldBack(cases, 1)).toThrow(/heldBackShare/);
});

forEachBackend('fit from stored confirmed cases', (db) => {
  it('stores each confirmation once and fits candidates evaluated on stored cases held back from them', async () => {
    const store = new ConfirmedCaseStore(db());
    const cases = world.sample(600, 2);
    for (const [i, c] of cases.entries())
      await store.record({
        networkId: 'test-world',
        source: i % 3 ? 'accepted-differential' : 'pre-consultation',
        sourceRef: c.id!,
        diagnosis: c.diagnosis,
        input: c.input,
        confirmedBy: 'dr.li',
      });
    // A case whose finding the network no longer has is set aside, not learned from.
    await store.record({
      networkId: 'test-world',
      source: 'accepted-differential',
      sourceRef: 'gone',
      diagnosis: 'D1',
      input: { findings: [{ id: 'F-retired' }] },
      confirmedBy: 'dr.li',
    });
    const again = cases[0]!;
    expect(
      await store.record({
        networkId: 'test-world',
        source: 'pre-consultation',
        sourceRef: again.id!,
        diagnosis: again.diagnosis,
        input: again.input,
        confirmedBy: 'dr.wang',
      }),
    ).toBe(false);
    expect((await store.counts()).map((c) => [c.source, c.cases])).toEqual([
      ['accepted-differential', 401],
      ['pre-consultation', 200],
    ]);

    const r = await fitFromStore(db(), { network: source, what: 'both', by: 'dr.li' });
    expect(r).toMatchObject({ networkId: 'test-world', stored: 601, setAside: 1 });
    expect(r.fitted + r.heldBack).toBe(600);
    const fitted = new Set(r.release!.data.caseKeys);
    const held = splitHeldBack(await store.cases('test-world'), 0.3).heldBack;
    expect(held.some((c) => fitted.has(caseKey(c)))).toBe(false);
    // Learned from the hospital's cases, the flat source's release ranks better on its held-back cases.
    expect(r.release!.evaluation).toMatchObject({ passed: true, heldBack: { cases: r.heldBack } });
    expect(r.release!.evaluation!.candidate.gtpa1).toBeGreaterThan(r.release!.evaluation!.baseline.gtpa1);
    expect(r.calibration!.evaluation!.heldBack.cases).toBe(r.heldBack);
    expect(r.calibration!.data.cases).toBe(r.fitted);

    await expect(
      fitFromStore(db(), { network: compileNetwork({ ...world.source, id: 'empty-world' }), what: 'both', by: 'x' }),
    ).rejects.toThrow(/too few/);
  });
});
