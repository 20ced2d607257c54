/**
 * The posterior mean of a Beta–binomial probability from exact counts plus counts released with Gaussian
 * noise: p ~ Beta(a, b); k₁ | p ~ Binomial(n₁, p) known exactly (a hospital's own cases); k₂ | p ~
 * Binomial(n₂, p) seen only as k̃₂ = k₂ + N(0, σ²) (other hospitals' private releases). E[p | k₁, k̃₂] is
 * computed on a grid of p. Without this, the usual (k̃ + a)/(n + a + b) after clipping k̃ to [0, n] is biased
 * upwards for rare findings (a clipped zero-mean noise has a positive mean), and in a noisy-OR network every
 * such edge penalises its disease whenever the finding is absent. Reading noisy counts this way is
 * post-processing: it costs no privacy.
 */
export interface BetaCounts {
  /** Exact successes and trials. */
  readonly k: number;
  readonly n: number;
  /** Noisy successes (k̃₂), trials n₂ and the noise's standard deviation. */
  readonly noisyK?: number;
  readonly noisyN?: number;
  readonly sigma?: number;
}

// Grid uniform in logit(p) from 1e-6 to 1 − 1e-6: fine near 0 and 1, where leaks and rare findings live.
const GRID = 400;
const T = 14;
const grid = Float64Array.from({ length: GRID }, (_, j) => 1 / (1 + Math.exp(-(-T + (2 * T * (j + 0.5)) / GRID))));
const logGrid = grid.map(Math.log);
const log1mGrid = grid.map((p) => Math.log1p(-p));

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i));
  return logFactorials[n]!;
}

export function betaPosteriorMean(c: BetaCounts, a: number, b: number): number {
  const sigma = c.sigma ?? 0;
  const n2 = Math.max(0, Math.round(c.noisyN ?? 0));
  const noisy = sigma > 0 && n2 > 0;
  if (!noisy) {
    const k2 = Math.min(n2, Math.max(0, c.noisyK ?? 0));
    return (c.k + k2 + a) / (c.n + n2 + a + b);
  }
  const k2 = c.noisyK ?? 0;
  // Counts further than 6σ from the released value carry no weight worth computing.
  const lo = Math.max(0, Math.floor(k2 - 6 * sigma));
  const hi = Math.min(n2, Math.ceil(k2 + 6 * sigma));
  if (lo > hi) {
    // The released value lies more than 6σ outside [0, n₂]: read it as the nearest end.
    const k = k2 < 0 ? 0 : n2;
    return (c.k + k + a) / (c.n + n2 + a + b);
  }
  const logW: number[] = [];
  for (let k = lo; k <= hi; k++)
    logW.push(-((k2 - k) ** 2) / (2 * sigma * sigma) + logFactorial(n2) - logFactorial(k) - logFactorial(n2 - k));
  const logPost = new Float64Array(GRID);
  let max = -Infinity;
  for (let j = 0; j < GRID; j++) {
    const lp = logGrid[j]!;
    const lq = log1mGrid[j]!;
    // log Σ_k w_k p^k (1 − p)^(n₂ − k), by log-sum-exp.
    let m = -Infinity;
    for (let i = 0; i < logW.length; i++) m = Math.max(m, logW[i]! + (lo + i) * lp + (n2 - lo - i) * lq);
    let s = 0;
    for (let i = 0; i < logW.length; i++) s += Math.exp(logW[i]! + (lo + i) * lp + (n2 - lo - i) * lq - m);
    // Prior density in p times the Jacobian p(1 − p) of the logit grid: exponents a and b.
    const v = m + Math.log(s) + (c.k + a) * lp + (c.n - c.k + b) * lq;
    logPost[j] = v;
    if (v > max) max = v;
  }
  let num = 0;
  let den = 0;
  for (let j = 0; j < GRID; j++) {
    const w = Math.exp(logPost[j]! - max);
    num += w * grid[j]!;
    den += w;
  }
  return num / den;
}

/** ln Γ(x) for x > 0 (Lanczos; Numerical Recipes in C, 2nd ed., §6.1, `gammln`; relative error < 2e-10). */
export function logGamma(x: number): number {
  let y = x;
  const t = x + 5.5;
  let ser = 1.000000000190015;
  for (const c of LANCZOS) ser += c / ++y;
  return -(t - (x + 0.5) * Math.log(t)) + Math.log((2.5066282746310007 * ser) / x);
}
const LANCZOS = [
  76.18009172947146, -86.50532032941678, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2,
  -0.5395239384953e-5,
];

/**
 * One disease's released counts read together. The others' case count of a disease, n₂, is released with noise
 * as large as the few cases it counts (σ ≈ 4 against ~10 cases at ε = 8 on DDXPlus), and every edge of the
 * disease divides by it; but each released edge count k̃ₑ = Binomial(n₂, pₑ) + N(0, σ²) also tells of n₂, since
 * kₑ ≤ n₂ (and kₑ ≈ n₂ for a finding nearly every case of the disease has). So n₂ is read from all of them: its
 * posterior (flat prior on 0, 1, 2, …) is N(ñ₂; n₂, σₙ²) × Πₑ Σₖ N(k̃ₑ; k, σ²) BetaBinomial(k; n₂, αₑ, βₑ), with
 * αₑ, βₑ the edge's Beta prior plus its exact (own) counts, and each edge's posterior mean of p is averaged over
 * it: Σₙ P(n | all) Σₖ P(k | k̃ₑ, n) (αₑ + k)/(αₑ + βₑ + n). Exact under the model (edges independent given n₂),
 * with no grid; it is post-processing of the release, so it costs no privacy. Trials of an edge whose finding
 * some cases left unobserved are n₂ less the released missing count, taken at its value (0 in a closed world).
 */
