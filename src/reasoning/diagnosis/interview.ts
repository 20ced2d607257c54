import type { Answer, Observations } from './evidence.js';
import { answerFindings, withFindings } from './evidence.js';
import type { InferenceOptions, Posterior } from './inference.js';
import { infer } from './inference.js';
import type { QuestionNode } from './model.js';
import type { Network } from './network.js';
import type { QuestionChoice } from './questions.js';
import { nextQuestion } from './questions.js';

/** When to stop asking: the differential is confident, nothing left is worth asking, or the limit is reached. */
export interface InterviewPolicy {
  /** Stop when the leading disease holds this share of the differential. Default 0.9. */
  readonly confidence?: number;
  /** Default 20. */
  readonly maxQuestions?: number;
  /** Stop when the best question is expected to tell less than this (nats). Default 0.005. */
  readonly minGain?: number;
  /** Diseases considered when choosing questions. Default 30. */
  readonly topN?: number;
  /** The chance the patient can answer each question (see `QuestionOptions.answerRate`). */
  readonly answerRate?: (question: QuestionNode) => number;
  readonly inference?: InferenceOptions;
}

export const defaultPolicy = { confidence: 0.9, maxQuestions: 20, minGain: 0.005, topN: 30 } as const;

/** The share of the leading disease among the `topN` most probable (the differential as read). */
export function leadingShare(posterior: Float64Array, topN = 30): { index: number; share: number } {
  const order = [...posterior.keys()].sort((a, b) => posterior[b]! - posterior[a]!).slice(0, topN);
  const total = order.reduce((s, d) => s + posterior[d]!, 0);
  return { index: order[0] ?? -1, share: total > 0 ? posterior[order[0]!]! / total : 0 };
}

export type StopReason = 'confident' | 'limit' | 'no-informative-question';

/** The next question, or why to stop. */
export function decideNext(
  net: Network,
  obs: Observations,
  post: Posterior,
  asked: ReadonlySet<number>,
  policy: InterviewPolicy = {},
): { question: QuestionChoice } | { stop: StopReason } {
  const p = { ...defaultPolicy, ...policy };
  if (asked.size >= p.maxQuestions) return { stop: 'limit' };
  if (leadingShare(post.posterior, p.topN).share >= p.confidence) return { stop: 'confident' };
  const q = nextQuestion(net, obs, post.posterior, {
    asked,
    topN: p.topN,
    ...(policy.answerRate ? { answerRate: policy.answerRate } : {}),
  });
  if (!q || q.gain < p.minGain) return { stop: 'no-informative-question' };
  return { question: q };
}

export interface InterviewTurn {
  readonly question: QuestionNode;
  readonly answer: Answer;
  readonly gain: number;
}

/**
 * Runs a whole interview against an answering function (a simulated patient): asks, updates the
 * posterior, and stops by the policy. `alreadyAsked` = questions settled before the interview
 * (e.g. the chief complaint's own question); they count towards neither the limit nor the length.
 */
export function runInterview(
  net: Network,
  start: Observations,
  answer: (q: QuestionNode) => Answer,
  policy: InterviewPolicy = {},
  alreadyAsked: readonly number[] = [],
): { observations: Observations; posterior: Posterior; turns: InterviewTurn[]; stop: StopReason } {
  let obs = start;
  let post = infer(net, obs, policy.inference);
  const asked = new Set<number>(alreadyAsked);
  const turns: InterviewTurn[] = [];
  const limit = (policy.maxQuestions ?? defaultPolicy.maxQuestions) + alreadyAsked.length;
  for (;;) {
    const next = decideNext(net, obs, post, asked, { ...policy, maxQuestions: limit });
    if ('stop' in next) return { observations: obs, posterior: post, turns, stop: next.stop };
    const q = next.question;
    asked.add(q.index);
    const a = answer(q.question);
    const settled = answerFindings(q.question, a);
    obs = withFindings(net, obs, settled.present, settled.absent);
    post = infer(net, obs, policy.inference);
    turns.push({ question: q.question, answer: a, gain: q.gain });
  }
}
