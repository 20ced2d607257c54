import { describe, expect, it } from 'vitest';
import { seededRandom } from '../core/index.js';
import { compileNetwork } from '../reasoning/index.js';
import { simulatedWorld } from './__fixtures__/simulated.js';
import { clipContribution, privateCounts } from './federated.js';
import { learnedModel } from './learned-network.js';
import { betaPosteriorMean, jointPosteriorMeans, logGamma } from './noisy-counts.js';
import { cryptoUniform, erfc, gaussian, gaussianDelta, gaussianSigma, PrivacyAccountant } from './privacy.js';
import { countCases } from './sufficient-stats.js';

describe('the Gaussian mechanism', () => {
  it('computes erfc to 1e-7', () => {
    // erfc(1) = 0.15729920705, erfc(3) = 2.20904970e-5 (Abramowitz & Stegun, table 7.1).
    expect(erfc(1)).toBeCloseTo(0.15729920705, 7);
    expect(erfc(3) / 2.2090497e-5).toBeCloseTo(1, 5);
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705, 7);
  });

  it('calibrates the smallest σ that gives (ε, δ)', () => {
    for (const [eps, delta] of [
      [1, 1e-5],
      [8, 1e-5],
      [0.5, 1e-6],
    ] as const) {
      const sigma = gaussianSigma(3, eps, delta);
      expect(gaussianDelta(sigma, 3, eps)).toBeLessThanOrEqual(delta);
      expect(gaussianDelta(sigma * 0.99, 3, eps)).toBeGreaterThan(delta);
    }
    // Against Balle & Wang's algorithm 1 (ICML 2018; case A/B bisection in s, σ = g(s)·Δ/√(2ε)), written
    // separately in Python from the paper: Δ = 1 at (1, 1e-5), (8, 1e-5) and (0.5, 1e-6).
    expect(gaussianSigma(1, 1, 1e-5) / 3.7306316).toBeCloseTo(1, 5);
    expect(gaussianSigma(1, 8, 1e-5) / 0.6002291).toBeCloseTo(1, 5);
    expect(gaussianSigma(1, 0.5, 1e-6) / 8.0576185).toBeCloseTo(1, 5);
    // σ scales with the sensitivity.
    expect(gaussianSigma(7, 8, 1e-5) / (7 * 0.6002291)).toBeCloseTo(1, 5);
    // Below ε = 1 the classical bound Δ√(2 ln(1.25/δ))/ε holds, and the exact σ is smaller.
    expect(gaussianSigma(1, 0.5, 1e-5)).toBeLessThan(Math.sqrt(2 * Math.log(1.25 / 1e-5)) / 0.5);
    expect(gaussianSigma(1, 8, 1e-5)).toBeLessThan(gaussianSigma(1, 1, 1e-5));
    expect(() => gaussianSigma(1, 0, 1e-5)).toThrow(/ε must be > 0/);
  });

  it('draws cryptographic uniforms in (0, 1)', () => {
    const xs = Array.from({ length: 1000 }, cryptoUniform);
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });

  it('draws noise with the stated spread', () => {
    const u = seededRandom(4);
    const xs = Array.from({ length: 20000 }, () => gaussian(2, u));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sd).toBeCloseTo(2, 1);
  });
});

describe('the privacy accountant', () => {
  it('adds up releases and refuses one past the budget, recording nothing for it', () => {
    const acc = new PrivacyAccountant({ epsilon: 8, delta: 1e-5 });
    for (let i = 0; i < 8; i++) acc.charge({ epsilon: 1, delta: 1e-6 }, `release ${i}`);
    expect(acc.spent.epsilon).toBe(8);
    expect(() => acc.charge({ epsilon: 0.1, delta: 0 }, 'one more')).toThrow(/refused: releasing one more/);
    expect(acc.ledger).toHaveLength(8);
    const tight = new PrivacyAccountant({ epsilon: 10, delta: 1e-6 });
    tight.charge({ epsilon: 1, delta: 1e-6 }, 'first');
    expect(() => tight.charge({ epsilon: 1, delta: 1e-6 }, 'second')).toThrow(/δ/);
    expect(() => new PrivacyAccountant({ epsilon: 0, delta: 0 })).toThrow(/budget.epsilon/);
  });

  it('a hospital cannot release its counts twice on a budget for one release', () => {
    const world = simulatedWorld(3);
    const net = compileNetwork(world.source);
    const cases = world.sample(100, 1);
    const accountant = new PrivacyAccountant({ epsilon: 1, delta: 1e-5 });
    const options = { epsilon: 1, delta: 1e-5, clip: 12, accountant, uniform: seededRandom(2), what: 'counts' };
    const first = privateCounts(net, cases, { ...options, closedWorld: true });
    expect(first.stats.noise).toEqual({ diseaseCases: first.sigma / 4, cells: first.sigma });
    expect(first.sensitivity).toBeCloseTo(Math.sqrt(16 + 11), 9);
    expect(() => privateCounts(net, cases, options)).toThrow(/refused/);
  });
});

