import type { Calibration, Scored } from './evaluation.js';
import { calibration } from './evaluation.js';

/**
 * A calibration map for the differential's top-1 probability, learned from confirmed cases: Platt scaling
 * (Platt 1999), p' = σ(a·logit p + b), fitted by maximum likelihood with Platt's smoothed targets
 * ((n₊ + 1)/(n₊ + 2) for a hit, 1/(n₋ + 2) for a miss) and a Gaussian prior on (a, b).
 *
 * Why Platt rather than isotonic regression: a department sees tens to hundreds of confirmed cases, and
 * isotonic regression (pool-adjacent-violators) overfits below about a thousand calibration cases, where
 * Platt scaling does better (Niculescu-Mizil & Caruana, ICML 2005); its step function also ties cases the
 * network ranked apart. Two parameters rather than temperature scaling's one (Guo et al. 2017): the slope
 * corrects over- or under-confidence, the intercept a department whose case mix makes the top disease
 * right more or less often than the network's priors say.
 *
 * Per department: the hospital-wide map is fitted first (prior centred on the identity, weak), then each
 * department's map with its prior centred on the hospital-wide one (strength `shrinkage`, in pseudo-cases'
 * worth of curvature), so a department with few cases stays close to the hospital's map. The slope is kept
 * positive, so the map never reorders the differential.
 */
export interface PlattParams {
  readonly a: number;
  readonly b: number;
  /** Cases it was fitted on. */
  readonly n: number;
}

export interface CalibrationMap {
  readonly method: 'platt';
  readonly pooled: PlattParams;
  readonly departments: Readonly<Record<string, PlattParams>>;
}

export interface FitOptions {
  /** Prior precision on (a, b) around the identity for the hospital-wide map. Default 1. */
  readonly identityPrior?: number;
  /** Prior precision on a department's (a, b) around the hospital-wide map. Default 20. */
  readonly shrinkage?: number;
}

const EPS = 1e-6;
const logit = (p: number) => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const MIN_SLOPE = 0.01;

/** Penalised Platt fit by Newton's method (two parameters: a closed-form 2×2 solve per step). */
export function fitPlatt(
  points: readonly { readonly p: number; readonly hit: boolean }[],
  prior: { readonly a: number; readonly b: number; readonly precision: number },
): PlattParams {
  const nPos = points.filter((x) => x.hit).length;
  const nNeg = points.length - nPos;
  const tPos = (nPos + 1) / (nPos + 2);
  const tNeg = 1 / (nNeg + 2);
  const xs = points.map((x) => logit(x.p));
  const ts = points.map((x) => (x.hit ? tPos : tNeg));
  const lam = prior.precision;
  // The penalised negative log-likelihood (cross-entropy against the smoothed targets).
  const objective = (a: number, b: number) => {
    let f = (lam / 2) * ((a - prior.a) ** 2 + (b - prior.b) ** 2);
    for (let i = 0; i < xs.length; i++) {
      const z = a * xs[i]! + b;
      // log(1 + e^z) − t·z, computed without overflow.
      f += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - ts[i]! * z;
    }
    return f;
  };
  let a = prior.a;
  let b = prior.b;
  let current = objective(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = lam * (a - prior.a);
    let gb = lam * (b - prior.b);
    let haa = lam;
    let hab = 0;
    let hbb = lam;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const q = sigmoid(a * x + b);
      const r = q - ts[i]!;
      const w = Math.max(q * (1 - q), 1e-12);
      ga += r * x;
      gb += r;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 1e-12)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Newton's step, halved until the objective decreases (a full step can overshoot and diverge).
    let step = 1;
    let next = objective(a - da, b - db);
    while (next > current && step > 1e-6) {
      step /= 2;
      next = objective(a - step * da, b - step * db);
    }
    if (next > current) break;
    a -= step * da;
    b -= step * db;
    const moved = step * (Math.abs(da) + Math.abs(db));
    current = next;
    if (moved < 1e-9) break;
  }
  return { a: Math.max(MIN_SLOPE, round(a)), b: round(b), n: points.length };
}

const round = (x: number) => Number(x.toFixed(6));

export function fitCalibration(scored: readonly Scored[], options: FitOptions = {}): CalibrationMap {
  const points = (s: readonly Scored[]) => s.map((x) => ({ p: x.confidence, hit: x.rank === 0 }));
  const pooled = fitPlatt(points(scored), { a: 1, b: 0, precision: options.identityPrior ?? 1 });
  const departments = [...new Set(scored.flatMap((s) => (s.department ? [s.department] : [])))].sort();
  return {
    method: 'platt',
    pooled,
    departments: Object.fromEntries(
      departments.map((d) => [
        d,
        fitPlatt(points(scored.filter((s) => s.department === d)), {
          a: pooled.a,
          b: pooled.b,
          precision: options.shrinkage ?? 20,
        }),
      ]),
    ),
  };
}

/** The calibrated probability of a raw one: the department's map where it has one, else the hospital-wide map. */
export function calibrate(map: CalibrationMap, p: number, department?: string): number {
  const m = (department && map.departments[department]) || map.pooled;
  return sigmoid(m.a * logit(p) + m.b);
}

/** The same cases with each top-1 probability calibrated (ranks unchanged: the map is monotone). */
export function calibrateScored(map: CalibrationMap | null, scored: readonly Scored[]): Scored[] {
  return map ? scored.map((s) => ({ ...s, confidence: calibrate(map, s.confidence, s.department) })) : [...scored];
}

export interface CalibrationReport extends Calibration {
  readonly byDepartment: Readonly<Record<string, Calibration>>;
}

/** Brier score, ECE and reliability bins overall and per department. */
export function calibrationReport(scored: readonly Scored[]): CalibrationReport {
  const departments = [...new Set(scored.flatMap((s) => (s.department ? [s.department] : [])))].sort();
  return {
    ...calibration(scored),
    byDepartment: Object.fromEntries(
      departments.map((d) => [d, calibration(scored.filter((s) => s.department === d))]),
    ),
  };
}
