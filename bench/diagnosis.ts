import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../src/core/index.js';
import type { Answer, Network, Observations } from '../src/reasoning/index.js';
import {
  answerFindings,
  compileNetwork,
  diagnose,
  entryFindings,
  infer,
  learnDdxModel,
  nextQuestion,
  resolveCase,
  withFindings,
} from '../src/reasoning/index.js';
import { ddxDir, loadDdxKnowledge, trainEvalSplit } from './diagnosis-lib/ddx-data.js';
import { syntheticModel } from './diagnosis-lib/synthetic-network.js';
import { xywyModel } from './diagnosis-lib/xywy-network.js';
import type { Benchmark } from './lib/harness.js';
import { percentile, repoRoot, sharedData } from './lib/harness.js';

/**
 * Latency of one consultation step: the posterior update after an answer, and choosing the next
 * question, on DDXPlus (goal < 5 ms), on a network of the 8,792-disease Chinese KG and on a
 * synthetic 10,000-disease network shaped like a broad phenotype release (goal < 50 ms p50; issue
 * 15), where the whole differential with explanations (`diagnose`, top 10) is timed too.
 */
interface Timings {
  update: number[];
  next: number[];
}

function step(
  net: Network,
  obs: Observations,
  asked: Set<number>,
  answer: (q: { id: string; kind: string }) => Answer,
  t: Timings,
): Observations | undefined {
  let t0 = performance.now();
  const post = infer(net, obs);
  t.update.push(performance.now() - t0);
  t0 = performance.now();
  const q = nextQuestion(net, obs, post.posterior, { asked });
  t.next.push(performance.now() - t0);
  if (!q) return undefined;
  asked.add(q.index);
  const s = answerFindings(q.question, answer(q.question));
  return withFindings(net, obs, s.present, s.absent);
}

const summary = (xs: number[]) => ({
  mean: Number((xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3)),
  p50: Number(percentile(xs, 50).toFixed(3)),
  p95: Number(percentile(xs, 95).toFixed(3)),
  n: xs.length,
});

