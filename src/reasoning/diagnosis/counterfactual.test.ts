import { describe, expect, it } from 'vitest';
import { tinyModel } from './__fixtures__/build.js';
import { counterfactuals } from './counterfactual.js';
import { diagnose } from './diagnose.js';
import { resolveCase } from './evidence.js';
import { bruteForce, quickscore } from './inference.js';
import { compileNetwork, type Network } from './network.js';

describe('counterfactual measures (Richens et al. 2020)', () => {
  it('match the hand computation on one disease and one finding', () => {
    const net = compileNetwork(tinyModel({ D: 0.1 }, { F: 0.01 }, [['D', 'F', 0.8]]));
    const obs = resolveCase(net, { findings: [{ id: 'F' }] });
    const cf = counterfactuals(net, obs, quickscore(net, obs), [0]);
    // Sufficiency: P(D, link fires | F) = 0.1·0.8 / 0.0892. Disablement: also no leak: 0.1·0.8·0.99 / 0.0892.
    expect(cf.sufficiency[0]).toBeCloseTo(0.08 / 0.0892, 9);
    expect(cf.disablement[0]).toBeCloseTo(0.0792 / 0.0892, 9);
  });

  it('equal the counterfactual computed over every latent activation on a small network', () => {
    const net = compileNetwork(
      tinyModel({ A: 0.15, B: 0.3 }, { F: 0.05, G: 0.02, H: 0.1 }, [
        ['A', 'F', 0.9],
        ['B', 'F', 0.6],
        ['A', 'G', 0.4],
        ['B', 'H', 0.7],
        ['A', 'H', 0.2],
      ]),
    );
    const obs = resolveCase(net, { findings: [{ id: 'F' }, { id: 'H' }, { id: 'G', present: false }] });
    const cf = counterfactuals(net, obs, bruteForce(net, obs), [0, 1], { method: 'brute-force' });
    const ref = latentCounterfactuals(net, ['F', 'H'], ['G']);
    for (const d of [0, 1]) {
      expect(cf.disablement[d]).toBeCloseTo(ref.disablement[d]!, 9);
      expect(cf.sufficiency[d]).toBeCloseTo(ref.sufficiency[d]!, 9);
    }
  });

  it('ranks the disease that explains more findings first, where the posterior prefers the common one', () => {
    // C is common and explains F alone; R is rarer and explains F, G and H (which leaks also explain).
    const net = compileNetwork(
      tinyModel({ C: 0.4, R: 0.1 }, { F: 0.01, G: 0.2, H: 0.2 }, [
        ['C', 'F', 0.9],
        ['R', 'F', 0.5],
        ['R', 'G', 0.5],
        ['R', 'H', 0.5],
      ]),
    );
    const dx = diagnose(net, { findings: [{ id: 'F' }, { id: 'G' }, { id: 'H' }] }, { top: 2 });
    const byId = Object.fromEntries(dx.differential.map((r) => [r.id, r]));
    expect(byId.C!.rank).toBe(1);
    expect(byId.R!.counterfactualRank).toBe(1);
    expect(byId.R!.expectedDisablement).toBeGreaterThan(byId.C!.expectedDisablement!);
    expect(dx.rankingDifferences.map((r) => r.disease).sort()).toEqual(['C', 'R']);
  });
});

/** Brute force over diseases, link activations and leaks: the counterfactual by its definition. */
function latentCounterfactuals(net: Network, pos: string[], neg: string[]) {
  const n = net.diseases.length;
  const fids = [...pos, ...neg].map((id) => net.findingIndex.get(id)!);
  const links: { d: number; f: number; q: number }[] = [];
  for (let d = 0; d < n; d++)
    for (const l of net.effects[d]!) if (fids.includes(l.to)) links.push({ d, f: l.to, q: l.q });
  const vars = n + links.length + fids.length;
  const disablement = new Float64Array(n);
  const sufficiency = new Float64Array(n);
  let total = 0;
  for (let s = 0; s < 1 << vars; s++) {
    const bit = (k: number) => (s >> k) & 1;
    let w = 1;
    for (let d = 0; d < n; d++) w *= bit(d) ? net.diseases[d]!.prior : 1 - net.diseases[d]!.prior;
    links.forEach((l, k) => {
      w *= bit(n + k) ? l.q : 1 - l.q;
    });
    fids.forEach((f, k) => {
      w *= bit(n + links.length + k) ? net.leak[f]! : 1 - net.leak[f]!;
    });
    const on = (f: number, except?: number, only?: number) => {
      const leakOn = only === undefined && bit(n + links.length + fids.indexOf(f)) === 1;
      return (
        leakOn ||
        links.some(
          (l, k) => l.f === f && l.d !== except && (only === undefined || l.d === only) && bit(l.d) && bit(n + k),
        )
      );
    };
    const consistent =
      pos.every((id) => on(net.findingIndex.get(id)!)) && neg.every((id) => !on(net.findingIndex.get(id)!));
    if (!consistent) continue;
    total += w;
    for (let d = 0; d < n; d++)
      for (const id of pos) {
        const f = net.findingIndex.get(id)!;
        if (!on(f, d)) disablement[d]! += w;
        if (on(f, undefined, d)) sufficiency[d]! += w;
      }
  }
  return { disablement: disablement.map((x) => x / total), sufficiency: sufficiency.map((x) => x / total) };
}
