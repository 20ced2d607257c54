import type { CausalEdge, CausalModel, DiseaseNode, FindingNode, QuestionNode } from './model.js';
import { validateModel } from './model.js';

/** Leak floor: a finding with no present cause must still be possible, or one stray finding rules everything out. */
export const MIN_LEAK = 1e-6;
/** Edge ceiling: keeps `log(1 − q)` finite (a certain edge would make one absent finding exclude a disease outright). */
export const MAX_EDGE = 1 - 1e-6;

export interface Link {
  /** The other end (finding index from a disease, disease index from a finding). */
  readonly to: number;
  readonly q: number;
  /** log(1 − q) */
  readonly lq: number;
  readonly edge: CausalEdge;
}

/** A model compiled into index arrays for fast inference. Built once per model and shared. */
export interface Network {
  readonly model: CausalModel;
  readonly diseases: readonly DiseaseNode[];
  readonly findings: readonly FindingNode[];
  readonly diseaseIndex: ReadonlyMap<string, number>;
  readonly findingIndex: ReadonlyMap<string, number>;
  /** Per disease: its findings. */
  readonly effects: readonly (readonly Link[])[];
  /** Per finding: its parent diseases. */
  readonly causes: readonly (readonly Link[])[];
  /** Per disease: risk factors pointing at it (`to` = risk factor index). */
  readonly risks: readonly (readonly Link[])[];
  readonly riskIndex: ReadonlyMap<string, number>;
  readonly leak: Float64Array;
  /** log(1 − leak) */
  readonly logNoLeak: Float64Array;
  readonly questions: readonly QuestionNode[];
  readonly questionIndex: ReadonlyMap<string, number>;
  /** The question that asks about each finding (−1 if none). */
  readonly questionOfFinding: Int32Array;
}

export function compileNetwork(model: CausalModel): Network {
  validateModel(model);
  const diseaseIndex = new Map(model.diseases.map((d, i) => [d.id, i]));
  const findingIndex = new Map(model.findings.map((f, i) => [f.id, i]));
  const riskIndex = new Map((model.riskFactors ?? []).map((r, i) => [r.id, i]));
  const effects: Link[][] = model.diseases.map(() => []);
  const causes: Link[][] = model.findings.map(() => []);
  const risks: Link[][] = model.diseases.map(() => []);
  for (const e of model.edges) {
    const q = Math.min(e.probability, MAX_EDGE);
    if (e.kind === 'causes') {
      const d = diseaseIndex.get(e.from)!;
      const f = findingIndex.get(e.to)!;
      if (q <= 0) continue;
      effects[d]!.push({ to: f, q, lq: Math.log1p(-q), edge: e });
      causes[f]!.push({ to: d, q, lq: Math.log1p(-q), edge: e });
    } else {
      const d = diseaseIndex.get(e.to)!;
      risks[d]!.push({ to: riskIndex.get(e.from)!, q, lq: Math.log1p(-q), edge: e });
    }
  }
  const leak = new Float64Array(model.findings.map((f) => Math.min(Math.max(f.leak, MIN_LEAK), MAX_EDGE)));
  const logNoLeak = leak.map((l) => Math.log1p(-l));
  const questions = model.questions ?? model.findings.map((f) => defaultQuestion(f));
  const questionIndex = new Map(questions.map((q, i) => [q.id, i]));
  const questionOfFinding = new Int32Array(model.findings.length).fill(-1);
  questions.forEach((q, qi) => {
    for (const o of q.options) questionOfFinding[findingIndex.get(o.finding)!] = qi;
  });
  return {
    model,
    diseases: model.diseases,
    findings: model.findings,
    diseaseIndex,
    findingIndex,
    effects,
    causes,
    risks,
    riskIndex,
    leak,
    logNoLeak,
    questions,
    questionIndex,
    questionOfFinding,
  };
}

/** A yes/no question for a finding that no question covers ("Do you have fever?" / "是否有发热？"). */
export function defaultQuestion(f: FindingNode): QuestionNode {
  return {
    id: f.id,
    kind: 'binary',
    text: { en: `Do you have ${f.name.en.toLowerCase()}?`, zh: `您是否有${f.name.zh ?? f.name.en}？` },
    options: [{ finding: f.id }],
  };
}

/** P(finding | only disease d present), the single-fault likelihood used for questions and explanations. */
export function singleFaultLikelihood(net: Network, d: number, f: number): number {
  let q = 0;
  for (const l of net.effects[d]!) if (l.to === f) q = l.q;
  return 1 - (1 - net.leak[f]!) * (1 - q);
}

/** Edge probability from disease d to finding f (0 when there is no edge). */
export function edgeProbability(net: Network, d: number, f: number): number {
  for (const l of net.effects[d]!) if (l.to === f) return l.q;
  return 0;
}
