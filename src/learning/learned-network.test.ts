import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../reasoning/index.js';
import { simulatedWorld } from './__fixtures__/simulated.js';
import { evaluateNetwork } from './evaluation.js';
import { diffModels, learnedModel } from './learned-network.js';
import { addStats, countCases, emptyStats, statsFromJson, statsLayout, statsToJson } from './sufficient-stats.js';

const world = simulatedWorld(3);
const source = compileNetwork(world.source);

describe('sufficient statistics of confirmed cases', () => {
  it('counts per edge, leak and stratum, and reads a Beta posterior mean from them', () => {
    const cases = world.sample(300, 11);
    const stats = countCases(source, cases);
    expect(stats.cases).toBe(300);
    const d0 = cases.filter((c) => c.diagnosis === 'D0');
    expect(stats.diseaseCases[0]).toBe(d0.length);
    const e = stats.layout.edges.findIndex(([d]) => d === 0);
    const f = stats.layout.findings[stats.layout.edges[e]![1]]!;
    const k = d0.filter((c) => c.input.findings.some((x) => x.id === f && x.present)).length;
    expect(stats.edgePresent[e]).toBe(k);
    expect(stats.edgeMissing[e]).toBe(0);
    // Posterior mean of P(f | D0) with strength 2 around the source's 1 − (1 − 0.02)(1 − 0.5) = 0.51.
    const model = learnedModel(source, stats, { label: 'test', leakStrength: 1e9 });
    const p0 = 1 - 0.98 * 0.5;
    const p = (k + 2 * p0) / (d0.length + 2);
    const q = model.edges.find((x) => x.from === 'D0' && x.to === f)!.probability;
    expect(q).toBeCloseTo(1 - (1 - p) / (1 - 0.02), 6);
    // Priors learn the case mix: D0 is the commonest disease, so its prior rises above the flat source.
    expect(model.diseases[0]!.prior).toBeGreaterThan(world.source.diseases[0]!.prior);
    expect(model.diseases[0]!.priors).toHaveLength(10);
  });

  it("centres an edge's pooled prior on the finding's rate among cases of its linked diseases (edgeCentre)", () => {
    const cases = world.sample(400, 21).filter((c) => c.diagnosis !== 'D0');
    const stats = countCases(source, cases);
    const e = stats.layout.edges.findIndex(([d]) => d === 0);
    const fi = stats.layout.edges[e]![1];
    const f = stats.layout.findings[fi]!;
    // D0 has no case: its edge to f is the prior centre, the finding's rate among the linked diseases' cases.
    let present = 0;
    let linkedCases = 0;
    stats.layout.edges.forEach(([d, ff], j) => {
      if (ff !== fi) return;
      present += stats.edgePresent[j]!;
      linkedCases += stats.diseaseCases[d]!;
    });
    const p = (m: ReturnType<typeof learnedModel>) => {
      const leak = m.findings.find((x) => x.id === f)!.leak;
      return 1 - (1 - m.edges.find((x) => x.from === 'D0' && x.to === f)!.probability) * (1 - leak);
    };
    const opts = { label: 't', edgePrior: 'pooled' as const };
    expect(p(learnedModel(source, stats, { ...opts, edgeCentre: 'linked' }))).toBeCloseTo(
      (present + 0.5) / (linkedCases + 1),
      6,
    );
    // Over all cases (the default) the centre also counts leak cases and every case as a trial: lower here.
    const allPresent = present + stats.leakPresent[fi]!;
    expect(p(learnedModel(source, stats, opts))).toBeCloseTo((allPresent + 0.5) / (cases.length + 1), 6);
    expect(linkedCases).toBeLessThan(cases.length);
  });

  it('counts a finding neither present nor absent as missing, not as absent', () => {
    const [c] = world.sample(1, 5);
    const partial = { ...c!, input: { ...c!.input, findings: c!.input.findings.slice(0, 3) } };
    const stats = countCases(source, [partial]);
    const d = source.diseaseIndex.get(partial.diagnosis)!;
    const edgesOfD = stats.layout.edges.filter(([dd]) => dd === d).length;
    const observedLinked = stats.layout.edges.filter(([dd, f]) => dd === d && f < 3).length;
    expect(stats.edgeMissing.reduce((a, b) => a + b, 0)).toBe(edgesOfD - observedLinked);
  });

  it('learns a network that ranks held-back cases better than its source, close to the truth', () => {
    const learned = compileNetwork(learnedModel(source, countCases(source, world.sample(1500, 12)), { label: 't' }));
    const heldBack = world.sample(300, 99);
    const gtpa1 = evaluateNetwork(learned, heldBack).gtpa1;
    expect(gtpa1).toBeGreaterThan(evaluateNetwork(source, heldBack).gtpa1 + 5);
    expect(gtpa1).toBeGreaterThan(evaluateNetwork(compileNetwork(world.truth), heldBack).gtpa1 - 2);
    const diff = diffModels(world.source, learned.model);
    expect(diff.edgesChanged).toBeGreaterThan(0);
    expect(diff.largestEdgeChanges[0]!.before).toBe(0.5);
  });

  it('adds counts of one layout only, and round-trips them through JSON', () => {
    const a = countCases(source, world.sample(20, 1));
    const b = countCases(source, world.sample(30, 2));
    const sum = addStats([a, b]);
    expect(sum.cases).toBe(50);
    expect(statsFromJson(JSON.parse(JSON.stringify(statsToJson(sum)))).edgePresent).toEqual(sum.edgePresent);
    const other = compileNetwork(simulatedWorld(4, 5, 10, 3).source);
    expect(() => addStats([a, emptyStats(statsLayout(other))])).toThrow(/different network layout/);
    expect(() => statsFromJson({ ...statsToJson(a), counts: { ...statsToJson(a).counts, strata: [1] } })).toThrow(
      /counts.strata/,
    );
    const json = statsToJson(a);
    expect(() =>
      statsFromJson({ ...json, layout: { ...json.layout, findings: json.layout.findings.slice(1) } }),
    ).toThrow(/fingerprint/);
  });

  it("reads others' released disease counts into the priors by their reliability (ownPriors off)", () => {
    const own = countCases(source, world.sample(40, 3));
    const others = countCases(source, world.sample(400, 4));
    const noisy = (sd: number) => {
      const r = addStats([others]);
      r.noise = { diseaseCases: sd, cells: sd };
      return r;
    };
    const prior = (sd: number) =>
      learnedModel(source, own, { label: 't', ownPriors: false }, noisy(sd)).diseases.map((d) => d.prior);
    const ownOnly = learnedModel(source, own, { label: 't' }, noisy(1e-3)).diseases.map((d) => d.prior);
    const pooled = learnedModel(source, addStats([own, others]), { label: 't' }).diseases.map((d) => d.prior);
    // Counts large against their noise count nearly whole (the pooled priors); swamped by it, hardly at all.
    prior(1e-3).forEach((p, i) => {
      expect(p).toBeCloseTo(pooled[i]!, 4);
    });
    prior(1e4).forEach((p, i) => {
      expect(p).toBeCloseTo(ownOnly[i]!, 4);
    });
    // In between, each prior moves from the own-only one towards the pooled one.
    prior(8).forEach((p, i) => {
      expect(Math.abs(p - ownOnly[i]!)).toBeGreaterThan(0);
      expect(Math.abs(p - ownOnly[i]!)).toBeLessThan(Math.abs(pooled[i]! - ownOnly[i]!));
      expect(Math.sign(p - ownOnly[i]!)).toBe(Math.sign(pooled[i]! - ownOnly[i]!));
    });
  });

  it('names the case whose diagnosis the network does not know', () => {
    const [c] = world.sample(1, 1);
    expect(() => countCases(source, [c!, { ...c!, diagnosis: 'Z99' }])).toThrow(/cases\[1\].*diagnosis.*Z99/);
  });
});
