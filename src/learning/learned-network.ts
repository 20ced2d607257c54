import { invalid } from '../core/index.js';
import type {
  CausalEdge,
  CausalModel,
  DiseaseNode,
  FindingNode,
  Network,
  StratifiedPrior,
} from '../reasoning/index.js';
import { patientPriors } from '../reasoning/index.js';
import { betaPosteriorMean, jointPosteriorMeans } from './noisy-counts.js';
import type { SufficientStats } from './sufficient-stats.js';
import { AGE_BANDS, STRATA, STRATUM_SEXES } from './sufficient-stats.js';

/**
 * Posterior-mean parameters from a source network and counts.
 *
 * Edge: P(finding | only this disease) ~ Beta(s·p₀ + k, s·(1 − p₀) + n − k), where p₀ is the source's own
 * single-fault likelihood 1 − (1 − leak)(1 − q) and s the prior strength in pseudo-cases; the noisy-OR
 * parameter is then q = 1 − (1 − p)/(1 − leak). Leak: Beta around the source leak, from cases whose
 * disease has no edge to the finding. Priors: per stratum a Dirichlet over diseases centred on the source's
 * shares (strength `priorStrength` pseudo-cases), scaled back to the source's total prior mass so that a
 * learned network is as confident overall as the one it came from.
 */
