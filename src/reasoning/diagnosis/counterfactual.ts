import type { Observations } from './evidence.js';
import type { InferenceOptions, Posterior } from './inference.js';
import { infer } from './inference.js';
import type { Network } from './network.js';

/**
 * Counterfactual diagnosis (Richens, Lee & Johri, "Improving the accuracy of medical diagnosis with
 * causal machine learning", Nature Communications 11:3923, 2020), for noisy-OR networks.
 *
 * - Expected disablement of disease k: the expected number of the patient's positive findings that
 *   would switch off if k alone were cured, E_dis(k) = Σ_{s∈F+} P(s′ = 0 | do(D_k = 0), findings).
 *   In noisy-OR, s switches off exactly when k was present, its link to s fired, and nothing else
 *   (no other disease's link, no leak) did. That event's probability equals
 *   q_ks/(1 − q_ks) · P(D_k = 1, F+∖{s}, F−∪{s}) / P(findings): the same as observing s absent
 *   with k's own factor (1 − q_ks) replaced by q_ks.
 * - Expected sufficiency: the positive findings that would stay on if every other cause were
 *   switched off, E_suf(k) = Σ_s q_ks · P(D_k = 1, F+∖{s}, F−) / P(findings).
 *
 * Both are computed with the same inference (Quickscore or enumeration) as the posterior.
 */
export interface Counterfactual {
  readonly disablement: Float64Array;
  readonly sufficiency: Float64Array;
}

export function counterfactuals(
  net: Network,
  obs: Observations,
  base: Posterior,
  diseases: readonly number[],
  options: InferenceOptions = {},
): Counterfactual {
  const n = net.diseases.length;
  const disablement = new Float64Array(n);
  const sufficiency = new Float64Array(n);
  const wanted = new Set(diseases);
  const opts: InferenceOptions = { ...options, method: base.method === 'brute-force' ? 'brute-force' : base.method };
  for (const s of obs.positive) {
    const parents = net.causes[s]!.filter((l) => wanted.has(l.to));
    if (parents.length === 0) continue;
    const rest = obs.positive.filter((f) => f !== s);
    const suf = infer(net, { positive: rest, negative: obs.negative, priors: obs.priors }, opts);
    const dis = infer(net, { positive: rest, negative: [...obs.negative, s], priors: obs.priors }, opts);
    const rSuf = Math.exp(suf.logEvidence - base.logEvidence);
    const rDis = Math.exp(dis.logEvidence - base.logEvidence);
    for (const l of parents) {
      sufficiency[l.to]! += l.q * suf.posterior[l.to]! * rSuf;
      disablement[l.to]! += (l.q / (1 - l.q)) * dis.posterior[l.to]! * rDis;
    }
  }
  return { disablement, sufficiency };
}
