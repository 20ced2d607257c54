import type { Observations } from './evidence.js';
import type { DxyRecord } from './dxy.js';
import { infer } from './inference.js';
import type { Network } from './network.js';

/**
 * The DXY simulated patient as a model of its answers. In the data's protocol (Xu et al. 2019;
 * Chen et al. 2022, Diaformer) a question about a symptom is answered yes / no when the symptom is
 * in the record's implicit set and "not sure" otherwise, and whether a symptom was discussed at all
 * depends on the disease (doctors ask about pneumonia's crackles, not a cold's). So each question
 * has three answers, and "not sure" is evidence too: P(answer | disease, symptom) is learned per
 * disease from the training records in which the symptom was not self-reported (Dirichlet-smoothed
 * counts of true / false / absent implicit slots).
 *
 * The posterior combines the noisy-OR network on the self-reported symptoms with these answer
 * likelihoods (the answers are treated as independent given the disease, as the noisy-OR treats
 * findings); the next question maximises the exact mutual information between the disease and the
 * three-valued answer.
 */
export type DxyAnswer = 'yes' | 'no' | 'unknown';
const ANSWERS: readonly DxyAnswer[] = ['yes', 'no', 'unknown'];

export interface DxyAnswerModel {
  readonly diseases: readonly string[];
  /** symptom → disease index (in `diseases`) → [P(yes), P(no), P(unknown)]. */
  readonly table: ReadonlyMap<string, readonly (readonly [number, number, number])[]>;
}

export function learnDxyAnswerModel(train: readonly DxyRecord[], alpha = 1): DxyAnswerModel {
  const diseases = [...new Set(train.map((r) => r.disease_tag))].sort();
  const symptoms = [
    ...new Set(
      train.flatMap((r) => [
        ...Object.keys(r.goal.explicit_inform_slots),
        ...Object.keys(r.goal.implicit_inform_slots),
      ]),
    ),
  ].sort();
  const table = new Map<string, [number, number, number][]>();
  for (const s of symptoms) {
    table.set(
      s,
      diseases.map((d) => {
        const open = train.filter((r) => r.disease_tag === d && r.goal.explicit_inform_slots[s] === undefined);
        const yes = open.filter((r) => r.goal.implicit_inform_slots[s] === true).length;
        const no = open.filter((r) => r.goal.implicit_inform_slots[s] === false).length;
        const z = open.length + 3 * alpha;
        return [(yes + alpha) / z, (no + alpha) / z, (open.length - yes - no + alpha) / z];
      }),
    );
  }
  return { diseases, table };
}

const xlogx = (p: number) => (p > 0 ? p * Math.log(p) : 0);

/** I(D; answer) in nats for a differential `pi` over `model.diseases`. */
export function dxyAnswerGain(model: DxyAnswerModel, symptom: string, pi: ArrayLike<number>): number {
  const rows = model.table.get(symptom);
  if (!rows) return 0;
  let hA = 0;
  let hAD = 0;
  for (let a = 0; a < 3; a++) {
    let pa = 0;
    for (let d = 0; d < rows.length; d++) {
      pa += pi[d]! * rows[d]![a]!;
      hAD -= pi[d]! * xlogx(rows[d]![a]!);
    }
    hA -= xlogx(pa);
  }
  return Math.max(0, hA - hAD);
}

export interface DxyInterviewPolicy {
  /** Stop when the leading disease reaches this probability. */
  readonly confidence: number;
  /** Stop when the best question is expected to tell less than this (nats). */
  readonly minGain: number;
  readonly maxQuestions: number;
}

export interface DxyInterview {
  /** Over `model.diseases`. */
  readonly posterior: Float64Array;
  readonly diagnosis: string;
  readonly turns: readonly { symptom: string; answer: DxyAnswer; gain: number }[];
}

/**
 * Interviews from the self-report `start` (positives/negatives on `net`); `exclude` = symptoms
 * already settled by the self-report, never asked.
 */
export function runDxyInterview(
  net: Network,
  model: DxyAnswerModel,
  start: Observations,
  exclude: ReadonlySet<string>,
  answer: (symptom: string) => DxyAnswer,
  policy: DxyInterviewPolicy,
): DxyInterview {
  const base = infer(net, start).posterior;
  const post = Float64Array.from(model.diseases, (d) => {
    const i = net.diseases.findIndex((x) => x.id === d);
    return i < 0 ? 0 : base[i]!;
  });
  normalise(post);
  const turns: { symptom: string; answer: DxyAnswer; gain: number }[] = [];
  const asked = new Set(exclude);
  while (turns.length < policy.maxQuestions && Math.max(...post) < policy.confidence) {
    let best: { symptom: string; gain: number } | undefined;
    for (const s of model.table.keys()) {
      if (asked.has(s)) continue;
      const gain = dxyAnswerGain(model, s, post);
      if (!best || gain > best.gain) best = { symptom: s, gain };
    }
    if (!best || best.gain < policy.minGain) break;
    asked.add(best.symptom);
    const a = answer(best.symptom);
    const rows = model.table.get(best.symptom)!;
    const k = ANSWERS.indexOf(a);
    for (let d = 0; d < post.length; d++) post[d]! *= rows[d]![k]!;
    normalise(post);
    turns.push({ symptom: best.symptom, answer: a, gain: best.gain });
  }
  let top = 0;
  for (let d = 1; d < post.length; d++) if (post[d]! > post[top]!) top = d;
  return { posterior: post, diagnosis: model.diseases[top]!, turns };
}

function normalise(p: Float64Array): void {
  const z = p.reduce((s, x) => s + x, 0);
  if (z > 0) for (let i = 0; i < p.length; i++) p[i]! /= z;
}