export interface LearnOptions {
  /**
   * What each edge's Beta is centred on: `source` (the source's single-fault likelihood; edges whose
   * source gives no frequency, `frequency: 'unknown'`, use `pooled`), or `pooled` for every edge: the
   * finding's frequency among all counted cases (empirical Bayes, as src/reasoning/diagnosis/ddxplus.ts
   * learns DDXPlus, whose release gives structure but no probabilities). Default `source`.
   */
  readonly edgePrior?: 'source' | 'pooled';
  /** Pseudo-cases behind each edge's prior centre. Default 2 (the DDXPlus learner's default strength). */
  readonly edgeStrength?: number;
  /**
   * What the pooled edge prior's centre is a frequency among: `all` cases (default), or `linked`, the cases of the
   * diseases linked to the finding (those that may cause it), i.e. the finding's average rate under a disease that
   * causes it. A finding linked to a third of the diseases is present in a third as many of all cases as of its
   * diseases' cases, so `all` centres every edge too low; with noisy counts from elsewhere the prior weighs more,
   * and this matters (bench/federated.ts).
   */
  readonly edgeCentre?: 'all' | 'linked';
  /** Pseudo-cases behind each source leak. Default 20. */
  readonly leakStrength?: number;
  /**
   * With released counts from elsewhere: learn disease priors from the exact (own) counts only — a
   * hospital's case mix is its own, while how a disease shows itself transfers. Default true. When false, the
   * others' released counts join the own ones scaled by their reliability under the noise (`reliableCounts` below):
   * bench federated does so for DXY, where a hospital's ~80 cases estimate its mix of 5 diseases less well than
   * everyone's do (bench/federated.ts).
   */
  readonly ownPriors?: boolean;
  /**
   * With released counts from elsewhere: learn leaks from the exact (own) counts only. A leak is the
   * background rate of a finding among patients whose disease does not cause it (the hospital's own
   * population, like its case mix), and its signal is a handful of cases against noise of σ per released cell:
   * on DDXPlus, whose patients have no present leak finding, the others' noisy leak counts raised the leaks
   * that exclude a disease lacking a present finding, and cost 0.6 points of GTPA@1 at ε = 8 (an inner split
   * of the bench's training patients, bench/federated.ts). Default true.
   */
  readonly ownLeaks?: boolean;
  /**
   * With noisy counts: read each disease's released case count together with its edges' released counts
   * (src/learning/noisy-counts.ts jointPosteriorMeans) rather than each edge alone with the noisy case count
   * rounded. Default true. It matters where a disease's count is small against its noise (DDXPlus at ε = 8: σ ≈ 4
   * against ~5 cases at the others); bench federated leaves it off for DXY (σ ≈ 2 against 30–60 cases), where it
   * scored lower on the inner split.
   */
  readonly jointDiseaseCounts?: boolean;
  /**
   * With released counts from elsewhere: centre the pooled edge prior (`edgePrior: 'pooled'`, and edges of unknown
   * frequency) on the finding's frequency among the hospital's own cases. The frequency over everyone's counts sums
   * one noisy cell per edge of the finding, σ √(edges) of noise against a few hundred cases: on DDXPlus at ε = 8
   * (σ ≈ 4, 17 diseases per finding on average) that swamps a rare finding's frequency, and the prior centre then
   * misleads every edge with few cases (an inner split of bench federated's training patients, bench/federated.ts:
   * GTPA@1 95.42 → 96.19, and 95.87 → 96.53 with `jointDiseaseCounts`). Default true.
   */
  readonly ownEdgePrior?: boolean;
  /** Pseudo-cases behind the source priors of each stratum. Default 20. */
  readonly priorStrength?: number;
  /** Names the data in the learned model's release and edge sources. */
  readonly label: string;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
/** Noisy counts may be negative or exceed their total: project onto what counts can be (post-processing keeps DP). */
const count = (x: number) => Math.max(0, x);

export function learnedModel(
  source: Network,
  stats: SufficientStats,
  options: LearnOptions,
  released?: SufficientStats,
): CausalModel {
  const { layout } = stats;
  if (layout.diseases.length !== source.diseases.length || layout.findings.length !== source.findings.length)
    throw invalid(`counts are for another network (${layout.diseases.length} diseases)`, { field: 'stats.layout' });
  if (released && (stats.noise || !released.noise || released.layout.fingerprint !== layout.fingerprint))
    throw invalid('released counts combine with exact counts of the same layout, and must state their noise', {
      field: 'released',
    });
  // Exact counts (own cases) and noisy ones (private releases), read together (src/learning/noisy-counts.ts).
  const exact = stats.noise ? undefined : stats;
  const noisy = released ?? (stats.noise ? stats : undefined);
  const sigma = noisy?.noise?.cells ?? 0;
  const s = options.edgeStrength ?? 2;
  const sl = options.leakStrength ?? 20;
  const sp = options.priorStrength ?? 20;
  const nd = layout.diseases.length;
  const cell = (st: SufficientStats | undefined, k: Field, i: number) => (st ? st[k][i]! : 0);
  const nExact = layout.diseases.map((_, d) => cell(exact, 'diseaseCases', d));
  const nNoisy = layout.diseases.map((_, d) => count(cell(noisy, 'diseaseCases', d)));
  const n = nExact.map((x, d) => x + nNoisy[d]!);
  const total = n.reduce((a, b) => a + b, 0);
  const totalExact = nExact.reduce((a, b) => a + b, 0);
  // Leak: cases of diseases not linked to the finding.
  const linkedExact = new Float64Array(layout.findings.length);
  const linkedNoisy = new Float64Array(layout.findings.length);
  for (const [d, f] of layout.edges) {
    linkedExact[f]! += nExact[d]!;
    linkedNoisy[f]! += nNoisy[d]!;
  }
  const leakNoisy = released !== undefined && (options.ownLeaks ?? true) ? undefined : noisy;
  const findings: FindingNode[] = source.findings.map((f, j) => {
    const leak = betaPosteriorMean(
      {
        k: cell(exact, 'leakPresent', j),
        n: totalExact - linkedExact[j]! - cell(exact, 'leakMissing', j),
        ...(leakNoisy && {
          noisyK: cell(leakNoisy, 'leakPresent', j),
          noisyN: count(total - totalExact - linkedNoisy[j]! - count(cell(leakNoisy, 'leakMissing', j))),
          sigma,
        }),
      },
      sl * f.leak,
      sl * (1 - f.leak),
    );
    return { ...f, leak: clamp01(leak) };
  });
  // The pooled edge prior's centre: from the own exact counts when others' noisy counts come beside them.
  const ownCentre = released !== undefined && exact !== undefined && (options.ownEdgePrior ?? true);
  const linked = options.edgeCentre === 'linked';
  const pooled = ownCentre
    ? pooledFrequencies([exact], totalExact, linked)
    : pooledFrequencies([exact, noisy], total, linked);
  // Per `causes` edge (layout order): its Beta prior centre, counts, then its posterior mean of p.
  const causes = source.model.edges.filter((edge) => edge.kind === 'causes');
  const centre = causes.map((edge, ei) => {
    const [, f] = layout.edges[ei]!;
    const leak0 = source.findings[f]!.leak;
    const usePooled = options.edgePrior === 'pooled' || edge.frequency === 'unknown';
    return usePooled ? pooled[f]! : 1 - (1 - leak0) * (1 - edge.probability);
  });
  const edgeCounts = causes.map((_, ei) => {
    const [d] = layout.edges[ei]!;
    const p0 = centre[ei]!;
    const counts = {
      k: cell(exact, 'edgePresent', ei),
      n: nExact[d]! - cell(exact, 'edgeMissing', ei),
      noisyK: cell(noisy, 'edgePresent', ei),
      noisyN: count(nNoisy[d]! - count(cell(noisy, 'edgeMissing', ei))),
      sigma,
    };
    return { counts, a: s * p0, b: s * (1 - p0) };
  });
  const posterior = new Float64Array(causes.length);
  const sigmaN = noisy?.noise?.diseaseCases ?? 0;
  if (noisy && sigma > 0 && sigmaN > 0 && (options.jointDiseaseCounts ?? true)) {
    // Each disease's released count read together with its edges' (src/learning/noisy-counts.ts).
    const byDisease = layout.diseases.map(() => [] as number[]);
    layout.edges.forEach(([d], ei) => {
      byDisease[d]!.push(ei);
    });
    byDisease.forEach((eis, d) => {
      if (eis.length === 0) return;
      const { means } = jointPosteriorMeans({
        noisyN: cell(noisy, 'diseaseCases', d),
        sigmaN,
        sigma,
        edges: eis.map((ei) => {
          const { counts, a, b } = edgeCounts[ei]!;
          const noisyMissing = count(cell(noisy, 'edgeMissing', ei));
          return { k: counts.k, n: counts.n, noisyK: counts.noisyK, noisyMissing, a, b };
        }),
      });
      eis.forEach((ei, j) => {
        posterior[ei] = means[j]!;
      });
    });
  } else
    edgeCounts.forEach(({ counts, a, b }, ei) => {
      posterior[ei] = betaPosteriorMean(counts, a, b);
    });
  const edges: CausalEdge[] = [];
  let e = 0;
  for (const edge of source.model.edges) {
    if (edge.kind !== 'causes') {
      edges.push(edge);
      continue;
    }
    const [, f] = layout.edges[e]!;
    const ei = e++;
    const leak = findings[f]!.leak;
    const { counts } = edgeCounts[ei]!;
    const p = posterior[ei]!;
    const q = clamp01(1 - (1 - p) / (1 - leak));
    const ratio = `${round(counts.k + count(counts.noisyK))}/${round(counts.n + counts.noisyN)}`;
    const seen = noisy ? `${ratio} incl. noisy counts` : ratio;
    edges.push({
      ...edge,
      probability: q,
      source: {
        ...edge.source,
        authority: {
          ...edge.source.authority,
          document: `${edge.source.authority.document ?? ''}; learned from ${options.label} (${seen})`,
        },
      },
    });
  }
  // Others' released counts in the priors: none (ownPriors), or scaled by their reliability (`reliableCounts`).
  const ownPriors = released !== undefined && (options.ownPriors ?? true);
  const others = (xs: readonly number[], sd: number) =>
    ownPriors ? xs.map(() => 0) : released ? reliableCounts(xs, sd) : xs.map(count);
  const noisyStrata = Array.from({ length: STRATA }, (_, st) =>
    others(
      layout.diseases.map((_, j) => cell(noisy, 'strata', st * nd + j)),
      sigma,
    ),
  );
  const strata = (i: number) => count(cell(exact, 'strata', i)) + noisyStrata[Math.floor(i / nd)]![i % nd]!;
  const priorN = others(nNoisy, sigmaN).map((x, d) => nExact[d]! + x);
  const priorTotal = priorN.reduce((a, b) => a + b, 0);
  const mass = source.diseases.reduce((a, d) => a + d.prior, 0);
  const share = source.diseases.map((d) => d.prior / mass);
  // The Dirichlet of a stratum is centred on the source's priors for that stratum (its own strata, if any).
  const centres = Array.from({ length: STRATA }, (_, st) => {
    const sex = STRATUM_SEXES[Math.floor(st / AGE_BANDS.length)]!;
    const [ageFrom, ageTo] = AGE_BANDS[st % AGE_BANDS.length]!;
    const p = patientPriors(source, { age: ageFrom, sex });
    const m = p.reduce((a, b) => a + b, 0);
    return { sex, ageFrom, ageTo, mass: m, share: Array.from(p, (x) => x / m) };
  });
  const diseases: DiseaseNode[] = source.diseases.map((d, i) => {
    const priors: StratifiedPrior[] = centres.map((c, st) => {
      let nst = 0;
      for (let j = 0; j < nd; j++) nst += strata(st * nd + j);
      const k = strata(st * nd + i);
      const prior = Math.min(0.5, ((k + sp * c.share[i]!) / (nst + sp)) * c.mass);
      return { sex: c.sex, ageFrom: c.ageFrom, ageTo: c.ageTo, prior };
    });
    return {
      ...d,
      prior: Math.min(0.5, ((priorN[i]! + sp * share[i]!) / (priorTotal + sp)) * mass),
      priors,
      priorBasis: 'source',
    };
  });
  return {
    ...source.model,
    release: `${source.model.release ?? source.model.id}; learned from ${options.label}`,
    diseases,
    findings,
    edges,
  };
}

/**
 * Others' released counts of one multinomial (the diseases, or the diseases of one stratum) as the priors' Dirichlet
 * reads them beside a hospital's exact counts: scaled by ρ = Σv / (Σv + K σ²), v = x̃(1 − x̃/X̃) each count's sampling
 * variance as a binomial share of the released total X̃ (K counts, clipped at 0), i.e. by the effective sample size of
 * their shares under the noise. One ρ for the group keeps the others' shares as released. Counts large against their
 * noise count nearly whole (DXY at ε = 8: σₙ ≈ 2 against 30–60 cases, ρ ≈ 0.85), counts swamped by it hardly at all
 * (ε = 1: σₙ ≈ 13, ρ ≈ 0.13), and the priors then rest on the hospital's own counts and the source. Post-processing
 * of the release: no privacy cost.
 */
function reliableCounts(xs: readonly number[], sigma: number): number[] {
  const c = xs.map(count);
  const total = c.reduce((a, b) => a + b, 0);
  const v = total > 0 ? c.reduce((a, x) => a + x * (1 - x / total), 0) : 0;
  const rho = sigma > 0 ? v / (v + c.length * sigma * sigma) : 1;
  return c.map((x) => rho * x);
}

/**
 * Per finding: (present + ½) / (observed + 1) over all counted cases, whatever their disease; or (`linked`) over the
 * cases of the diseases linked to the finding only (present in them, observed among them).
 */
function pooledFrequencies(
  parts: readonly (SufficientStats | undefined)[],
  total: number,
  linked = false,
): Float64Array {
  const present = new Float64Array(parts.find((p) => p)!.layout.findings.length);
  const missing = new Float64Array(present.length);
  const cases = new Float64Array(present.length).fill(linked ? 0 : total);
  for (const st of parts) {
    if (!st) continue;
    if (!linked)
      st.leakPresent.forEach((x, f) => {
        present[f]! += x;
        missing[f]! += st.leakMissing[f]!;
      });
    st.layout.edges.forEach(([d, f], e) => {
      present[f]! += st.edgePresent[e]!;
      missing[f]! += st.edgeMissing[e]!;
      if (linked) cases[f]! += st.diseaseCases[d]!;
    });
  }
  // Noise is summed before clipping at 0: the sum over a finding's many cells is then nearly unbiased.
  return present.map((k, f) => Math.min(1, (count(k) + 0.5) / (count(cases[f]! - count(missing[f]!)) + 1)));
}

type Field = 'diseaseCases' | 'strata' | 'edgePresent' | 'edgeMissing' | 'leakPresent' | 'leakMissing';

const round = (x: number) => Math.round(x * 100) / 100;

/** What a learned model changes against its source: the largest edge, leak and prior moves. */
export interface ModelDiff {
  readonly edgesChanged: number;
  readonly meanAbsEdgeChange: number;
  readonly largestEdgeChanges: readonly { from: string; to: string; before: number; after: number }[];
  readonly priorChanges: readonly { disease: string; before: number; after: number }[];
  readonly leaksChanged: number;
}

export function diffModels(before: CausalModel, after: CausalModel, top = 10): ModelDiff {
  const key = (e: CausalEdge) => `${e.kind}\t${e.from}\t${e.to}`;
  const old = new Map(before.edges.map((e) => [key(e), e.probability]));
  const moves = after.edges
    .map((e) => ({ from: e.from, to: e.to, before: old.get(key(e)) ?? 0, after: e.probability }))
    .filter((m) => Math.abs(m.after - m.before) > 1e-9);
  const priorOf = new Map(before.diseases.map((d) => [d.id, d.prior]));
  const leakOf = new Map(before.findings.map((f) => [f.id, f.leak]));
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    edgesChanged: moves.length,
    meanAbsEdgeChange: r4(
      moves.reduce((a, m) => a + Math.abs(m.after - m.before), 0) / Math.max(1, after.edges.length),
    ),
    largestEdgeChanges: moves
      .sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before))
      .slice(0, top)
      .map((m) => ({ ...m, before: r4(m.before), after: r4(m.after) })),
    priorChanges: after.diseases
      .map((d) => ({ disease: d.id, before: r4(priorOf.get(d.id) ?? 0), after: r4(d.prior) }))
      .filter((m) => m.before !== m.after)
      .sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before))
      .slice(0, top),
    leaksChanged: after.findings.filter((f) => Math.abs(f.leak - (leakOf.get(f.id) ?? 0)) > 1e-9).length,
  };
}
