import { invalid } from '../../core/index.js';
import type { Observations } from './evidence.js';
import type { Network } from './network.js';

/**
 * Posterior marginals P(disease present | findings) in the noisy-OR network.
 *
 * - `quickscore`: exact. Heckerman's Quickscore (UAI 1989): negative findings factorise into each
 *   disease's prior, positive ones are summed out by inclusion–exclusion over their 2^|F+| subsets.
 * - `enumeration`: the approximation for many positives. Sums the exact joint over every disease
 *   configuration with at most K present diseases (K = 2 by default; pairs and triples among the
 *   strongest single diseases), the search-based scheme of Henrion (1991) for QMR-DT. The result is
 *   the exact posterior conditioned on the configuration lying in the enumerated set E, so its
 *   error on any marginal is at most P(configuration ∉ E | findings); tests check this bound and
 *   the absolute error against brute force on small networks.
 * - `brute-force`: all 2^n configurations; the reference for tests on small networks.
 *
 * Findings neither positive nor negative are unknown and marginalise out (noisy-OR leaves them no trace).
 */
export interface Posterior {
  readonly posterior: Float64Array;
  /** log P(findings) (with the enumeration: a lower bound). */
  readonly logEvidence: number;
  readonly method: 'quickscore' | 'enumeration' | 'brute-force';
}

export interface InferenceOptions {
  /** Quickscore up to this many positives (2^n terms); enumeration beyond. Default 8. */
  readonly maxExactPositives?: number;
  /**
   * Largest number of concurrent diseases enumerated (1–4). Default 2. A patient record with several
   * problems (heart failure, atrial fibrillation, CKD and hyperkalaemia at once) needs 4: with 2, a
   * third disease that alone explains one finding is squeezed out of the enumerated set.
   */
  readonly maxConcurrent?: number;
  /** Pairs are formed among this many strongest single diseases. Default 40. */
  readonly pairBeam?: number;
  /** Triples among this many. Default 12. */
  readonly tripleBeam?: number;
  /** Quadruples among this many. Default 9. */
  readonly quadBeam?: number;
  readonly method?: Posterior['method'];
}

export function infer(net: Network, obs: Observations, options: InferenceOptions = {}): Posterior {
  const method =
    options.method ?? (obs.positive.length <= (options.maxExactPositives ?? 8) ? 'quickscore' : 'enumeration');
  if (method === 'quickscore') return quickscore(net, obs);
  if (method === 'brute-force') return bruteForce(net, obs);
  return enumeration(net, obs, options);
}

/** Shared set-up: per-disease log c_i(F−) = Σ_{j∈F−} log(1 − q_ij), and which diseases touch a positive. */
function prepare(net: Network, obs: Observations) {
  const n = net.diseases.length;
  const logNeg = new Float64Array(n);
  let leakNeg = 0;
  for (const f of obs.negative) {
    leakNeg += net.logNoLeak[f]!;
    for (const l of net.causes[f]!) logNeg[l.to]! += l.lq;
  }
  const posIndex = new Map<number, number>();
  obs.positive.forEach((f, k) => {
    posIndex.set(f, k);
  });
  const m = obs.positive.length;
  const candidateOf = new Int32Array(n).fill(-1);
  const candidates: number[] = [];
  // lqPos[c*m + k] = log(1 − q) from candidate c to positive k (0 when no edge).
  for (const f of obs.positive) {
    for (const l of net.causes[f]!) {
      if (candidateOf[l.to] === -1) {
        candidateOf[l.to] = candidates.length;
        candidates.push(l.to);
      }
    }
  }
  const lqPos = new Float64Array(candidates.length * m);
  candidates.forEach((d, c) => {
    for (const l of net.effects[d]!) {
      const k = posIndex.get(l.to);
      if (k !== undefined) lqPos[c * m + k] = l.lq;
    }
  });
  // Diseases touching no positive: independent of the rest given the findings, posterior in closed form.
  const posterior = new Float64Array(n);
  let constant = leakNeg;
  for (let i = 0; i < n; i++) {
    if (candidateOf[i] !== -1) continue;
    const p = obs.priors[i]!;
    const pc = p * Math.exp(logNeg[i]!);
    const z = 1 - p + pc;
    posterior[i] = pc / z;
    constant += Math.log(z);
  }
  return { n, m, logNeg, candidates, lqPos, posterior, constant };
}

