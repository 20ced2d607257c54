import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/core/index.js';
import federated from './federated.js';
import { simulateDxy } from './federated-lib/dxy.js';
import { partitionFresh, partitionHospitals } from './federated-lib/hospitals.js';
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

  it('partitions a fresh file for a held-out evaluation: all of the learning file learned, all fresh held back', () => {
    const diseases = ['D0', 'D1', 'D2'];
    const make = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, disease: `D${i % 3}` }));
    const learn = make('old', 1500);
    const fresh = make('new', 3000);
    const options = {
      ...{ hospitals: 3, homeShare: 0.6, diseases, diseaseOf: (x: { disease: string }) => x.disease },
      ...{ keyOf: (x: { id: string }) => x.id, uniform: seededRandom(1), freshUniform: seededRandom(1001) },
    };
    const hospitals = partitionFresh(learn, fresh, options);
    expect(hospitals.flatMap((h) => h.train.map((x) => x.id)).sort()).toEqual(learn.map((x) => x.id).sort());
    expect(hospitals.flatMap((h) => h.heldBack.map((x) => x.id)).sort()).toEqual(fresh.map((x) => x.id).sort());
    hospitals.forEach((h, i) => {
      // The same case-mix skew in both files: the home disease is ~0.6 of each hospital's patients.
      for (const part of [h.train, h.heldBack]) {
        const home = part.filter((x) => x.disease === `D${i}`).length / part.length;
        expect(home).toBeGreaterThan(0.5);
        expect(home).toBeLessThan(0.7);
      }
    });
    // The learning side is the partition a dev or report run makes of the same file (same seed, same hospitals).
    const halves = partitionHospitals(learn, { ...options, uniform: seededRandom(1) });
    hospitals.forEach((h, i) => {
      const before = [...halves[i]!.train, ...halves[i]!.heldBack].map((x) => x.id).sort();
      expect(h.train.map((x) => x.id).sort()).toEqual(before);
    });
    expect(() => partitionFresh(learn, [...fresh, learn[0]!], { ...options, uniform: seededRandom(1) })).toThrow(
      /1 of the 3001 fresh patients are also in the learning file/,
    );
  });

  it('runs --held-back fresh on a fixture: learns from the whole data file, scores only the fresh file', async () => {
    const [header, ...rows] = readFileSync(`${fixture}patients.csv`, 'utf8').trim().split('\n');
    const dir = mkdtempSync(join(tmpdir(), 'federated-fresh-'));
    const learnFile = join(dir, 'learn.csv');
    const freshFile = join(dir, 'fresh.csv');
    // Each of the fixture's three diseases in both files: rows 0–2, 4–6, 8–9 learned; 3, 7, 10 fresh.
    const isFresh = (i: number) => i === 3 || i === 7 || i === 10;
    writeFileSync(learnFile, `${[header, ...rows.filter((_, i) => !isFresh(i))].join('\n')}\n`);
    writeFileSync(freshFile, `${[header, ...rows.filter((_, i) => isFresh(i))].join('\n')}\n`);
    const out: Record<string, unknown> = await federated.run({
      data: learnFile,
      args: { 'ddxplus-dir': fixture, repeats: '1', 'held-back': 'fresh', fresh: freshFile, colluders: '1' },
      log: () => {},
    });
    for (const k of ['local', 'federated_eps1', 'federated_eps8', 'pooled']) expect(out[k]).toEqual(expect.any(Number));
    const split = out.split as { rule: string; hospitals: { train: number; heldBack: number }[] };
    expect(split.hospitals.reduce((a, h) => a + h.train, 0)).toBe(8);
    expect(split.hospitals.reduce((a, h) => a + h.heldBack, 0)).toBe(3);
    expect(split.rule).toMatch(/fresh\.csv/);
    expect(out.dxy).toBeUndefined();
    expect(out.inputs).toContain(freshFile);
    // The fresh file must be disjoint from the learning file, and fresh is not for tuning on an inner split.
    const args = { 'ddxplus-dir': fixture, repeats: '1', 'held-back': 'fresh', fresh: learnFile };
    await expect(federated.run({ data: learnFile, args, log: () => {} })).rejects.toThrow(/also in the learning/);
    await expect(
      federated.run({ data: learnFile, args: { ...args, fresh: freshFile, 'inner-split': 'yes' }, log: () => {} }),
    ).rejects.toThrow(/inner-split/);
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
