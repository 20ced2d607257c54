import type { Sex } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import type { DiseaseNode, QuestionNode } from './model.js';
import type { Network } from './network.js';

/** A case as `medseek diagnose` reads it: age, sex and findings (with values where the question has options). */
export interface CaseInput {
  readonly age?: number;
  readonly sex?: Sex;
  readonly findings: readonly CaseFinding[];
  readonly riskFactors?: readonly { readonly id: string; readonly present: boolean }[];
}

/**
 * One finding of a case: a finding id (`E_91`), or a question id with a value (`E_55` + `V_26`,
 * `E_56` + 7). `present: false` records a pertinent negative. Several values of one multi-choice
 * question may be given as several entries or as an array.
 */
export interface CaseFinding {
  readonly id: string;
  readonly present?: boolean;
  readonly value?: string | number | readonly (string | number)[];
}

/** Evidence ready for inference: positive and negative finding indices and the patient's priors. */
export interface Observations {
  readonly positive: readonly number[];
  readonly negative: readonly number[];
  /** P(disease present) for this patient: age/sex stratum, adjusted by risk factors. */
  readonly priors: Float64Array;
}

/** The answer a patient gives to one question. */
export type Answer =
  | { readonly kind: 'yes' }
  | { readonly kind: 'no' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'values'; readonly values: readonly (string | number)[] };

/** Findings settled by an answer: present and absent finding ids. */
export function answerFindings(q: QuestionNode, answer: Answer): { present: string[]; absent: string[] } {
  if (answer.kind === 'unknown') return { present: [], absent: [] };
  if (q.kind === 'binary') {
    const f = q.options[0]!.finding;
    if (answer.kind === 'values') throw invalid(`question '${q.id}' takes yes or no`, { field: 'answer' });
    return answer.kind === 'yes' ? { present: [f], absent: [] } : { present: [], absent: [f] };
  }
  if (answer.kind === 'no') return { present: [], absent: q.options.map((o) => o.finding) };
  if (answer.kind === 'yes') throw invalid(`question '${q.id}' needs a value, not yes`, { field: 'answer' });
  if (q.kind === 'scale') {
    const n = Number(answer.values[0]);
    if (answer.values.length !== 1 || !Number.isFinite(n))
      throw invalid(`question '${q.id}' needs one number`, { field: 'answer' });
    const present: string[] = [];
    const absent: string[] = [];
    for (const o of q.options) (n >= Number(o.value) ? present : absent).push(o.finding);
    return { present, absent };
  }
  const none = new Set((q.none ?? []).map(String));
  const chosen = new Set(answer.values.map(String).filter((v) => !none.has(v)));
  const known = new Set(q.options.map((o) => String(o.value)));
  for (const v of chosen)
    if (!known.has(v)) throw invalid(`'${v}' is not an option of question '${q.id}'`, { field: 'answer' });
  if (q.kind === 'choice' && chosen.size > 1) throw invalid(`question '${q.id}' takes one option`, { field: 'answer' });
  const present: string[] = [];
  const absent: string[] = [];
  for (const o of q.options) (chosen.has(String(o.value)) ? present : absent).push(o.finding);
  return { present, absent };
}

/** Turns a case into observations; unknown ids are an error naming the entry. */
export function resolveCase(net: Network, input: CaseInput): Observations {
  const present = new Set<number>();
  const absent = new Set<number>();
  // Group values of the same question so multi-choice answers close over all their options.
  const grouped = new Map<number, (string | number)[]>();
  input.findings.forEach((cf, i) => {
    const fi = net.findingIndex.get(cf.id);
    const qi = net.questionIndex.get(cf.id);
    const where = `findings[${i}]`;
    if (cf.value !== undefined && qi !== undefined && net.questions[qi]!.kind !== 'binary') {
      const vals = Array.isArray(cf.value) ? cf.value : [cf.value as string | number];
      grouped.set(qi, [...(grouped.get(qi) ?? []), ...vals]);
      return;
    }
    if (fi === undefined) throw invalid(`unknown finding '${cf.id}'`, { where, field: 'id' });
    (cf.present === false ? absent : present).add(fi);
  });
  for (const [qi, values] of grouped) {
    const q = net.questions[qi]!;
    const settled = answerFindings(
      q,
      q.kind === 'scale' ? { kind: 'values', values: [Math.max(...values.map(Number))] } : { kind: 'values', values },
    );
    for (const id of settled.present) present.add(net.findingIndex.get(id)!);
    for (const id of settled.absent) absent.add(net.findingIndex.get(id)!);
  }
  for (const f of present) absent.delete(f);
  return { positive: [...present], negative: [...absent], priors: patientPriors(net, input) };
}

/** Adds answers to existing observations (later answers win over earlier ones for the same finding). */
export function withFindings(
  net: Network,
  obs: Observations,
  present: readonly string[],
  absent: readonly string[],
): Observations {
  const pos = new Set(obs.positive);
  const neg = new Set(obs.negative);
  for (const id of present) {
    const f = net.findingIndex.get(id);
    if (f === undefined) continue;
    pos.add(f);
    neg.delete(f);
  }
  for (const id of absent) {
    const f = net.findingIndex.get(id);
    if (f === undefined) continue;
    neg.add(f);
    pos.delete(f);
  }
  return { positive: [...pos], negative: [...neg], priors: obs.priors };
}

export function stratifiedPrior(d: DiseaseNode, age?: number, sex?: Sex): number {
  for (const s of d.priors ?? []) {
    if (s.sex && s.sex !== sex) continue;
    if (s.ageFrom !== undefined && (age === undefined || age < s.ageFrom)) continue;
    if (s.ageTo !== undefined && (age === undefined || age >= s.ageTo)) continue;
    return s.prior;
  }
  return d.prior;
}

/**
 * Priors for this patient. Risk factors act by noisy-OR on the disease: a present risk factor r
 * adds its activation s_r (1 − (1 − p)(1 − s_r)); an unknown one adds it with its prevalence
 * (1 − prevalence·s_r), marginalised per disease (shared unobserved risk factors make diseases
 * dependent; that dependence is ignored); an absent one adds nothing.
 */
export function patientPriors(net: Network, input: Pick<CaseInput, 'age' | 'sex' | 'riskFactors'>): Float64Array {
  const status = new Map<number, boolean>();
  input.riskFactors?.forEach((r, i) => {
    const ri = net.riskIndex.get(r.id);
    if (ri === undefined) throw invalid(`unknown risk factor '${r.id}'`, { where: `riskFactors[${i}]`, field: 'id' });
    status.set(ri, r.present);
  });
  const rf = net.model.riskFactors ?? [];
  const priors = new Float64Array(net.diseases.length);
  net.diseases.forEach((d, i) => {
    let off = 1 - stratifiedPrior(d, input.age, input.sex);
    for (const l of net.risks[i]!) {
      const s = status.get(l.to);
      if (s === true) off *= 1 - l.q;
      else if (s === undefined) off *= 1 - rf[l.to]!.prevalence * l.q;
    }
    priors[i] = Math.min(Math.max(1 - off, 1e-12), 1 - 1e-9);
  });
  return priors;
}