export interface NoisyDiseaseCounts {
  /** The released case count of the disease (ñ₂) and the σ of its noise. */
  readonly noisyN: number;
  readonly sigmaN: number;
  /** The σ of the noise in each released edge count. */
  readonly sigma: number;
  readonly edges: readonly NoisyEdgeCounts[];
}

export interface NoisyEdgeCounts {
  /** Exact (own) present count and trials. */
  readonly k: number;
  readonly n: number;
  /** Released present count, and released count of the disease's cases with the finding unobserved. */
  readonly noisyK: number;
  readonly noisyMissing: number;
  /** The edge's Beta prior. */
  readonly a: number;
  readonly b: number;
}

export function jointPosteriorMeans(d: NoisyDiseaseCounts): { means: number[]; n: { mean: number; sd: number } } {
  const { sigma, sigmaN } = d;
  if (!(sigma > 0 && sigmaN > 0)) throw new Error('jointPosteriorMeans reads noisy counts: σ and σₙ must be > 0');
  const nLo = Math.max(0, Math.floor(d.noisyN - 6 * sigmaN));
  const nHi = Math.max(nLo, Math.ceil(d.noisyN + 6 * sigmaN));
  // n₂ on a stride of ⌊σₙ/4⌋ (1 while σₙ < 8, as at ε = 8 on DDXPlus): with a noisier count its posterior is
  // smooth on that scale, and every n costs a sum over k for each edge (DDXPlus: ~320 edges a disease).
  const stride = Math.max(1, Math.floor(sigmaN / 4));
  const span = Math.floor((nHi - nLo) / stride) + 1;
  const logL = new Float64Array(span);
  // Per edge and n: E[p | k̃ₑ, n], weighted below by P(n | all).
  const cond = d.edges.map(() => new Float64Array(span));
  // ln Γ(α + k), ln Γ(β + j) and ln Γ(α + β + m) for k, j, m up to nHi, by Γ(x + 1) = x Γ(x).
  const lnGammaFrom = (x: number) => {
    const out = new Float64Array(nHi + 1);
    out[0] = logGamma(x);
    for (let i = 1; i <= nHi; i++) out[i] = out[i - 1]! + Math.log(x + i - 1);
    return out;
  };
  const prepared = d.edges.map((e) => {
    const alpha = Math.max(1e-6, e.a + e.k);
    const beta = Math.max(1e-6, e.b + e.n - e.k);
    const missing = Math.max(0, Math.round(e.noisyMissing));
    return { alpha, beta, lnA: lnGammaFrom(alpha), lnB: lnGammaFrom(beta), lnAB: lnGammaFrom(alpha + beta), missing };
  });
  logFactorial(nHi);
  const terms = new Float64Array(nHi + 1);
  for (let i = 0; i < span; i++) {
    const n = nLo + i * stride;
    logL[i] = -((d.noisyN - n) ** 2) / (2 * sigmaN * sigmaN);
    d.edges.forEach((e, j) => {
      const { alpha, beta, lnA, lnB, lnAB, missing } = prepared[j]!;
      const t = Math.max(0, n - missing);
      const lo = Math.min(t, Math.max(0, Math.floor(e.noisyK - 6 * sigma)));
      const hi = Math.min(t, Math.max(0, Math.ceil(e.noisyK + 6 * sigma)));
      // log of N(k̃; k, σ²) × BetaBinomial(k; t, α, β), up to terms without k or t.
      const base = logFactorials[t]! - lnAB[t]! + lnAB[0]! - lnA[0]! - lnB[0]!;
      let m = -Infinity;
      for (let k = lo; k <= hi; k++) {
        const v =
          -((e.noisyK - k) ** 2) / (2 * sigma * sigma) +
          base -
          logFactorials[k]! -
          logFactorials[t - k]! +
          lnA[k]! +
          lnB[t - k]!;
        terms[k - lo] = v;
        if (v > m) m = v;
      }
      let s = 0;
      let mean = 0;
      for (let k = lo; k <= hi; k++) {
        const w = Math.exp(terms[k - lo]! - m);
        s += w;
        mean += w * (alpha + k);
      }
      logL[i]! += m + Math.log(s);
      cond[j]![i] = mean / s / (alpha + beta + t);
    });
  }
  let max = -Infinity;
  for (const v of logL) max = Math.max(max, v);
  const w = Array.from(logL, (v) => Math.exp(v - max));
  const z = w.reduce((a, b) => a + b, 0);
  const nMean = w.reduce((a, x, i) => a + x * (nLo + i * stride), 0) / z;
  const nSd = Math.sqrt(w.reduce((a, x, i) => a + x * (nLo + i * stride - nMean) ** 2, 0) / z);
  const means = cond.map((c) => c.reduce((a, x, i) => a + x * w[i]!, 0) / z);
  return { means, n: { mean: nMean, sd: nSd } };
}
