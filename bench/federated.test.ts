import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/core/index.js';
import federated from './federated.js';
import { simulateDxy } from './federated-lib/dxy.js';
import { partitionHospitals } from './federated-lib/hospitals.js';
import { sharedData } from './lib/harness.js';

const dxyDir = sharedData('dialog-dxy-krds');

const fixture = fileURLToPath(new URL('../src/reasoning/diagnosis/__fixtures__/ddxplus/', import.meta.url));

describe('bench federated', () => {
  it('partitions patients into disjoint hospitals with skewed case mixes', () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ id: `p${i}`, disease: `D${i % 3}` }));
    const hospitals = partitionHospitals(items, {
      hospitals: 3,
      homeShare: 0.6,
      diseases: ['D0', 'D1', 'D2'],
      diseaseOf: (x) => x.disease,
      keyOf: (x) => x.id,
      uniform: seededRandom(1),
    });
    const all = hospitals.flatMap((h) => [...h.train, ...h.heldBack].map((x) => x.id));
    expect(new Set(all).size).toBe(3000);
    hospitals.forEach((h, i) => {
      const mine = [...h.train, ...h.heldBack];
      const home = mine.filter((x) => x.disease === `D${i}`).length / mine.length;
      // Home share 0.6 against 0.2 from each other hospital: 0.6 / (0.6 + 0.2 + 0.2).
      expect(home).toBeGreaterThan(0.5);
      expect(home).toBeLessThan(0.7);
      expect(h.heldBack.length / mine.length).toBeGreaterThan(0.4);
    });
    // The inner split for tuning: only the training patients, split again, each hospital as before.
    const inner = partitionHospitals(items, {
      ...{ hospitals: 3, homeShare: 0.6, diseases: ['D0', 'D1', 'D2'], innerSplit: true },
      ...{ diseaseOf: (x: (typeof items)[0]) => x.disease, keyOf: (x: (typeof items)[0]) => x.id },
      uniform: seededRandom(1),
    });
    inner.forEach((h, i) => {
      const train = new Set(hospitals[i]!.train.map((x) => x.id));
      expect([...h.train, ...h.heldBack].map((x) => x.id).sort()).toEqual([...train].sort());
      expect(h.heldBack.length / train.size).toBeGreaterThan(0.4);
      expect(h.heldBack.length / train.size).toBeLessThan(0.6);
    });
    expect(() =>
      partitionHospitals(items, {
        ...{ hospitals: 3, homeShare: 1, diseases: [], diseaseOf: () => '', keyOf: () => '' },
        uniform: Math.random,
      }),
    ).toThrow(/home-share/);
  });

  it('runs on the DDXPlus fixture and writes the four models, the accountant refusing a second release', async () => {
    const out: Record<string, unknown> = await federated.run({
      data: `${fixture}patients.csv`,
      args: { 'ddxplus-dir': fixture, repeats: '1', dxy: 'skip' },
      log: () => {},
    });
    for (const k of ['local', 'federated_eps1', 'federated_eps8', 'pooled']) expect(out[k]).toEqual(expect.any(Number));
    expect(out.perHospitalNoise).toEqual({ federated_eps1: expect.any(Number), federated_eps8: expect.any(Number) });
    expect(out.coordinatorOnly).toEqual({ federated_eps1: expect.any(Number), federated_eps8: expect.any(Number) });
    // Secure aggregation with one colluder tolerated: each of 3 hospitals draws σ²/2, the others' sum σ².
    const secure = (
      out.models as { secure: { colluders: number; sigma: { perHospital: number; sum: number; others: number } }[] }
    ).secure;
    const one = secure.find((s) => s.colluders === 1)!.sigma;
    expect(one.others).toBeCloseTo(one.perHospital * Math.SQRT2, 3);
    expect(one.sum).toBeCloseTo(one.perHospital * Math.sqrt(3), 3);
    expect((out.privacy as { accountantCheck: { secondReleaseRefused: boolean } }).accountantCheck).toMatchObject({
      secondReleaseRefused: true,
      ledger: 1,
    });
    const split = out.split as { hospitals: { train: number; heldBack: number }[] };
    expect(split.hospitals.reduce((a, h) => a + h.train + h.heldBack, 0)).toBe(11);
  });

  it.skipIf(!existsSync(dxyDir))('simulates DXY hospitals from a source with no patient data', () => {
    const { sim, split, clip } = simulateDxy({
      ...{ dir: dxyDir, hospitals: 3, homeShare: 0.6, seed: 17, heldBack: 'dev', repeats: 1, delta: 1e-5 },
      diseaseWeight: 1,
      ...{ colluders: [1], learn: { label: 'test', edgePrior: 'pooled', edgeStrength: 2, priorStrength: 20 } },
      log: () => {},
    });
    expect(split).toHaveLength(3);
    // The clip is read from the training records: far below the vocabulary's 2 + 41, and no record truncated.
    expect(clip).toBeLessThan(20);
    for (const f of sim.federated) expect(f.clippedCases).toEqual([0, 0, 0]);
    // Counts teach the all-linked source something: every learned model beats it.
    for (const m of [sim.local, sim.pooled, ...sim.secure]) expect(m.gtpa1).toBeGreaterThan(sim.sourceOnly.gtpa1 + 20);
  });
});
