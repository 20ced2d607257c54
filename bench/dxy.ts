import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Answer, DxyAnswerModel, DxyRecord, InterviewPolicy, Network } from '../src/reasoning/index.js';
import {
  compileNetwork,
  dxyAnswerRates,
  dxyExplicitCase,
  infer,
  learnDxyAnswerModel,
  learnDxyModel,
  parseDxyJsonl,
  parseDxySynonyms,
  resolveCase,
  runDxyInterview,
  runInterview,
} from '../src/reasoning/index.js';
import type { Benchmark } from './lib/harness.js';
import { chooseHalf, parseHalf, sharedData } from './lib/harness.js';

/**
 * DXY (Xu et al., AAAI 2019): build the network from the training split only, then on each test
 * record start from the explicit symptoms, ask (the simulated patient answers from the implicit
 * symptoms, "not sure" otherwise), and diagnose. Accuracy = top-1 disease correct; turns = questions.
 *
 * Protocol of the published figures: the simulated user answers a question about a symptom with its
 * value when the symptom is in the record's implicit set and "not_sure" otherwise (Chen et al. 2022,
 * Diaformer, §1, read in the SPIQA copy of arXiv 2112.10433v1); the agent decides itself when to
 * diagnose, with at most 20 inquiry turns (Diaformer README: `--max_turn 20` for the Dxy run;
 * OpenMedicalChatBox checkpoints are named `_T20_`). We use the same cap and the same user.
 *
 * Learning: from `--train FILE` only (default: dxy_train.jsonl beside --data, else the shared one);
 * records of --data whose consult_id is in the training file are dropped. Halves of the scored
 * records (bench/lib/harness.ts devReportHalf keyed by consult_id): `--split report` (the default,
 * what the README shows), `dev`, or `all`. What was looked at before the halves existed: the whole
 * test file (every figure in git history is on all 104 records, the answer model and the variants
 * were kept or dropped with those figures in view; the stopping rules themselves come from CV on the
 * training split), so the report half is not unseen data; it is reported anyway. From issue 23 on:
 * changes are judged on the dev half only.
 */
const OMCB = {
  where:
    'Guardianzc/DISCOpen-MedBox-DialoDiagnosis (OpenMedicalChatBox) Readme.md, "Experiment → In real world dataset", Dxy columns (commit 16a7acb6303890ca7e0a6a8d97936f2b6305ecdc)',
  note: 'Reproductions by the HRL authors (Liao et al., "Task-oriented Dialogue System for Automatic Disease Diagnosis via Hierarchical Reinforcement Learning", arXiv 2004.14254) on the same 423/104 DXY split; the same table is reused by the IMCS-21 benchmark (Chen et al., Bioinformatics 2022) for MZ-10.',
};
const published = {
  note:
    'Accuracy and average inquiry turns on the DXY test split as published. Every row below was read in the OpenMedicalChatBox README (' +
    OMCB.where +
    '). Not found in the material available: the figures of the original KR-DS paper (Xu et al., AAAI 2019, arXiv 1901.10623; only its abstract, "beats state-of-the-art methods by more than 8% in diagnosis accuracy", was readable) and the Dxy table of Diaformer (Chen et al., AAAI 2022, arXiv 2112.10433; abstract only: "outperforms baselines on disease diagnosis by 1%, 6% and 11.5%" over its three datasets), DxFormer (Chen et al., Bioinformatics 2022), CoAD (Wang et al., arXiv 2307.08290) and BR-Agent; their repositories (jymChen/Diaformer, lemuria-wchen/DxFormer, KwanWaiChung/coad) carry no result table.',
  rows: [
    {
      method: 'Flat-DQN (Wei et al., ACL 2018)',
      accuracy: 0.731,
      turns: 1.96,
      symptomRecall: 0.11,
      source: OMCB.where,
    },
    { method: 'KR-DS (Xu et al., AAAI 2019)', accuracy: 0.74, turns: 5.65, symptomRecall: 0.399, source: OMCB.where },
    {
      method: 'REFUEL (Peng et al., NeurIPS 2018)',
      accuracy: 0.721,
      turns: 3.11,
      symptomRecall: 0.186,
      source: OMCB.where,
    },
    { method: 'GAMP (Xia et al., AAAI 2020)', accuracy: 0.731, turns: 2.84, symptomRecall: 0.268, source: OMCB.where },
    {
      method: 'HRL w/o grouping (Liao et al., arXiv 2004.14254)',
      accuracy: 0.731,
      turns: 6.61,
      symptomRecall: 0.297,
      source: OMCB.where,
    },
    {
      method: 'HRL (Liao et al., arXiv 2004.14254)',
      accuracy: 0.779,
      turns: 8.61,
      symptomRecall: 0.424,
      source: OMCB.where,
    },
    { method: 'Classifier lower bound (explicit symptoms only)', accuracy: 0.682, turns: 0, source: OMCB.where },
    {
      method: 'Classifier upper bound (explicit + all implicit symptoms)',
      accuracy: 0.846,
      turns: 0,
      source: OMCB.where,
    },
  ],
  context: OMCB.note,
};

