import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Answer } from '../src/reasoning/index.js';
import { compileNetwork, dxyExplicitCase, infer, learnDxyModel, parseDxyJsonl, parseDxySynonyms, resolveCase, runInterview } from '../src/reasoning/index.js';
import type { Benchmark } from './lib/harness.js';
import { sharedData } from './lib/harness.js';

/**
 * DXY (Xu et al., AAAI 2019): build the network from the training split only, then on each test
 * record start from the explicit symptoms, ask (the simulated patient answers from the implicit
 * symptoms, "not sure" otherwise), and diagnose. Accuracy = top-1 disease correct; turns = questions.
 */
const published = {
  note:
    'Published DXY figures (accuracy, average turns) could not be retrieved with the tools available in this session; the papers that report them on this test split are cited here for comparison: ' +
    'KR-DS: Xu et al., End-to-End Knowledge-Routed Relational Dialogue System for Automatic Diagnosis, AAAI 2019 (arXiv 1901.10623); ' +
    'Diaformer: Chen et al., Diaformer: Automatic Diagnosis via Symptoms Sequence Generation, AAAI 2022 (arXiv 2112.10433, code jymChen/Diaformer); ' +
    'DxFormer: Chen et al., arXiv 2205.03755 (2022); CoAD: Wang et al., arXiv 2307.08290 (2023).',
  rows: [] as { method: string; accuracy: number; turns: number }[],
};

export default {
  name: 'dxy',
  description: 'DXY paediatric dialogues: diagnosis accuracy and turns in simulated consultation, network from the training split',
  defaultData: '../shared/data/dialog-dxy-krds/dxy_test.jsonl',
  async run({ data, args, log }) {
    const dir = args['train-dir'] ?? (existsSync(join(dirname(data), 'dxy_train.jsonl')) ? dirname(data) : sharedData('dialog-dxy-krds'));
    const trainPath = join(dir, 'dxy_train.jsonl');
    if (readFileSync(trainPath, 'utf8') === readFileSync(data, 'utf8')) throw new Error('the evaluated file is the training split');
    const train = parseDxyJsonl(readFileSync(trainPath, 'utf8'), trainPath);
    const synPath = join(dir, 'original', 'norm_symptom_list.txt');
    const synonyms = existsSync(synPath) ? parseDxySynonyms(readFileSync(synPath, 'utf8')) : {};
    const test = parseDxyJsonl(readFileSync(data, 'utf8'), data);
    const trainIds = new Set(train.map((r) => r.consult_id));
    const evaluate = test.filter((r) => !trainIds.has(r.consult_id));
    log(`trained on ${train.length} records of ${trainPath}; evaluating ${evaluate.length} of ${data}`);
    const net = compileNetwork(learnDxyModel(train, synonyms));
    const known = new Set(net.findings.map((f) => f.id));
    const maxQuestions = Number(args['max-questions'] ?? 10);
    let correct = 0;
    let turns = 0;
    let explicitOnly = 0;
    const perDisease: Record<string, { n: number; correct: number }> = {};
    for (const r of evaluate) {
      const start = resolveCase(net, dxyExplicitCase(r, known));
      const answer = (q: { id: string }): Answer => {
        const v = r.goal.implicit_inform_slots[q.id];
        return v === undefined ? { kind: 'unknown' } : { kind: v ? 'yes' : 'no' };
      };
      const asked = start.positive.concat(start.negative).map((f) => net.questionOfFinding[f]!);
      const run = runInterview(net, start, answer, { maxQuestions, confidence: Number(args.confidence ?? 0.9) }, asked);
      const top = (p: Float64Array) => net.diseases[[...p.keys()].sort((a, b) => p[b]! - p[a]!)[0]!]!.id;
      const ok = top(run.posterior.posterior) === r.disease_tag;
      if (top(infer(net, start).posterior) === r.disease_tag) explicitOnly++;
      correct += ok ? 1 : 0;
      turns += run.turns.length;
      perDisease[r.disease_tag] ??= { n: 0, correct: 0 };
      const pd = perDisease[r.disease_tag]!;
      pd.n++;
      pd.correct += ok ? 1 : 0;
    }
    const n = evaluate.length;
    const accuracy = Number((correct / n).toFixed(4));
    const avgTurns = Number((turns / n).toFixed(2));
    return {
      n,
      accuracy,
      turns: avgTurns,
      accuracyExplicitOnly: Number((explicitOnly / n).toFixed(4)),
      perDisease,
      protocol: `network learned from ${trainPath} only; simulated patient answers implicit symptoms, 'not sure' otherwise; at most ${maxQuestions} questions; stop at 0.9 confidence`,
      published,
      table: [
        { method: 'MedSeek noisy-OR + information gain', accuracy, turns: avgTurns },
        { method: 'MedSeek, explicit symptoms only (no questions)', accuracy: Number((explicitOnly / n).toFixed(4)), turns: 0 },
      ],
    };
  },
} satisfies Benchmark;
