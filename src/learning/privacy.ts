import { randomInt } from 'node:crypto';
import { invalid } from '../core/index.js';

/**
 * Differential privacy for released counts: the Gaussian mechanism calibrated exactly (the "analytic
 * Gaussian mechanism", Balle & Wang, ICML 2018, theorem 8: N(0, σ²) noise on a query of L2 sensitivity Δ
 * is (ε, δ)-DP iff Φ(Δ/2σ − εσ/Δ) − e^ε Φ(−Δ/2σ − εσ/Δ) ≤ δ; valid for every ε, unlike the classical
 * σ = Δ√(2 ln(1.25/δ))/ε which needs ε < 1), and an accountant that adds up what a hospital has released
 * (basic sequential composition: ε and δ add) and refuses a release past its budget.
 *
 * The noise here is sampled in floating point (Box–Muller). That is enough for a simulation; a production
 * release should draw its noise with a kept DP library whose samplers resist floating-point attacks
 * (Mironov, CCS 2012), e.g. OpenDP or Google's differential-privacy library.
 */

/** erfc(x) with fractional error < 1.2e-7 everywhere (Numerical Recipes in C, 2nd ed., §6.2, `erfcc`). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/** The δ of N(0, σ²) noise on a query of L2 sensitivity Δ at a given ε (Balle & Wang 2018, theorem 8). */
export function gaussianDelta(sigma: number, sensitivity: number, epsilon: number): number {
  const a = sensitivity / (2 * sigma);
  const b = (epsilon * sigma) / sensitivity;
  return normalCdf(a - b) - Math.exp(epsilon) * normalCdf(-a - b);
}

/** The smallest σ (to 1e-6 relative) for which the Gaussian mechanism is (ε, δ)-DP. */
export function gaussianSigma(sensitivity: number, epsilon: number, delta: number): number {
  if (!(epsilon > 0)) throw invalid(`ε must be > 0, not ${epsilon}`, { field: 'epsilon' });
  if (!(delta > 0 && delta < 1)) throw invalid(`δ must be in (0, 1), not ${delta}`, { field: 'delta' });
  if (!(sensitivity > 0)) throw invalid(`sensitivity must be > 0, not ${sensitivity}`, { field: 'sensitivity' });
  let lo = 1e-6 * sensitivity;
  let hi = sensitivity;
  while (gaussianDelta(hi, sensitivity, epsilon) > delta) hi *= 2;
  while ((hi - lo) / hi > 1e-6) {
    const mid = (lo + hi) / 2;
    if (gaussianDelta(mid, sensitivity, epsilon) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Uniform numbers in [0, 1): seeded for a reproducible simulation, cryptographic otherwise. */
export type Uniform = () => number;
export const cryptoUniform: Uniform = () => (randomInt(0, 2 ** 47) + 0.5) / 2 ** 47;

/** One N(0, σ²) draw (Box–Muller). */
export function gaussian(sigma: number, uniform: Uniform): number {
  const u = Math.max(uniform(), Number.MIN_VALUE);
  const v = uniform();
  return sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface Budget {
  readonly epsilon: number;
  readonly delta: number;
}

export interface Spend extends Budget {
  readonly at: string;
  readonly what: string;
}

/**
 * What one data holder has released, against its budget. Basic composition: spent ε and δ are sums
 * (a tighter accountant, e.g. zCDP or a privacy-loss-distribution one, would allow more releases for
 * the same guarantee; sums are never optimistic).
 */
export class PrivacyAccountant {
  private readonly spends: Spend[];

  constructor(
    readonly budget: Budget,
    ledger: readonly Spend[] = [],
  ) {
    if (!(budget.epsilon > 0))
      throw invalid(`budget ε must be > 0, not ${budget.epsilon}`, { field: 'budget.epsilon' });
    if (!(budget.delta >= 0 && budget.delta < 1))
      throw invalid(`budget δ must be in [0, 1), not ${budget.delta}`, { field: 'budget.delta' });
    this.spends = [...ledger];
  }

  get spent(): Budget {
    return this.spends.reduce((a, s) => ({ epsilon: a.epsilon + s.epsilon, delta: a.delta + s.delta }), {
      epsilon: 0,
      delta: 0,
    });
  }

  get ledger(): readonly Spend[] {
    return this.spends;
  }

  /** Records a release of (ε, δ); throws, recording nothing, when it would pass the budget. */
  charge(cost: Budget, what: string): Spend {
    if (!(cost.epsilon > 0) || !(cost.delta >= 0))
      throw invalid(`a release costs ε > 0 and δ ≥ 0, not (${cost.epsilon}, ${cost.delta})`, { field: 'cost' });
    const s = this.spent;
    // A relative tolerance so that, e.g., eight releases of ε = 1 fit a budget of ε = 8 despite rounding.
    const over = (used: number, add: number, cap: number) => used + add > cap * (1 + 1e-9);
    if (over(s.epsilon, cost.epsilon, this.budget.epsilon) || over(s.delta, cost.delta, this.budget.delta))
      throw invalid(
        `refused: releasing ${what} at (ε ${cost.epsilon}, δ ${cost.delta}) would spend ` +
          `(ε ${round(s.epsilon + cost.epsilon)}, δ ${s.delta + cost.delta}) ` +
          `of the budget (ε ${this.budget.epsilon}, δ ${this.budget.delta})`,
        { field: 'budget' },
      );
    const spend = { ...cost, at: new Date().toISOString(), what };
    this.spends.push(spend);
    return spend;
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