const MAX_TURNS = 20;

interface Score {
  readonly n: number;
  readonly accuracy: number;
  readonly turns: number;
  readonly recall: number;
  readonly correct: number;
  readonly perDisease: Record<string, { n: number; correct: number }>;
}

function build(train: readonly DxyRecord[], synonyms: Record<string, string[]>) {
  const net = compileNetwork(learnDxyModel(train, synonyms));
  const rates = dxyAnswerRates(train);
  return { net, rates, answers: learnDxyAnswerModel(train) };
}

const top = (net: Network, p: Float64Array) => net.diseases[[...p.keys()].sort((a, b) => p[b]! - p[a]!)[0]!]!.id;

/** Plays every record: `mode` 'interview' asks by `policy`; 'explicit' asks nothing; 'all' is told every implicit symptom. */
function simulate(
  net: Network,
  records: readonly DxyRecord[],
  mode: 'interview' | 'answers' | 'explicit' | 'all',
  policy: InterviewPolicy = {},
  answers?: DxyAnswerModel,
): Score {
  const known = new Set(net.findings.map((f) => f.id));
  let correct = 0;
  let turns = 0;
  let found = 0;
  let implicitTotal = 0;
  const perDisease: Record<string, { n: number; correct: number }> = {};
  for (const r of records) {
    const explicit = dxyExplicitCase(r, known);
    const implicit = Object.entries(r.goal.implicit_inform_slots).filter(
      ([s]) => known.has(s) && r.goal.explicit_inform_slots[s] === undefined,
    );
    implicitTotal += implicit.length;
    let guess: string;
    if (mode === 'interview') {
      const start = resolveCase(net, explicit);
      const answer = (q: { id: string }): Answer => {
        const v = r.goal.implicit_inform_slots[q.id];
        return v === undefined ? { kind: 'unknown' } : { kind: v ? 'yes' : 'no' };
      };
      const asked = start.positive.concat(start.negative).map((f) => net.questionOfFinding[f]!);
      const run = runInterview(net, start, answer, { ...policy, maxQuestions: MAX_TURNS }, asked);
      guess = top(net, run.posterior.posterior);
      turns += run.turns.length;
      found += run.turns.filter((t) => t.answer.kind !== 'unknown').length;
    } else if (mode === 'answers') {
      const start = resolveCase(net, explicit);
      const run = runDxyInterview(
        net,
        answers!,
        start,
        new Set(Object.keys(r.goal.explicit_inform_slots)),
        (s) => {
          const v = r.goal.implicit_inform_slots[s];
          return v === undefined ? 'unknown' : v ? 'yes' : 'no';
        },
        { confidence: policy.confidence ?? 0.9, minGain: policy.minGain ?? 0, maxQuestions: MAX_TURNS },
      );
      guess = run.diagnosis;
      turns += run.turns.length;
      found += run.turns.filter((t) => t.answer !== 'unknown').length;
    } else {
      const c =
        mode === 'all'
          ? { findings: [...explicit.findings, ...implicit.map(([id, present]) => ({ id, present }))] }
          : explicit;
      guess = top(net, infer(net, resolveCase(net, c)).posterior);
    }
    const ok = guess === r.disease_tag;
    correct += ok ? 1 : 0;
    perDisease[r.disease_tag] ??= { n: 0, correct: 0 };
    perDisease[r.disease_tag]!.n++;
    perDisease[r.disease_tag]!.correct += ok ? 1 : 0;
  }
  const n = records.length;
  return {
    n,
    correct,
    accuracy: correct / n,
    turns: turns / n,
    recall: implicitTotal ? found / implicitTotal : 0,
    perDisease,
  };
}