describe('private counts', () => {
  const world = simulatedWorld(3);
  const net = compileNetwork(world.source);

  it('clips a case to its disease, stratum and first findings', () => {
    const c = {
      disease: 1,
      stratum: 3,
      presentEdges: [1, 2, 3],
      presentLeaks: [7],
      missingEdges: [4],
      missingLeaks: [8, 9],
    };
    expect(clipContribution(c, 5)).toEqual({
      kept: { ...c, presentEdges: [1, 2, 3], presentLeaks: [], missingEdges: [], missingLeaks: [] },
      clipped: true,
    });
    expect(clipContribution(c, 10).clipped).toBe(false);
  });

  it('refuses a closed-world release of cases with unobserved findings, before spending budget', () => {
    const [c] = world.sample(1, 1);
    const partial = { ...c!, input: { ...c!.input, findings: c!.input.findings.slice(0, 2) } };
    const accountant = new PrivacyAccountant({ epsilon: 1, delta: 1e-5 });
    const options = { epsilon: 1, delta: 1e-5, clip: 12, accountant, uniform: seededRandom(2), what: 'x' };
    expect(() => privateCounts(net, [partial], { ...options, closedWorld: true })).toThrow(/cases\[0\].*closed-world/);
    expect(accountant.ledger).toHaveLength(0);
  });

  it('reads noisy counts without the upward bias of clipping them at zero', () => {
    // A finding never seen in 10 cases, released with σ = 3: the clipped estimate is pulled up, the posterior is not.
    const u = seededRandom(9);
    let clippedMean = 0;
    let posteriorMean = 0;
    const n = 400;
    for (let i = 0; i < n; i++) {
      const k = gaussian(3, u);
      clippedMean += (Math.min(10, Math.max(0, k)) + 0.1) / (10 + 2) / n;
      posteriorMean += betaPosteriorMean({ k: 0, n: 0, noisyK: k, noisyN: 10, sigma: 3 }, 0.1, 1.9) / n;
    }
    const exact = 0.1 / 12;
    expect(Math.abs(posteriorMean - exact)).toBeLessThan(Math.abs(clippedMean - exact));
    // Without noise it is the usual Beta posterior mean; own exact counts add to it.
    expect(betaPosteriorMean({ k: 3, n: 10, noisyK: 2, noisyN: 5, sigma: 0 }, 1, 1)).toBeCloseTo(6 / 17, 12);
    expect(betaPosteriorMean({ k: 3, n: 10, noisyK: 2, noisyN: 5, sigma: 1e-3 }, 1, 1)).toBeCloseTo(6 / 17, 3);
  });

  it("learns a hospital's leaks from its own counts, its edges from its own and the others' releases", () => {
    const own = countCases(net, world.sample(200, 6));
    const accountant = new PrivacyAccountant({ epsilon: 8, delta: 1e-5 });
    const options = { epsilon: 8, delta: 1e-5, clip: 12, accountant, uniform: seededRandom(4), what: 'x' };
    const others = privateCounts(net, world.sample(400, 7), { ...options, closedWorld: true }).stats;
    const alone = learnedModel(net, own, { label: 'own' });
    const both = learnedModel(net, own, { label: 'own + others' }, others);
    const withNoisyLeaks = learnedModel(net, own, { label: 'own + others', ownLeaks: false }, others);
    expect(both.findings.map((f) => f.leak)).toEqual(alone.findings.map((f) => f.leak));
    expect(withNoisyLeaks.findings.map((f) => f.leak)).not.toEqual(alone.findings.map((f) => f.leak));
    // The others' releases move the edges.
    const moved = both.edges.filter((e, i) => Math.abs(e.probability - alone.edges[i]!.probability) > 1e-3);
    expect(moved.length).toBeGreaterThan(both.edges.length / 2);
  });

  it("learns from its own counts, not the others' noise, when the releases say next to nothing", () => {
    const own = countCases(net, world.sample(200, 8));
    const accountant = new PrivacyAccountant({ epsilon: 0.1, delta: 1e-5 });
    const options = { epsilon: 0.1, delta: 1e-5, clip: 12, accountant, uniform: seededRandom(5), what: 'x' };
    const others = privateCounts(net, world.sample(200, 9), { ...options, closedWorld: true }).stats;
    const learn = { label: 'x', edgePrior: 'pooled' as const };
    const edgesOf = (m: ReturnType<typeof learnedModel>) => m.edges.map((e) => e.probability);
    const alone = edgesOf(learnedModel(net, own, learn));
    const gap = (o: Partial<Parameters<typeof learnedModel>[2]>) => {
      const both = edgesOf(learnedModel(net, own, { ...learn, ...o }, others));
      return both.reduce((a, p, i) => a + Math.abs(p - alone[i]!), 0) / both.length;
    };
    // σ ≈ 100 per cell: the edges stay near the hospital's own, unless their prior is centred on the noisy sums.
    expect(gap({})).toBeLessThan(0.02);
    expect(gap({})).toBeLessThan(gap({ ownEdgePrior: false }) / 3);
  });

  it('releases counts within reach of their noise, and a case count read from them', () => {
    const cases = world.sample(2000, 5);
    const exact = countCases(net, cases);
    const accountant = new PrivacyAccountant({ epsilon: 50, delta: 1e-5 });
    const options = { epsilon: 50, delta: 1e-5, clip: 12, accountant, uniform: seededRandom(3), what: 'x' };
    const released = privateCounts(net, cases, { ...options, closedWorld: true });
    const diff = released.stats.edgePresent.map((x, i) => Math.abs(x - exact.edgePresent[i]!));
    expect(Math.max(...diff)).toBeLessThan(6 * released.sigma + 1e-9);
    expect(Math.abs(released.stats.cases - 2000)).toBeLessThan(20);
  });
});

