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