export default {
  name: 'diagnosis',
  description:
    'Consultation step latency: posterior update and next question, DDXPlus and the 8,792-disease Chinese KG',
  defaultData: '../shared/data/ddxplus/patients_part1.csv',
  async run({ data, args, log }) {
    const steps = Number(args.steps ?? 8);
    // DDXPlus
    const kb = loadDdxKnowledge();
    const { train, evaluate, protocol, trainPath } = trainEvalSplit(data);
    const ddx = compileNetwork(learnDdxModel(kb, train));
    const td: Timings = { update: [], next: [] };
    for (const p of evaluate.slice(0, Number(args.patients ?? 200))) {
      const by = new Map<string, string[]>();
      for (const e of p.evidences) {
        const [n, v] = e.split('_@_') as [string, string | undefined];
        by.set(n, [...(by.get(n) ?? []), ...(v !== undefined ? [v] : [])]);
      }
      const answer = (q: { id: string; kind: string }): Answer => {
        const v = by.get(q.id);
        return v === undefined ? { kind: 'no' } : q.kind === 'binary' ? { kind: 'yes' } : { kind: 'values', values: v };
      };
      const init = entryFindings(kb, p.initialEvidence);
      let obs: Observations | undefined = resolveCase(ddx, {
        age: p.age,
        sex: p.sex,
        findings: init.present.map((id) => ({ id })),
      });
      const asked = new Set([ddx.questionIndex.get(init.question)!]);
      for (let i = 0; i < steps && obs; i++) obs = step(ddx, obs, asked, answer, td);
    }
    log(
      `DDXPlus: ${ddx.diseases.length} diseases, ${ddx.findings.length} findings; update ${summary(td.update).p50} ms, next ${summary(td.next).p50} ms (p50)`,
    );
    // Chinese KG
    const t0 = performance.now();
    const kgPath = args.kg ?? join(sharedData('kg-xywy-medical'), 'diseases.jsonl');
    const kg = compileNetwork(await xywyModel(kgPath));
    const buildSeconds = (performance.now() - t0) / 1000;
    const tk: Timings = { update: [], next: [] };
    const rand = seededRandom(7);
    for (let c = 0; c < Number(args.cases ?? 100); c++) {
      // A simulated patient: a random disease with symptoms; says its first two, answers the rest truthfully.
      let d = Math.floor(rand() * kg.diseases.length);
      while (kg.effects[d]!.length < 3) d = Math.floor(rand() * kg.diseases.length);
      const has = new Set(kg.effects[d]!.map((l) => kg.findings[l.to]!.id));
      const answer = (q: { id: string }): Answer => ({ kind: has.has(q.id) ? 'yes' : 'no' });
      let obs: Observations | undefined = resolveCase(kg, { findings: [...has].slice(0, 2).map((id) => ({ id })) });
      const asked = new Set(obs.positive.map((f) => kg.questionOfFinding[f]!));
      for (let i = 0; i < steps && obs; i++) obs = step(kg, obs, asked, answer, tk);
    }
    log(
      `KG: ${kg.diseases.length} diseases, ${kg.findings.length} findings; update ${summary(tk.update).p50} ms, next ${summary(tk.next).p50} ms (p50)`,
    );
    // Synthetic 10k-disease network (HPO-shaped): simulated patients say 3 of their disease's findings.
    const t1 = performance.now();
    const syn = compileNetwork(syntheticModel({ diseases: Number(args.synDiseases ?? 10_000) }));
    const synBuildSeconds = (performance.now() - t1) / 1000;
    const ts: Timings = { update: [], next: [] };
    const full: number[] = [];
    const srand = seededRandom(11);
    for (let c = 0; c < Number(args.cases ?? 100); c++) {
      const d = Math.floor(srand() * syn.diseases.length);
      const has = new Set(syn.effects[d]!.map((l) => syn.findings[l.to]!.id));
      const answer = (q: { id: string }): Answer => ({ kind: has.has(q.id) ? 'yes' : 'no' });
      let obs: Observations | undefined = resolveCase(syn, { findings: [...has].slice(0, 3).map((id) => ({ id })) });
      const t2 = performance.now();
      diagnose(syn, obs, { top: 10, counterfactual: false });
      full.push(performance.now() - t2);
      const asked = new Set(obs.positive.map((f) => syn.questionOfFinding[f]!));
      for (let i = 0; i < steps && obs; i++) obs = step(syn, obs, asked, answer, ts);
    }
    const synU = summary(ts.update);
    const synN = summary(ts.next);
    const synFull = summary(full);
    log(
      `synthetic: ${syn.diseases.length} diseases, ${syn.findings.length} findings, ${syn.model.edges.length} edges; ` +
        `update ${synU.p50} ms, next ${synN.p50} ms, differential ${synFull.p50} ms (p50)`,
    );
    const ddxU = summary(td.update);
    const ddxN = summary(td.next);
    const kgU = summary(tk.update);
    const kgN = summary(tk.next);
    // The accuracy benchmarks' latest figures beside the timings (run them first: bench ddxplus, bench ddxplus --mode interactive --out bench/results/ddxplus-interactive.json, bench dxy).
    const latest = (name: string) => {
      const p = join(repoRoot, 'bench', 'results', `${name}.json`);
      if (!existsSync(p)) return undefined;
      const { table: _t, definitions: _d, ...rest } = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
      return rest;
    };
    return {
      split: `timings only, nothing scored against labels; DDXPlus network ${protocol}, timed on the first patients evaluated`,
      inputs: [
        trainPath,
        join(ddxDir(), 'release_conditions.json'),
        join(ddxDir(), 'release_evidences.json'),
        ...(existsSync(kgPath) ? [kgPath] : []),
      ],
      accuracy: {
        ddxplusFull: latest('ddxplus'),
        ddxplusInteractive: latest('ddxplus-interactive'),
        ddxplusInteractiveStop097: latest('ddxplus-interactive-0.97'),
        ddxplusInteractiveCvStop: latest('ddxplus-interactive-cv'),
        dxy: latest('dxy'),
      },
      ddxplus: {
        diseases: ddx.diseases.length,
        findings: ddx.findings.length,
        edges: ddx.model.edges.length,
        updateMs: ddxU,
        nextQuestionMs: ddxN,
        goalMs: 5,
      },
      kg: {
        source: 'kg-xywy-medical diseases.jsonl (built in bench code)',
        diseases: kg.diseases.length,
        findings: kg.findings.length,
        edges: kg.model.edges.length,
        buildSeconds: Number(buildSeconds.toFixed(2)),
        updateMs: kgU,
        nextQuestionMs: kgN,
        goalMs: 50,
      },
      synthetic: {
        source: 'bench/diagnosis-lib/synthetic-network.ts (HPO-shaped, seeded; 40 % of edges frequency unknown)',
        diseases: syn.diseases.length,
        findings: syn.findings.length,
        edges: syn.model.edges.length,
        buildSeconds: Number(synBuildSeconds.toFixed(2)),
        updateMs: synU,
        nextQuestionMs: synN,
        differentialTop10Ms: synFull,
        goalMs: 50,
      },
      machine: 'this run, 2-core machine; timings are benchmark output, never test assertions',
      table: [
        {
          network: 'DDXPlus',
          diseases: ddx.diseases.length,
          update_p50: ddxU.p50,
          update_p95: ddxU.p95,
          next_p50: ddxN.p50,
          next_p95: ddxN.p95,
          goal_ms: 5,
        },
        {
          network: 'synthetic 10k',
          diseases: syn.diseases.length,
          update_p50: synU.p50,
          update_p95: synU.p95,
          next_p50: synN.p50,
          next_p95: synN.p95,
          goal_ms: 50,
        },
        {
          network: 'xywy KG',
          diseases: kg.diseases.length,
          update_p50: kgU.p50,
          update_p95: kgU.p95,
          next_p50: kgN.p50,
          next_p95: kgN.p95,
          goal_ms: 50,
        },
      ],
    };
  },
} satisfies Benchmark;