describe("a disease's released counts read together", () => {
  it('computes ln Γ to 1e-9', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 9);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 9);
    expect(logGamma(30)).toBeCloseTo(71.257038967168, 9);
  });

  it('is the per-edge posterior when the case count is known', () => {
    const edges = [
      { k: 3, n: 10, noisyK: 2.4, noisyMissing: 0, a: 1, b: 1 },
      { k: 9, n: 10, noisyK: 7.7, noisyMissing: 0, a: 1.5, b: 0.5 },
    ];
    const { means, n } = jointPosteriorMeans({ noisyN: 7, sigmaN: 1e-3, sigma: 3, edges });
    expect(n.mean).toBeCloseTo(7, 9);
    means.forEach((m, i) => {
      const e = edges[i]!;
      expect(m).toBeCloseTo(betaPosteriorMean({ k: e.k, n: e.n, noisyK: e.noisyK, noisyN: 7, sigma: 3 }, e.a, e.b), 4);
    });
  });

  it("reads the others' case count from the edges far better than from its own noisy release", () => {
    // 8 cases of a disease with 30 findings, half nearly always present: released with σ = 4 per cell.
    const u = seededRandom(11);
    const p = Array.from({ length: 30 }, (_, i) => (i % 2 ? 0.95 : 0.05));
    let errAlone = 0;
    let errJoint = 0;
    let errEdge = 0;
    for (let r = 0; r < 100; r++) {
      const noisyN = 8 + gaussian(4, u);
      const edges = p.map((pe) => {
        let k = 0;
        for (let c = 0; c < 8; c++) if (u() < pe) k++;
        // Own exact counts of 6 cases at the edge's rate, prior Beta(1, 1).
        return { k: Math.round(6 * pe), n: 6, noisyK: k + gaussian(4, u), noisyMissing: 0, a: 1, b: 1 };
      });
      const j = jointPosteriorMeans({ noisyN, sigmaN: 4, sigma: 4, edges });
      errAlone += Math.abs(Math.max(0, noisyN) - 8) / 100;
      errJoint += Math.abs(j.n.mean - 8) / 100;
      // The edge means move towards the truth against those read with the released case count alone.
      edges.forEach((e, i) => {
        const alone = betaPosteriorMean({ ...e, noisyN: Math.max(0, Math.round(noisyN)), sigma: 4 }, e.a, e.b);
        errEdge += (Math.abs(j.means[i]! - p[i]!) - Math.abs(alone - p[i]!)) / 3000;
      });
    }
    expect(errJoint).toBeLessThan(errAlone / 2);
    expect(errEdge).toBeLessThan(0);
  });
});