/** Stopping rules tried by cross-validation inside the training split. */
const GRID = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99].flatMap((confidence) =>
  [0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1].map((minGain) => ({ confidence, minGain })),
);

const round = (x: number, d = 4) => Number(x.toFixed(d));

export default {
  name: 'dxy',
  description:
    'DXY paediatric dialogues: diagnosis accuracy and turns in simulated consultation, network from the training split',
  defaultData: '../shared/data/dialog-dxy-krds/dxy_test.jsonl',
  learns: true,
  async run({ data, train: trainFile, args, log }) {
    const half = parseHalf(args.split);
    const beside = join(dirname(data), 'dxy_train.jsonl');
    const trainPath = trainFile ?? (existsSync(beside) ? beside : sharedData('dialog-dxy-krds', 'dxy_train.jsonl'));
    if (readFileSync(trainPath, 'utf8') === readFileSync(data, 'utf8'))
      throw new Error(`--data: ${data} is the training file`);
    const train = parseDxyJsonl(readFileSync(trainPath, 'utf8'), trainPath);
    // The symptom synonyms ship with the training split (original/ beside it); none for another file.
    const synPath = join(dirname(trainPath), 'original', 'norm_symptom_list.txt');
    const synonyms = existsSync(synPath) ? parseDxySynonyms(readFileSync(synPath, 'utf8')) : {};
    const test = parseDxyJsonl(readFileSync(data, 'utf8'), data);
    const trainIds = new Set(train.map((r) => r.consult_id));
    const unseen = test.filter((r) => !trainIds.has(r.consult_id));
    const evaluate = chooseHalf(unseen, (r) => String(r.consult_id), half);
    if (evaluate.length === 0)
      throw new Error(
        `--data: no record of ${data} to score (${half} half; consult_ids in the training file are dropped)`,
      );
    log(
      `trained on ${train.length} records of ${trainPath}; scoring ${half === 'all' ? 'all' : `the ${half} half`}, ${evaluate.length} of ${data} ` +
        `(${test.length - unseen.length} dropped: consult_id also in the training file)`,
    );

    // 1. Choose the stopping rule by 5-fold cross-validation on the training split only.
    const folds = 5;
    const models = [...Array(folds).keys()].map((k) => ({
      held: train.filter((_, i) => i % folds === k),
      ...build(
        train.filter((_, i) => i % folds !== k),
        synonyms,
      ),
    }));
    const crossValidate = (mode: 'interview' | 'answers') => {
      const cv = GRID.map((g) => {
        let correct = 0;
        let turns = 0;
        for (const m of models) {
          const sc = simulate(m.net, m.held, mode, { ...g, answerRate: (q) => m.rates[q.id] ?? 0 }, m.answers);
          correct += sc.correct;
          turns += sc.turns * sc.n;
        }
        return { ...g, accuracy: correct / train.length, turns: turns / train.length };
      });
      // One-standard-error rule (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning,
      // 2nd ed., §7.10): the fewest turns among rules whose CV accuracy is within one binomial
      // standard error of the best; also the best-accuracy rule (fewest turns among ties).
      const best = Math.max(...cv.map((c) => c.accuracy));
      const se = Math.sqrt((best * (1 - best)) / train.length);
      const byTurns = (xs: typeof cv) => [...xs].sort((a, b) => a.turns - b.turns)[0]!;
      return {
        cv,
        oneSe: byTurns(cv.filter((c) => c.accuracy >= best - se - 1e-12)),
        best: byTurns(cv.filter((c) => c.accuracy >= best - 1e-12)),
        se,
      };
    };
    const cvAnswers = crossValidate('answers');
    const cvNoisyOr = crossValidate('interview');
    for (const [name, c] of [
      ['answer model', cvAnswers],
      ['noisy-OR answer-aware', cvNoisyOr],
    ] as const)
      log(
        `${name}: one-SE rule confidence ${c.oneSe.confidence}, minGain ${c.oneSe.minGain} (CV ${round(c.oneSe.accuracy)}, ${round(c.oneSe.turns, 2)} turns); best rule confidence ${c.best.confidence}, minGain ${c.best.minGain} (CV ${round(c.best.accuracy)}, ${round(c.best.turns, 2)} turns)`,
      );

    // 2. Evaluate on the test split with the network and answer models from the whole training split.
    const { net, rates, answers } = build(train, synonyms);
    const answerRate = (q: { id: string }) => rates[q.id] ?? 0;
    const ours = simulate(net, evaluate, 'answers', cvAnswers.oneSe, answers);
    const oursBest = simulate(net, evaluate, 'answers', cvAnswers.best, answers);
    const noisyOr = simulate(net, evaluate, 'interview', { ...cvNoisyOr.oneSe, answerRate });
    const fixed = simulate(net, evaluate, 'interview', { confidence: 0.9 });
    const explicitOnly = simulate(net, evaluate, 'explicit');
    const all = simulate(net, evaluate, 'all');

    const accuracy = round(ours.accuracy);
    const turns = round(ours.turns, 2);
    const row = (method: string, sc: Score) => ({
      method,
      accuracy: round(sc.accuracy),
      turns: round(sc.turns, 2),
      symptomRecall: round(sc.recall),
    });
    const rule = (c: { confidence: number; minGain: number; accuracy: number; turns: number }) => ({
      confidence: c.confidence,
      minGain: c.minGain,
      cvAccuracy: round(c.accuracy),
      cvTurns: round(c.turns, 2),
    });
    return {
      split: {
        learnedFrom: `${trainPath} (${train.length} records)`,
        scored: half,
        rule: `records of ${data} not in the training file; of them the ${half === 'all' ? 'whole set' : `${half} half`} by bench/lib/harness.ts devReportHalf keyed by consult_id`,
        records: evaluate.length,
        of: unseen.length,
      },
      inputs: [trainPath, ...(existsSync(synPath) ? [synPath] : [])],
      n: ours.n,
      accuracy,
      turns,
      symptomRecall: round(ours.recall),
      accuracyExplicitOnly: round(explicitOnly.accuracy),
      accuracyAllSymptoms: round(all.accuracy),
      variants: {
        answerModelBestCvRule: row('answer model, best-CV rule', oursBest),
        noisyOrAnswerAware: row('noisy-OR, answer-aware gain, one-SE rule', noisyOr),
        noisyOrFixed: row('noisy-OR, plain gain, stop at 0.9', fixed),
      },
      perDisease: ours.perDisease,
      stoppingRules: {
        chosenBy: `${folds}-fold cross-validation on ${trainPath} (rows i mod ${folds}); headline = one-standard-error rule (fewest CV turns within one binomial SE of the best CV accuracy; ESL §7.10)`,
        answerModel: { oneSe: rule(cvAnswers.oneSe), best: rule(cvAnswers.best), se: round(cvAnswers.se) },
        noisyOrAnswerAware: { oneSe: rule(cvNoisyOr.oneSe), best: rule(cvNoisyOr.best), se: round(cvNoisyOr.se) },
      },
      crossValidation: {
        answerModel: cvAnswers.cv.map(rule),
        noisyOrAnswerAware: cvNoisyOr.cv.map(rule),
      },
      protocol:
        `network and answer models learned from ${trainPath} only; simulated patient answers from the implicit symptoms and 'not sure' otherwise (Diaformer's protocol); at most ${MAX_TURNS} questions (Diaformer --max_turn 20). ` +
        'Headline: noisy-OR posterior on the self-report times a learned three-valued answer model (yes / no / not sure given the disease), next question by exact mutual information, stop at the posterior confidence or when the best gain falls below minGain (both by cross-validation on the training split). ' +
        'Variants: the noisy-OR alone, with the gain scaled by the learned chance of an answer, or unscaled with a fixed 0.9 stop.',
      published,
      table: [
        row('MedSeek noisy-OR + answer model, CV stop (one-SE)', ours),
        row('MedSeek noisy-OR + answer model, CV stop (best CV acc.)', oursBest),
        row('MedSeek noisy-OR, answer-aware gain, CV stop (one-SE)', noisyOr),
        row('MedSeek noisy-OR, plain gain, stop at 0.9', fixed),
        {
          method: 'MedSeek, explicit symptoms only (no questions)',
          accuracy: round(explicitOnly.accuracy),
          turns: 0,
          symptomRecall: null,
        },
        {
          method: 'MedSeek noisy-OR, explicit + all implicit symptoms told (no questions)',
          accuracy: round(all.accuracy),
          turns: 0,
          symptomRecall: null,
        },
        ...published.rows.map((r) => ({
          method: `published: ${r.method}`,
          accuracy: r.accuracy,
          turns: r.turns,
          symptomRecall: r.symptomRecall ?? null,
        })),
      ],
    };
  },
} satisfies Benchmark;
