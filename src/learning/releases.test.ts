import { expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { compileNetwork } from '../reasoning/index.js';
import { simulatedWorld } from './__fixtures__/simulated.js';
import { evaluateNetwork } from './evaluation.js';
import { caseKey, LearnedReleases } from './releases.js';
import type { ConfirmedCase } from './sufficient-stats.js';
import { countCases } from './sufficient-stats.js';

const world = simulatedWorld(3);
const source = compileNetwork(world.source);
const heldBack = { label: 'held-back confirmations', cases: world.sample(300, 99) };
/** Clinicians confirm diagnoses one case at a time; the stream is what the hospital learns from. */
const stream = world.sample(1200, 12);
const options = { label: 'clinician confirmations' };

const propose = (store: LearnedReleases, cases: readonly ConfirmedCase[], label: string) =>
  store.propose({
    source,
    stats: countCases(source, cases),
    options,
    data: { label, cases: cases.length, caseKeys: cases.map(caseKey) },
    createdBy: 'dr.li',
  });

forEachBackend('learned releases', (db) => {
  it('a stream of confirmations improves GTPA@1 on held-back cases; each step passes its evaluation', async () => {
    const store = new LearnedReleases(db());
    const before = evaluateNetwork(source, heldBack.cases).gtpa1;
    const seen: number[] = [];
    for (const n of [100, 400, 1200]) {
      const r = await propose(store, stream.slice(0, n), `first ${n} confirmations`);
      expect(r).toMatchObject({ status: 'candidate', createdBy: 'dr.li', data: { cases: n } });
      expect(r.diff.edgesChanged).toBeGreaterThan(0);
      const evaluated = await store.evaluate(r.id, source, heldBack, 'dr.li');
      expect(evaluated.evaluation!.passed).toBe(true);
      const active = await store.activate(r.id, 'admin');
      expect(active.status).toBe('active');
      seen.push(evaluated.evaluation!.candidate.gtpa1);
    }
    expect(seen[2]!).toBeGreaterThan(before + 5);
    expect(seen[2]!).toBeGreaterThanOrEqual(seen[0]!);
    const all = await store.list('test-world');
    expect(all.map((r) => r.status)).toEqual(['retired', 'retired', 'active']);
    expect(all[2]!.parentId).toBe(all[1]!.id);
  });

  it('refuses to activate a candidate that is worse than the active release', async () => {
    const store = new LearnedReleases(db());
    // Confirmations whose diagnoses were mislabelled (shifted to another disease): a worse model.
    const wrong = stream
      .slice(0, 800)
      .map((c, i) => ({ ...c, diagnosis: `D${(Number(c.diagnosis.slice(1)) + 1 + (i % 3)) % 12}` }));
    const bad = await propose(store, wrong, 'mislabelled confirmations');
    const refused = await store.evaluate(bad.id, source, heldBack, 'dr.li');
    expect(refused.status).toBe('refused');
    expect(refused.evaluation!.reasons.join('; ')).toMatch(/GTPA@1 .* < /);
    await expect(store.activate(bad.id, 'admin')).rejects.toThrow(/refused; only a candidate that passed/);
    // Never evaluated: refused too.
    const unevaluated = await propose(store, stream.slice(0, 50), 'first 50');
    await expect(store.activate(unevaluated.id, 'admin')).rejects.toThrow(/not been evaluated/);
    // Held-back cases that were learned from are not a fair evaluation.
    await expect(
      store.evaluate(unevaluated.id, source, { label: 'leaky', cases: stream.slice(0, 10) }, 'dr.li'),
    ).rejects.toThrow(/10 held-back cases were learned from/);
  });

  it('rolls back to the previous release in one call, and evaluation follows what is active', async () => {
    const store = new LearnedReleases(db());
    const networkId = 'test-world';
    // Back to the source network: each roll-back restores the release before.
    while (await store.active(networkId)) await store.rollback(networkId, 'admin');
    const first = await propose(store, stream.slice(0, 100), 'first 100');
    await store.evaluate(first.id, source, heldBack, 'dr.li');
    await store.activate(first.id, 'admin');
    const second = await propose(store, stream, 'all 1200');
    expect(second.parentId).toBe(first.id);
    const third = await propose(store, stream.slice(0, 600), 'first 600');
    await store.evaluate(second.id, source, heldBack, 'dr.li');
    await store.evaluate(third.id, source, heldBack, 'dr.li');
    await store.activate(second.id, 'admin');
    // Third was compared with `first`, which is no longer active: it must be evaluated again.
    await expect(store.activate(third.id, 'admin')).rejects.toThrow(/evaluate again/);
    const restored = await store.rollback(networkId, 'admin');
    expect(restored?.id).toBe(first.id);
    expect((await store.active(networkId))?.id).toBe(first.id);
    expect((await store.get(second.id)).history.map((h) => h.action)).toEqual([
      'proposed',
      'evaluated',
      'activated',
      'rolled-back',
    ]);
    // The restored release rebuilds the same network from its stored counts.
    const rebuilt = compileNetwork(store.model(source, restored!));
    expect(evaluateNetwork(rebuilt, heldBack.cases).gtpa1).toBe(
      (await store.get(first.id)).evaluation!.candidate.gtpa1,
    );
    expect(await store.rollback(networkId, 'admin')).toBeNull();
    expect(await store.active(networkId)).toBeUndefined();
  });
});

it('names who must propose a release', async () => {
  const store = new LearnedReleases({} as never);
  await expect(
    store.propose({ source, stats: countCases(source, []), options, data: { label: 'x', cases: 0 }, createdBy: ' ' }),
  ).rejects.toThrow(/createdBy/);
});