export function quickscore(net: Network, obs: Observations): Posterior {
  const { m, logNeg, candidates, lqPos, posterior, constant } = prepare(net, obs);
  if (m > 24)
    throw invalid(`Quickscore over ${m} positive findings is infeasible (2^${m} terms)`, { field: 'positive' });
  const nc = candidates.length;
  const p = candidates.map((d) => obs.priors[d]!);
  const logc = new Float64Array(nc);
  for (let c = 0; c < nc; c++) logc[c] = logNeg[candidates[c]!]!;
  let leakSub = 0;
  // Accumulators scaled by exp(−M), M the running maximum of the term logs (rescaled when it grows).
  let M = Number.NEGATIVE_INFINITY;
  let total = 0;
  const joint = new Float64Array(nc);
  // Per candidate: its factor log(1 − p + p·c) and its share p·c / (1 − p + p·c), recomputed only
  // when a positive it causes flips (on a 10k-disease network most candidates touch one positive).
  const factor = new Float64Array(nc);
  const share = new Float64Array(nc);
  const update = (c: number) => {
    const pc = p[c]! * Math.exp(logc[c]!);
    const d = pc - p[c]!; // z − 1, kept apart so that log1p stays exact for rare diseases
    factor[c] = Math.log1p(d);
    share[c] = pc / (1 + d);
  };
  for (let c = 0; c < nc; c++) update(c);
  const touching: number[][] = Array.from({ length: m }, () => []);
  for (let c = 0; c < nc; c++) for (let k = 0; k < m; k++) if (lqPos[c * m + k] !== 0) touching[k]!.push(c);
  const total2 = 1 << m;
  for (let step = 0; step < total2; step++) {
    // Gray code: subset g(step) differs from g(step − 1) by one positive, flipped in or out.
    const gray = step ^ (step >> 1);
    if (step > 0) {
      const bit = 31 - Math.clz32(gray ^ ((step - 1) ^ ((step - 1) >> 1)));
      const entering = (gray >> bit) & 1;
      const sign = entering ? 1 : -1;
      leakSub += sign * net.logNoLeak[obs.positive[bit]!]!;
      for (const c of touching[bit]!) {
        logc[c]! += sign * lqPos[c * m + bit]!;
        update(c);
      }
    }
    let L = leakSub;
    for (let c = 0; c < nc; c++) L += factor[c]!;
    if (L > M) {
      const scale = Number.isFinite(M) ? Math.exp(M - L) : 0;
      total *= scale;
      for (let c = 0; c < nc; c++) joint[c]! *= scale;
      M = L;
    }
    const sgn = popcount(gray) & 1 ? -1 : 1;
    const w = sgn * Math.exp(L - M);
    total += w;
    // Replace disease c's factor (1 − p + p·c) by p·c: the term of P(d_c present, findings).
    for (let c = 0; c < nc; c++) joint[c]! += w * share[c]!;
  }
  candidates.forEach((d, c) => {
    posterior[d] = clamp01(joint[c]! / total);
  });
  return { posterior, logEvidence: constant + M + Math.log(Math.max(total, Number.MIN_VALUE)), method: 'quickscore' };
}

/** log of the joint weight of a configuration (candidate indices), relative to "no candidate present". */
function configLogWeight(
  cfg: readonly number[],
  a: Float64Array,
  lqPos: Float64Array,
  m: number,
  leakPos: Float64Array,
): number {
  let w = 0;
  for (const c of cfg) w += a[c]!;
  for (let k = 0; k < m; k++) {
    let lnone = leakPos[k]!;
    for (const c of cfg) lnone += lqPos[c * m + k]!;
    // log(1 − exp(lnone)) = log P(positive k present | configuration)
    w += lnone > -1e-300 ? Number.NEGATIVE_INFINITY : Math.log(-Math.expm1(lnone));
  }
  return w;
}

