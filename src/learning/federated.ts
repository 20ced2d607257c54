import { invalid } from '../core/index.js';
import type { Network } from '../reasoning/index.js';
import type { PrivacyAccountant, Uniform } from './privacy.js';
import { gaussian, gaussianSigma } from './privacy.js';
import type { CaseContribution, ConfirmedCase, StatsLayout, SufficientStats } from './sufficient-stats.js';
import { addContribution, caseContribution, emptyStats, statsLayout } from './sufficient-stats.js';

/**
 * A hospital's counts made safe to release: (ε, δ)-differentially private with respect to adding or
 * removing one patient.
 *
 * Clipping: a case adds 1 to at most `clip` count cells, kept in order of how much they teach: its
 * disease, its stratum, the findings present (edges, then leaks), then the findings not observed. A case
 * with more is truncated (its further findings count as observed-absent: a bias the report states by
 * counting clipped cases). The disease count is released with weight w (a case adds w to it, and the
 * released value is divided by w): it is the denominator of every edge of its disease, so its noise is made
 * w times smaller at the price of a larger sensitivity, √(w² + clip − 1). Every cell, zeros included, gets
 * Gaussian noise of the σ calibrated for (ε, δ) (src/learning/privacy.ts). The accountant is charged
 * before any noise is drawn; past the budget nothing is released.
 *
 * `closedWorld`: the hospital's protocol records every finding as present or absent (as DDXPlus's does),
 * which is public, so the counts of unobserved findings are structurally zero and are not released (less
 * noise); a case with an unobserved finding is then an error.
 */
export interface PrivateCountsOptions {
  readonly epsilon: number;
  readonly delta: number;
  /** Most count cells one case may touch. */
  readonly clip: number;
  readonly accountant: PrivacyAccountant;
  readonly uniform: Uniform;
  /** What is released, for the accountant's ledger. */
  readonly what: string;
  /** Every finding of every case observed (present or absent); unobserved-finding counts are not released. */
  readonly closedWorld?: boolean;
  /** Weight of the disease count (see above). Default 4. */
  readonly diseaseWeight?: number;
  /**
   * Distributed noise (src/learning/secure-aggregation.ts): this release is one of several summed under
   * secure aggregation and draws noise of variance `noiseShare` × σ², σ calibrated for (ε, δ); the sum of
   * 1/noiseShare such releases carries σ². Alone it is NOT (ε, δ)-DP and must never leave unmasked.
   * Default 1 (a release that is private on its own).
   */
  readonly noiseShare?: number;
}

export interface PrivateCounts {
  readonly stats: SufficientStats;
  /** The σ calibrated for (ε, δ) at this sensitivity. */
  readonly sigma: number;
  /** The σ of the noise drawn here: σ √noiseShare. */
  readonly drawnSigma: number;
  readonly sensitivity: number;
  readonly clippedCases: number;
}

export function clipContribution(c: CaseContribution, clip: number): { kept: CaseContribution; clipped: boolean } {
  let left = clip - 1 - (c.stratum >= 0 ? 1 : 0);
  const take = (xs: readonly number[]) => {
    const kept = xs.slice(0, Math.max(0, left));
    left -= kept.length;
    return kept;
  };
  const kept: CaseContribution = {
    disease: c.disease,
    stratum: c.stratum,
    presentEdges: take(c.presentEdges),
    presentLeaks: take(c.presentLeaks),
    missingEdges: take(c.missingEdges),
    missingLeaks: take(c.missingLeaks),
  };
  return { kept, clipped: hasMore(c, kept) };
}

const hasMore = (c: CaseContribution, k: CaseContribution) =>
  c.presentEdges.length + c.presentLeaks.length + c.missingEdges.length + c.missingLeaks.length >
  k.presentEdges.length + k.presentLeaks.length + k.missingEdges.length + k.missingLeaks.length;

export function privateCounts(
  net: Network,
  cases: readonly ConfirmedCase[],
  options: PrivateCountsOptions,
  layout: StatsLayout = statsLayout(net),
): PrivateCounts {
  if (!Number.isInteger(options.clip) || options.clip < 2)
    throw invalid(`clip must be an integer ≥ 2 (disease and stratum), not ${options.clip}`, { field: 'clip' });
  const w = options.diseaseWeight ?? 4;
  if (!(w >= 1)) throw invalid(`diseaseWeight must be ≥ 1, not ${w}`, { field: 'diseaseWeight' });
  const sensitivity = Math.sqrt(w * w + options.clip - 1);
  const sigma = gaussianSigma(sensitivity, options.epsilon, options.delta);
  const share = options.noiseShare ?? 1;
  if (!(share > 0 && share <= 1)) throw invalid(`noiseShare must be in (0, 1], not ${share}`, { field: 'noiseShare' });
  const drawn = sigma * Math.sqrt(share);
  const contributions = cases.map((c, i) => {
    const k = caseContribution(net, layout, c, `cases[${i}]`);
    if (options.closedWorld && k.missingEdges.length + k.missingLeaks.length > 0)
      throw invalid('a closed-world release needs every finding observed; this case leaves some unknown', {
        where: `cases[${i}]`,
        field: 'input.findings',
      });
    return k;
  });
  options.accountant.charge({ epsilon: options.epsilon, delta: options.delta }, options.what);
  const stats = emptyStats(layout);
  let clippedCases = 0;
  for (const c of contributions) {
    const { kept, clipped } = clipContribution(c, options.clip);
    if (clipped) clippedCases++;
    addContribution(stats, kept);
  }
  const fields = options.closedWorld
    ? (['strata', 'edgePresent', 'leakPresent'] as const)
    : (['strata', 'edgePresent', 'edgeMissing', 'leakPresent', 'leakMissing'] as const);
  for (const k of fields) {
    const a = stats[k];
    for (let j = 0; j < a.length; j++) a[j]! += gaussian(drawn, options.uniform);
  }
  const d = stats.diseaseCases;
  for (let j = 0; j < d.length; j++) d[j] = (w * d[j]! + gaussian(drawn, options.uniform)) / w;
  // The released case count is read from the noisy disease counts (post-processing), not the true one.
  stats.cases = Math.max(0, Math.round(d.reduce((x, y) => x + y, 0)));
  stats.noise = { diseaseCases: drawn / w, cells: drawn };
  return { stats, sigma, drawnSigma: drawn, sensitivity, clippedCases };
}
