import type { Answer, DdxPatient, Network } from '../src/reasoning/index.js';
import {
  compileNetwork,
  counterfactuals,
  ddxPatientCase,
  entryFindings,
  infer,
  answerFindings,
  leadingShare,
  learnDdxModel,
  nextQuestion,
  resolveCase,
  runInterview,
  withFindings,
} from '../src/reasoning/index.js';
import type { DdxKnowledge } from '../src/reasoning/index.js';
import { join } from 'node:path';
import { ddxDir, loadDdxKnowledge, rowKey, trainEvalSplit } from './diagnosis-lib/ddx-data.js';
import type { Benchmark } from './lib/harness.js';
import { chooseHalf, parseHalf } from './lib/harness.js';

/**
 * DDXPlus (Fansi Tchango et al., NeurIPS 2022). Metrics as in the paper: GTPA@k (ground truth in
 * the top k), and the differential against the data set's own: both lists drop pathologies with
 * mass ≤ 0.01, then DDR (recall), DDP (precision), DDF1 per patient, averaged. DDF1@k compares our
 * top k with the data set's top k. IL = questions asked (0 with all evidence given).
 *
 * Learning: from `--train FILE` only (rows also in --data are dropped from it); without --train,
 * the even rows of the shared patients file train and its odd rows are scored. Halves of the scored
 * patients (bench/lib/harness.ts devReportHalf, keyed by the row's content, since DDXPlus rows carry
 * no id): `--split report` (the default, what the README shows), `dev`, or `all`. What was looked at
 * before the halves existed: all odd rows (every figure in git history is on all 652 of them, and the
 * default confidence 0.9 / minGain 0.005 and the danger weights were set with those figures in view),
 * so the report half is not unseen data; it is reported anyway. From issue 23 on: dev half only.
 */
const published = [
  {
    method: 'AARLC (trained with differential)',
    il: 14.1,
    gtpa1: 61.74,
    gtpa3: 91.51,
    gtpa5: 96.6,
    ddf1_1: 71.59,
    ddf1_3: 71.14,
    ddf1_5: 72.53,
  },
  {
    method: 'AARLC (without differential)',
    il: 7.27,
    gtpa1: 98.86,
    gtpa3: 99.79,
    gtpa5: 99.93,
    ddf1_1: 72.73,
    ddf1_3: 51.25,
    ddf1_5: 41.05,
  },
  {
    method: 'BASD (trained with differential)',
    il: 17.46,
    gtpa1: 68.23,
    gtpa3: 91.35,
    gtpa5: 96.0,
    ddf1_1: 79.59,
    ddf1_3: 75.27,
    ddf1_5: 76.36,
  },
  {
    method: 'BASD (without differential)',
    il: 17.85,
    gtpa1: 96.65,
    gtpa3: 98.32,
    gtpa5: 98.34,
    ddf1_1: 71.35,
    ddf1_3: 51.25,
    ddf1_5: 41.05,
  },
];

const f1 = (ours: readonly string[], gold: readonly string[]) => {
  const g = new Set(gold);
  const hit = ours.filter((x) => g.has(x)).length;
  const r = gold.length ? hit / gold.length : 0;
  const p = ours.length ? hit / ours.length : 0;
  return { r, p, f: r + p > 0 ? (2 * r * p) / (r + p) : 0 };
};

function patientAnswer(p: DdxPatient): (q: { id: string; kind: string }) => Answer {
  const byQuestion = new Map<string, string[]>();
  for (const e of p.evidences) {
    const [name, value] = e.split('_@_') as [string, string | undefined];
    byQuestion.set(name, [...(byQuestion.get(name) ?? []), ...(value !== undefined ? [value] : [])]);
  }
  // The data set's convention: an evidence not listed is absent.
  return (q) => {
    const v = byQuestion.get(q.id);
    if (v === undefined) return { kind: 'no' };
    return q.kind === 'binary' ? { kind: 'yes' } : { kind: 'values', values: v };
  };
}

const valuesOf = (a: Answer): (string | number)[] => (a.kind === 'values' ? [...a.values] : []);

