import { describe, expect, it } from 'vitest';
import { randomModel, rng, tinyModel } from './__fixtures__/build.js';
import { resolveCase } from './evidence.js';
import { bruteForce, enumeration, infer, quickscore } from './inference.js';
import { compileNetwork } from './network.js';

const obsOf = (net: ReturnType<typeof compileNetwork>, pos: string[], neg: string[] = []) =>
  resolveCase(net, { findings: [...pos.map((id) => ({ id })), ...neg.map((id) => ({ id, present: false }))] });

describe('posterior on hand-computed networks', () => {
  const one = compileNetwork(tinyModel({ D: 0.1 }, { F: 0.01 }, [['D', 'F', 0.8]]));

  it('a present finding raises the disease by Bayes rule', () => {
    // P(F|D) = 1 − 0.99·0.2 = 0.802; P(F|¬D) = 0.01; posterior = 0.0802 / (0.0802 + 0.009)
    const r = quickscore(one, obsOf(one, ['F']));
    expect(r.posterior[0]).toBeCloseTo(0.0802 / 0.0892, 10);
    expect(Math.exp(r.logEvidence)).toBeCloseTo(0.0892, 10);
  });

  it('an absent finding lowers it (negatives factorise)', () => {
    const r = quickscore(one, obsOf(one, [], ['F']));
    expect(r.posterior[0]).toBeCloseTo(0.0198 / (0.0198 + 0.891), 10);
  });

  it('an unknown finding leaves the prior unchanged', () => {
    expect(quickscore(one, obsOf(one, [])).posterior[0]).toBeCloseTo(0.1, 12);
  });

  it('explains away: two causes of one finding share it', () => {
    // D1 0.1, D2 0.2, q 0.9 / 0.5, no leak: joint both 0.019, D1 only 0.072, D2 only 0.09.
    const two = compileNetwork(
      tinyModel({ D1: 0.1, D2: 0.2 }, { F: 0 }, [
        ['D1', 'F', 0.9],
        ['D2', 'F', 0.5],
      ]),
    );
    const r = quickscore(two, obsOf(two, ['F']));
    expect(r.posterior[0]).toBeCloseTo(0.091 / 0.181, 5);
    expect(r.posterior[1]).toBeCloseTo(0.109 / 0.181, 5);
    // A second finding caused only by D1 takes the weight away from D2.
    const three = compileNetwork(
      tinyModel({ D1: 0.1, D2: 0.2 }, { F: 0, G: 0.01 }, [
        ['D1', 'F', 0.9],
        ['D2', 'F', 0.5],
        ['D1', 'G', 0.7],
      ]),
    );
    const r2 = quickscore(three, obsOf(three, ['F', 'G']));
    expect(r2.posterior[0]).toBeGreaterThan(0.95);
    expect(r2.posterior[1]).toBeLessThan(0.3);
  });
});

describe('exact inference agrees with brute force', () => {
  it('Quickscore equals the sum over all configurations on random networks', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const net = compileNetwork(randomModel(seed, 7, 10));
      const r = rng(seed * 31);
      const pos: string[] = [];
      const neg: string[] = [];
      for (let j = 0; j < 10; j++) {
        const u = r();
        if (u < 0.4) pos.push(`F${j}`);
        else if (u < 0.7) neg.push(`F${j}`);
      }
      const obs = obsOf(net, pos, neg);
      const exact = bruteForce(net, obs);
      const qs = quickscore(net, obs);
      for (let i = 0; i < 7; i++) expect(qs.posterior[i]).toBeCloseTo(exact.posterior[i]!, 9);
      expect(qs.logEvidence).toBeCloseTo(exact.logEvidence, 8);
    }
  });
});

