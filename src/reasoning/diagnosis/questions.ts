import type { Observations } from './evidence.js';
import type { QuestionNode } from './model.js';
import type { Network } from './network.js';

/**
 * The next best question: the one whose answer is expected to tell most about the differential,
 * measured on a danger-weighted differential so that questions separating a dangerous disease from
 * its look-alikes come first (a missed pulmonary embolism costs more than a missed cold).
 *
 * The differential is the posterior over the `topN` most probable diseases, normalised (one disease
 * at a time, as a clinician's differential is read), then re-weighted by `dangerWeight(severity)`.
 * - yes/no questions: exact expected information gain (mutual information, nats).
 * - questions with several options (pain location: 165 sites): the answer is a vector of findings,
 *   independent given the disease, whose mixture entropy has no closed form; we use the pairwise
 *   Bhattacharyya lower bound of Kolchinsky & Tracey (Entropy 2017, "Estimating mixture entropy
 *   with pairwise distances"): I ≥ −Σ_i π_i log Σ_j π_j exp(−D_B(i, j)).
 */
export interface QuestionChoice {
  readonly question: QuestionNode;
  readonly index: number;
  /** Expected information gain on the weighted differential, in nats. */
  readonly gain: number;
}

export interface QuestionOptions {
  readonly topN?: number;
  readonly dangerWeight?: (severity: number | undefined) => number;
  /** Questions already asked (by index), skipped. */
  readonly asked?: ReadonlySet<number>;
  /**
   * The chance that the patient can answer the question at all (yes/no rather than "don't know").
   * When "don't know" is independent of the disease, I(D; answer) = rate × I(D; finding), so the
   * gain is scaled by it: questions patients cannot answer are worth less. Default 1.
   */
  readonly answerRate?: (question: QuestionNode) => number;
}

/** Severity 1 (life-threatening) weighs 2.5×, 2 → 2×, 3 → 1.5×, 4–5 → 1×. */
export function defaultDangerWeight(severity: number | undefined): number {
  return severity === undefined ? 1 : 1 + Math.max(0, 4 - severity) * 0.5;
}

export function rankQuestions(
  net: Network,
  obs: Observations,
  posterior: Float64Array,
  options: QuestionOptions = {},
): QuestionChoice[] {
  const topN = options.topN ?? 30;
  const weight = options.dangerWeight ?? defaultDangerWeight;
  const order = [...posterior.keys()].sort((a, b) => posterior[b]! - posterior[a]!).slice(0, topN);
  const pi = order.map((d) => posterior[d]! * weight(net.diseases[d]!.severity));
  const z = pi.reduce((s, x) => s + x, 0) || 1;
  for (let i = 0; i < pi.length; i++) pi[i]! /= z;
  const known = new Set([...obs.positive, ...obs.negative]);
  const positive = new Set(obs.positive);
  // Which questions can tell anything: those with an option caused by a disease in the differential.
  const relevant = new Map<number, Map<number, Map<number, number>>>(); // question → disease slot → option → q
  order.forEach((d, i) => {
    for (const l of net.effects[d]!) {
      if (known.has(l.to)) continue;
      const qi = net.questionOfFinding[l.to]!;
      if (qi < 0 || options.asked?.has(qi)) continue;
      let byDisease = relevant.get(qi);
      if (!byDisease) {
        byDisease = new Map();
        relevant.set(qi, byDisease);
      }
      let opts = byDisease.get(i);
      if (!opts) {
        opts = new Map();
        byDisease.set(i, opts);
      }
      opts.set(l.to, l.q);
    }
  });
  const out: QuestionChoice[] = [];
  for (const [qi, byDisease] of relevant) {
    const q = net.questions[qi]!;
    if (q.askIf !== undefined) {
      const parent = net.findingIndex.get(q.askIf);
      if (parent !== undefined && !positive.has(parent)) continue;
    }
    const findings = q.options.map((o) => net.findingIndex.get(o.finding)!).filter((f) => !known.has(f));
    if (findings.length === 0) continue;
    const rate = options.answerRate ? Math.max(0, Math.min(1, options.answerRate(q))) : 1;
    const gain =
      rate *
      (findings.length === 1
        ? binaryGain(net, findings[0]!, pi, byDisease)
        : vectorGainLowerBound(net, findings, pi, byDisease));
    out.push({ question: q, index: qi, gain });
  }
  return out.sort((a, b) => b.gain - a.gain || a.question.id.localeCompare(b.question.id));
}

export function nextQuestion(
  net: Network,
  obs: Observations,
  posterior: Float64Array,
  options: QuestionOptions = {},
): QuestionChoice | undefined {
  return rankQuestions(net, obs, posterior, options)[0];
}

const h = (p: number) => (p <= 0 || p >= 1 ? 0 : -p * Math.log(p) - (1 - p) * Math.log(1 - p));

function binaryGain(
  net: Network,
  f: number,
  pi: readonly number[],
  byDisease: ReadonlyMap<number, ReadonlyMap<number, number>>,
): number {
  // I(D; F) = H(F) − Σ_d π_d H(F | d), with P(F | d) = 1 − (1 − leak)(1 − q_df).
  const leak = net.leak[f]!;
  let pf = 0;
  let cond = 0;
  for (let i = 0; i < pi.length; i++) {
    const q = byDisease.get(i)?.get(f) ?? 0;
    const p = 1 - (1 - leak) * (1 - q);
    pf += pi[i]! * p;
    cond += pi[i]! * h(p);
  }
  return Math.max(0, h(pf) - cond);
}

function vectorGainLowerBound(
  net: Network,
  findings: readonly number[],
  pi: readonly number[],
  byDisease: ReadonlyMap<number, ReadonlyMap<number, number>>,
): number {
  const wanted = new Set(findings);
  // Sparse likelihoods, sorted by finding: per disease slot, the options it has an edge to.
  // An option no disease of the pair causes has the leak for both and adds nothing to the distance.
  const n = pi.length;
  const idx: Int32Array[] = [];
  const prob: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const entries = [...(byDisease.get(i) ?? [])].filter(([f]) => wanted.has(f)).sort((a, b) => a[0] - b[0]);
    idx.push(Int32Array.from(entries.map(([f]) => f)));
    prob.push(Float64Array.from(entries.map(([f, q]) => 1 - (1 - net.leak[f]!) * (1 - q))));
  }
  const term = (p: number, r: number) => -Math.log(Math.sqrt(p * r) + Math.sqrt((1 - p) * (1 - r)));
  const bd = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const ai = idx[i]!;
      const aj = idx[j]!;
      const pi_ = prob[i]!;
      const pj = prob[j]!;
      let d = 0;
      let x = 0;
      let y = 0;
      while (x < ai.length || y < aj.length) {
        const fx = x < ai.length ? ai[x]! : Number.MAX_SAFE_INTEGER;
        const fy = y < aj.length ? aj[y]! : Number.MAX_SAFE_INTEGER;
        if (fx === fy) {
          d += term(pi_[x]!, pj[y]!);
          x++;
          y++;
        } else if (fx < fy) {
          d += term(pi_[x]!, net.leak[fx]!);
          x++;
        } else {
          d += term(net.leak[fy]!, pj[y]!);
          y++;
        }
      }
      bd[i * n + j] = d;
      bd[j * n + i] = d;
    }
  let gain = 0;
  for (let i = 0; i < n; i++) {
    if (pi[i]! === 0) continue;
    let s = 0;
    for (let j = 0; j < n; j++) s += pi[j]! * Math.exp(-bd[i * n + j]!);
    gain -= pi[i]! * Math.log(s);
  }
  return Math.max(0, gain);
}