export function enumeration(net: Network, obs: Observations, options: InferenceOptions = {}): Posterior {
  const { m, logNeg, candidates, lqPos, posterior, constant } = prepare(net, obs);
  const K = Math.min(Math.max(options.maxConcurrent ?? 2, 1), 4);
  const nc = candidates.length;
  const a = new Float64Array(nc);
  let logAllAbsent = 0;
  candidates.forEach((d, c) => {
    const p = obs.priors[d]!;
    a[c] = Math.log(p) + logNeg[d]! - Math.log1p(-p);
    logAllAbsent += Math.log1p(-p);
  });
  const leakPos = new Float64Array(m);
  obs.positive.forEach((f, k) => {
    leakPos[k] = net.logNoLeak[f]!;
  });
  const configs: number[][] = [[]];
  const weights: number[] = [configLogWeight([], a, lqPos, m, leakPos)];
  const single = new Float64Array(nc);
  for (let c = 0; c < nc; c++) {
    single[c] = configLogWeight([c], a, lqPos, m, leakPos);
    configs.push([c]);
    weights.push(single[c]!);
  }
  const order = [...Array(nc).keys()].sort((x, y) => single[y]! - single[x]!);
  if (K >= 2) {
    const top = beam(order, options.pairBeam ?? 40, a, lqPos, m);
    for (let x = 0; x < top.length; x++)
      for (let y = x + 1; y < top.length; y++) {
        const cfg = [top[x]!, top[y]!];
        configs.push(cfg);
        weights.push(configLogWeight(cfg, a, lqPos, m, leakPos));
      }
  }
  if (K >= 3) {
    const top = beam(order, options.tripleBeam ?? 12, a, lqPos, m);
    for (let x = 0; x < top.length; x++)
      for (let y = x + 1; y < top.length; y++)
        for (let z = y + 1; z < top.length; z++) {
          const cfg = [top[x]!, top[y]!, top[z]!];
          configs.push(cfg);
          weights.push(configLogWeight(cfg, a, lqPos, m, leakPos));
        }
  }
  if (K >= 4) {
    const top = beam(order, options.quadBeam ?? 9, a, lqPos, m);
    for (let x = 0; x < top.length; x++)
      for (let y = x + 1; y < top.length; y++)
        for (let z = y + 1; z < top.length; z++)
          for (let u = z + 1; u < top.length; u++) {
            const cfg = [top[x]!, top[y]!, top[z]!, top[u]!];
            configs.push(cfg);
            weights.push(configLogWeight(cfg, a, lqPos, m, leakPos));
          }
  }
  const M = Math.max(...weights);
  let total = 0;
  const mass = new Float64Array(nc);
  for (let i = 0; i < configs.length; i++) {
    const w = Math.exp(weights[i]! - M);
    total += w;
    for (const c of configs[i]!) mass[c]! += w;
  }
  candidates.forEach((d, c) => {
    posterior[d] = clamp01(mass[c]! / total);
  });
  return { posterior, logEvidence: constant + logAllAbsent + M + Math.log(total), method: 'enumeration' };
}

/**
 * The candidates combined into pairs, triples or quadruples: the `size` strongest single diseases,
 * and for each positive finding the disease that best explains it alone (largest prior odds times
 * P(finding | disease), with the negatives), at most 2·`size` more, strongest single first. On a
 * release of thousands of diseases the strongest singles are near-duplicates explaining the same
 * findings (heart failure, its subtypes, syndromes that include it), so a patient's other problems
 * (atrial fibrillation shown by its ECG, osteoarthritis) were never in a combination.
 */
function beam(order: readonly number[], size: number, a: Float64Array, lqPos: Float64Array, m: number): number[] {
  const top = order.slice(0, size);
  const inTop = new Set(top);
  const extra = new Set<number>();
  for (let k = 0; k < m; k++) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const c of order) {
      const lq = lqPos[c * m + k]!;
      if (lq === 0) continue;
      const score = a[c]! + Math.log(-Math.expm1(lq));
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    if (best >= 0 && !inTop.has(best)) extra.add(best);
  }
  const rank = new Map(order.map((c, i) => [c, i]));
  return [...top, ...[...extra].sort((x, y) => rank.get(x)! - rank.get(y)!).slice(0, 2 * size)];
}

/** Exact by summing over all 2^n disease configurations; for tests and tiny networks (n ≤ 20). */
export function bruteForce(net: Network, obs: Observations): Posterior {
  const n = net.diseases.length;
  if (n > 20) throw invalid(`brute force over ${n} diseases is infeasible`, { field: 'diseases' });
  const q = (d: number, f: number) => net.effects[d]!.find((l) => l.to === f)?.q ?? 0;
  const posterior = new Float64Array(n);
  const logs: number[] = [];
  for (let s = 0; s < 1 << n; s++) {
    let lw = 0;
    for (let i = 0; i < n; i++) lw += (s >> i) & 1 ? Math.log(obs.priors[i]!) : Math.log1p(-obs.priors[i]!);
    for (const f of obs.negative) {
      let off = 1 - net.leak[f]!;
      for (let i = 0; i < n; i++) if ((s >> i) & 1) off *= 1 - q(i, f);
      lw += Math.log(off);
    }
    for (const f of obs.positive) {
      let off = 1 - net.leak[f]!;
      for (let i = 0; i < n; i++) if ((s >> i) & 1) off *= 1 - q(i, f);
      lw += Math.log(1 - off);
    }
    logs.push(lw);
  }
  const M = Math.max(...logs);
  let total = 0;
  logs.forEach((lw, s) => {
    const w = Math.exp(lw - M);
    total += w;
    for (let i = 0; i < n; i++) if ((s >> i) & 1) posterior[i]! += w;
  });
  for (let i = 0; i < n; i++) posterior[i]! /= total;
  return { posterior, logEvidence: M + Math.log(total), method: 'brute-force' };
}

function popcount(x: number): number {
  let c = 0;
  let v = x;
  while (v) {
    v &= v - 1;
    c++;
  }
  return c;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