describe('the enumeration approximation for many positives', () => {
  it('stays within the bound P(more than K diseases | findings) of the exact posterior, small on average', () => {
    let worst = 0;
    let sum = 0;
    let count = 0;
    let cases = 0;
    for (let seed = 100; seed < 160; seed++) {
      const nd = 12;
      const nf = 24;
      const net = compileNetwork(randomModel(seed, nd, nf, 0.3));
      // Findings sampled from the network itself (one or two diseases present, as in a clinic).
      const r = rng(seed);
      const present = new Set([Math.floor(r() * nd)]);
      if (r() < 0.3) present.add(Math.floor(r() * nd));
      const pos: string[] = [];
      const neg: string[] = [];
      for (let j = 0; j < nf; j++) {
        let off = 1 - net.leak[j]!;
        for (const d of present) off *= 1 - (net.effects[d]!.find((l) => l.to === j)?.q ?? 0);
        if (r() < 1 - off) pos.push(`F${j}`);
        else if (r() < 0.5) neg.push(`F${j}`);
      }
      if (pos.length < 6) continue;
      cases++;
      const obs = obsOf(net, pos, neg);
      const exact = bruteForce(net, obs);
      // The bound: posterior mass of configurations with more than K diseases, from brute force.
      const tail = massAbove(net, obs, 2);
      const approx = enumeration(net, obs, { maxConcurrent: 2, pairBeam: nd });
      for (let i = 0; i < nd; i++) {
        const err = Math.abs(approx.posterior[i]! - exact.posterior[i]!);
        expect(err).toBeLessThanOrEqual(tail + 1e-12);
      }
      const approx3 = enumeration(net, obs, { maxConcurrent: 3, pairBeam: nd, tripleBeam: nd });
      const tail3 = massAbove(net, obs, 3);
      for (let i = 0; i < nd; i++) {
        const err = Math.abs(approx3.posterior[i]! - exact.posterior[i]!);
        expect(err).toBeLessThanOrEqual(tail3 + 1e-12);
        worst = Math.max(worst, err);
        sum += err;
        count++;
      }
    }
    expect(cases).toBeGreaterThan(20);
    expect(worst).toBeLessThan(0.1);
    expect(sum / count).toBeLessThan(0.005);
  });

  it('infer switches to enumeration beyond the exact limit and ranks like the exact posterior', () => {
    const net = compileNetwork(randomModel(7, 9, 14, 0.4));
    const pos = ['F0', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7'];
    const obs = obsOf(net, pos, ['F8', 'F9']);
    const approx = infer(net, obs, { maxExactPositives: 4 });
    expect(approx.method).toBe('enumeration');
    const exact = infer(net, obs);
    expect(exact.method).toBe('quickscore');
    const top = (p: Float64Array) => [...p.keys()].sort((a, b) => p[b]! - p[a]!)[0];
    expect(top(approx.posterior)).toBe(top(exact.posterior));
  });
});

describe('combinations on a network with many near-duplicate diseases', () => {
  it('a problem that alone explains one finding enters them, though near-duplicates fill the beam', () => {
    // H1–H4 explain F0–F4 alike (heart failure and its subtypes); A alone explains F5 (AF on the ECG).
    const edges: [string, string, number][] = [];
    for (const h of ['H1', 'H2', 'H3', 'H4']) for (const f of ['F0', 'F1', 'F2', 'F3', 'F4']) edges.push([h, f, 0.8]);
    edges.push(['A', 'F5', 0.9]);
    const net = compileNetwork(
      tinyModel(
        { H1: 0.01, H2: 0.01, H3: 0.01, H4: 0.01, A: 0.01 },
        { F0: 0.01, F1: 0.01, F2: 0.01, F3: 0.01, F4: 0.01, F5: 0.001 },
        edges,
      ),
    );
    const obs = obsOf(net, ['F0', 'F1', 'F2', 'F3', 'F4', 'F5']);
    const exact = bruteForce(net, obs).posterior[net.diseaseIndex.get('A')!]!;
    const approx = enumeration(net, obs, { maxConcurrent: 2, pairBeam: 2 }).posterior[net.diseaseIndex.get('A')!]!;
    expect(exact).toBeGreaterThan(0.8);
    // Before, A was never paired (beam H1, H2): its posterior came from {A} alone, ≈ 0. Pairs of A with
    // H3 and H4 are still left out, hence the tolerance.
    expect(Math.abs(approx - exact)).toBeLessThan(0.1);
  });
});

/** P(more than k diseases present | findings), by brute force. */
function massAbove(net: ReturnType<typeof compileNetwork>, obs: ReturnType<typeof obsOf>, k: number): number {
  const n = net.diseases.length;
  const q = (d: number, f: number) => net.effects[d]!.find((l) => l.to === f)?.q ?? 0;
  let total = 0;
  let above = 0;
  for (let s = 0; s < 1 << n; s++) {
    let w = 1;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const on = (s >> i) & 1;
      count += on;
      w *= on ? obs.priors[i]! : 1 - obs.priors[i]!;
    }
    for (const f of [...obs.positive, ...obs.negative]) {
      let off = 1 - net.leak[f]!;
      for (let i = 0; i < n; i++) if ((s >> i) & 1) off *= 1 - q(i, f);
      w *= obs.positive.includes(f) ? 1 - off : off;
    }
    total += w;
    if (count > k) above += w;
  }
  return above / total;
}