function startOf(net: Network, kb: DdxKnowledge, p: DdxPatient) {
  const init = entryFindings(kb, p.initialEvidence);
  const answer = patientAnswer(p);
  const q0 = net.questions[net.questionIndex.get(init.question)!]!;
  const start = resolveCase(net, {
    age: p.age,
    sex: p.sex,
    findings: q0.kind === 'binary' ? [{ id: q0.id }] : [{ id: q0.id, value: valuesOf(answer(q0)) }],
  });
  return { start, answer, first: net.questionIndex.get(init.question)! };
}

/**
 * The interview run to the limit, recording after each answer the leading share, whether the top
 * disease is right, and the gain of the next question: every (confidence, minGain) stopping rule
 * is a prefix of it (question choice does not depend on the rule), so one pass scores them all.
 */
function trajectory(net: Network, kb: DdxKnowledge, p: DdxPatient, maxQuestions: number) {
  const { start, answer, first } = startOf(net, kb, p);
  let obs = start;
  let post = infer(net, obs);
  const asked = new Set([first]);
  const share: number[] = [];
  const correct: boolean[] = [];
  const gain: number[] = [];
  for (let t = 0; ; t++) {
    const lead = leadingShare(post.posterior, 30);
    share.push(lead.share);
    correct.push(net.diseases[lead.index]?.id === p.pathology);
    const q = t < maxQuestions ? nextQuestion(net, obs, post.posterior, { asked, topN: 30 }) : undefined;
    if (!q) {
      gain.push(-1);
      return { share, correct, gain };
    }
    gain.push(q.gain);
    asked.add(q.index);
    const settled = answerFindings(q.question, answer(q.question));
    obs = withFindings(net, obs, settled.present, settled.absent);
    post = infer(net, obs);
  }
}

const stopAt = (tr: { share: number[]; gain: number[] }, confidence: number, minGain: number) => {
  for (let t = 0; ; t++) if (tr.gain[t]! < 0 || tr.share[t]! >= confidence || tr.gain[t]! < minGain) return t;
};

/** AARLC's interaction length on DDXPlus (Fansi Tchango et al. 2022, table 3): the question budget. */
const AARLC_IL = 7.27;

/**
 * Chooses (confidence, minGain) by 3-fold cross-validation inside the training rows only: the
 * highest GTPA@1 whose mean questions stay within AARLC's 7.27 (fewest questions among ties).
 */
function crossValidatePolicy(
  kb: DdxKnowledge,
  train: readonly DdxPatient[],
  label: string,
  maxQuestions: number,
  log: (s: string) => void,
) {
  const folds = 3;
  const trajectories: { share: number[]; correct: boolean[]; gain: number[] }[] = [];
  for (let k = 0; k < folds; k++) {
    const net = compileNetwork(
      learnDdxModel(
        kb,
        train.filter((_, i) => i % folds !== k),
        { trainingLabel: `${label}, CV fold ${k}` },
      ),
    );
    for (const p of train.filter((_, i) => i % folds === k)) trajectories.push(trajectory(net, kb, p, maxQuestions));
    log(`CV fold ${k + 1}/${folds} done`);
  }
  const grid = [0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995].flatMap((confidence) =>
    [0, 0.001, 0.002, 0.005, 0.01, 0.02].map((minGain) => ({ confidence, minGain })),
  );
  const scored = grid.map((g) => {
    let hit = 0;
    let q = 0;
    for (const tr of trajectories) {
      const t = stopAt(tr, g.confidence, g.minGain);
      q += t;
      if (tr.correct[t]) hit++;
    }
    return {
      ...g,
      gtpa1: Number(((100 * hit) / trajectories.length).toFixed(2)),
      il: Number((q / trajectories.length).toFixed(2)),
    };
  });
  const within = scored.filter((s) => s.il <= AARLC_IL);
  const pool = within.length ? within : scored;
  const best = Math.max(...pool.map((s) => s.gtpa1));
  const chosen = pool.filter((s) => s.gtpa1 === best).sort((a, b) => a.il - b.il)[0]!;
  return { chosen, scored, n: trajectories.length, folds };
}

export default {
  name: 'ddxplus',
  description:
    'DDXPlus: GTPA@k, DDR/DDP/DDF1 against the data set differential, full evidence or simulated consultation',
  defaultData: '../shared/data/ddxplus/patients_part1.csv',
  learns: true,
  async run({ data, train: trainFile, args, log }) {
    const half = parseHalf(args.split);
    const mode = args.mode ?? 'full';
    if (mode !== 'full' && mode !== 'interactive') throw new Error(`--mode must be full or interactive, not '${mode}'`);
    // The default policy was fixed before evaluation (cross-validated inside the training rows);
    // --confidence / --max-questions give other operating points of the same model.
    // --stop cv: (confidence, minGain) by cross-validation inside the training rows (see crossValidatePolicy).
    let policy = {
      confidence: Number(args.confidence ?? 0.9),
      maxQuestions: Number(args['max-questions'] ?? 20),
      minGain: Number(args['min-gain'] ?? 0.005),
    };
    const kb = loadDdxKnowledge();
    const { train, evaluate: scored, protocol, trainPath } = trainEvalSplit(data, { train: trainFile });
    const evaluate = chooseHalf(scored, rowKey, half);
    log(`${protocol}; scoring ${half === 'all' ? 'all' : `the ${half} half`}: ${evaluate.length} patients`);
    let cvPolicy: ReturnType<typeof crossValidatePolicy> | undefined;
    if (mode === 'interactive' && args.stop === 'cv') {
      cvPolicy = crossValidatePolicy(kb, train, protocol, policy.maxQuestions, log);
      policy = { ...policy, confidence: cvPolicy.chosen.confidence, minGain: cvPolicy.chosen.minGain };
      log(
        `CV stopping rule: confidence ${policy.confidence}, minGain ${policy.minGain} (CV GTPA@1 ${cvPolicy.chosen.gtpa1}%, ${cvPolicy.chosen.il} questions)`,
      );
    }
    const model = learnDdxModel(kb, train, { trainingLabel: protocol });
    const net: Network = compileNetwork(model);
    let g1 = 0;
    let g3 = 0;
    let g5 = 0;
    let cf1 = 0;
    let ddr = 0;
    let ddp = 0;
    let ddf1 = 0;
    const ddfk = { 1: 0, 3: 0, 5: 0 } as Record<1 | 3 | 5, number>;
    let il = 0;
    let missingGold = 0;
    const counterfactualEvery = Number(args['cf-every'] ?? (mode === 'full' ? 1 : 0));
    evaluate.forEach((p, k) => {
      let posterior: Float64Array;
      let obsForCf: ReturnType<typeof resolveCase>;
      let post: ReturnType<typeof infer>;
      if (mode === 'full') {
        obsForCf = resolveCase(net, ddxPatientCase(kb, p, true));
        post = infer(net, obsForCf);
        posterior = post.posterior;
      } else {
        const { start, answer, first } = startOf(net, kb, p);
        const run = runInterview(net, start, answer, policy, [first]);
        il += run.turns.length;
        obsForCf = run.observations;
        post = run.posterior;
        posterior = post.posterior;
      }
      const order = [...posterior.keys()].sort((a, b) => posterior[b]! - posterior[a]!);
      const gold = net.diseaseIndex.get(p.pathology);
      if (gold === undefined) missingGold++;
      const rank = gold === undefined ? -1 : order.indexOf(gold);
      if (rank === 0) g1++;
      if (rank >= 0 && rank < 3) g3++;
      if (rank >= 0 && rank < 5) g5++;
      if (counterfactualEvery > 0 && k % counterfactualEvery === 0) {
        const top = order.slice(0, 10);
        const cf = counterfactuals(net, obsForCf, post, top);
        const best = [...top].sort((a, b) => cf.disablement[b]! - cf.disablement[a]!)[0];
        if (best === gold) cf1++;
      }
      const total = posterior.reduce((s, x) => s + x, 0);
      const ours = order.filter((d) => posterior[d]! / total > 0.01).map((d) => net.diseases[d]!.id);
      const goldDiff = [...p.differential]
        .filter(([, m]) => m > 0.01)
        .sort((a, b) => b[1] - a[1])
        .map(([n]) => n);
      const all = f1(ours, goldDiff);
      ddr += all.r;
      ddp += all.p;
      ddf1 += all.f;
      for (const kk of [1, 3, 5] as const) ddfk[kk] += f1(ours.slice(0, kk), goldDiff.slice(0, kk)).f;
      if ((k + 1) % 200 === 0) log(`${k + 1}/${evaluate.length}  GTPA@1 ${((100 * g1) / (k + 1)).toFixed(2)}%`);
    });
    const n = evaluate.length;
    const pc = (x: number) => Number(((100 * x) / n).toFixed(2));
    const cfN = counterfactualEvery > 0 ? Math.ceil(n / counterfactualEvery) : 0;
    const ours = {
      n,
      mode,
      gtpa1: pc(g1),
      gtpa3: pc(g3),
      gtpa5: pc(g5),
      ddr: pc(ddr),
      ddp: pc(ddp),
      ddf1: pc(ddf1),
      ddf1_1: pc(ddfk[1]),
      ddf1_3: pc(ddfk[3]),
      ddf1_5: pc(ddfk[5]),
      il: Number((il / n).toFixed(2)),
      ...(cfN > 0 ? { gtpa1_counterfactual: Number(((100 * cf1) / cfN).toFixed(2)) } : {}),
    };
    return {
      ...ours,
      protocol,
      split: {
        learnedFrom: `${trainPath} (${train.length} patients)`,
        scored: half,
        rule: `${protocol}; of the evaluated patients, the ${half === 'all' ? 'whole set' : `${half} half`} by bench/lib/harness.ts devReportHalf keyed by the row's content`,
        patients: n,
        of: scored.length,
      },
      inputs: [trainPath, join(ddxDir(), 'release_conditions.json'), join(ddxDir(), 'release_evidences.json')],
      units: 'percent (il: questions)',
      definitions:
        'GTPA@k: ground truth among our top k by posterior. Differentials drop mass <= 0.01 (ours: normalised posterior marginals). DDR/DDP/DDF1: recall/precision/F1 of our differential against the data set differential, per patient, averaged. DDF1@k: F1 of our top k against the data set top k. il: questions asked after the initial evidence (0 in full mode). gtpa1_counterfactual: top-1 by expected disablement among the 10 most probable.',
      policy: mode === 'interactive' ? { ...policy, dangerWeighting: 'severity 1 ×2.5, 2 ×2, 3 ×1.5' } : undefined,
      ...(cvPolicy
        ? {
            stoppingRule: {
              chosenBy: `${cvPolicy.folds}-fold cross-validation inside the ${cvPolicy.n} training rows only (rows i mod ${cvPolicy.folds}): highest GTPA@1 with at most AARLC's ${AARLC_IL} questions, fewest questions among ties`,
              chosen: cvPolicy.chosen,
              grid: cvPolicy.scored,
            },
          }
        : {}),
      unknownPathologies: missingGold,
      published: {
        source:
          'DDXPlus paper (Fansi Tchango et al., NeurIPS 2022 Datasets and Benchmarks), tables 3-4, full 134k-patient test set, models trained on ~1M patients; as given in ../shared/data/ddxplus/SOURCE.md',
        rows: published,
      },
      table: [
        {
          method: `MedSeek noisy-OR (${mode}${mode === 'interactive' ? `, stop at ${policy.confidence}${cvPolicy ? ` / minGain ${policy.minGain}, chosen by CV on training rows` : ''}` : ''}, ${n} patients)`,
          il: ours.il,
          gtpa1: ours.gtpa1,
          gtpa3: ours.gtpa3,
          gtpa5: ours.gtpa5,
          ddf1_1: ours.ddf1_1,
          ddf1_3: ours.ddf1_3,
          ddf1_5: ours.ddf1_5,
        },
        ...published,
      ],
    };
  },
} satisfies Benchmark;
