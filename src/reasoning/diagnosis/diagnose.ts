import type { Bilingual, DiagnosisConclusion, Source } from '../../core/index.js';
import { counterfactuals } from './counterfactual.js';
import type { CaseInput, Observations } from './evidence.js';
import { resolveCase } from './evidence.js';
import type { Explanation } from './explain.js';
import { explainDisease, explanationConclusion } from './explain.js';
import type { InferenceOptions } from './inference.js';
import { infer } from './inference.js';
import type { Network } from './network.js';

export interface RankedDisease {
  readonly id: string;
  readonly name: Bilingual;
  /** Posterior marginal P(disease present | findings). */
  readonly probability: number;
  /** Share of the differential (marginals normalised to sum to 1). */
  readonly share: number;
  /** 1-based rank by posterior. */
  readonly rank: number;
  /** 1-based rank by expected disablement (Richens et al. 2020), among the ranked diseases. */
  readonly counterfactualRank?: number;
  readonly expectedDisablement?: number;
  readonly expectedSufficiency?: number;
  readonly severity?: number;
  /** `diagnosed`: the record already has this diagnosis (shown as 已诊断, not proposed); else `proposed`. */
  readonly status: 'proposed' | 'diagnosed';
  readonly explanation: Explanation;
  readonly conclusion: DiagnosisConclusion;
}

export interface Diagnosis {
  readonly model: string;
  readonly release?: string;
  readonly method: 'quickscore' | 'enumeration' | 'brute-force';
  readonly differential: readonly RankedDisease[];
  /** Where the counterfactual ranking puts a disease elsewhere than the posterior does. */
  readonly rankingDifferences: readonly {
    readonly disease: string;
    readonly posteriorRank: number;
    readonly counterfactualRank: number;
  }[];
  readonly observations: { readonly present: readonly string[]; readonly absent: readonly string[] };
}

export interface DiagnoseOptions extends InferenceOptions {
  /** How many diseases to rank and explain. Default 10. */
  readonly top?: number;
  /** Compute the counterfactual ranking (2 inferences per positive finding). Default true. */
  readonly counterfactual?: boolean;
  readonly patientId?: string;
  readonly sourcesOf?: (findingId: string) => readonly Source[];
  readonly riskFactors?: readonly string[];
  /** Diseases the record already diagnoses (ids): ranked as the evidence puts them, marked `diagnosed`. */
  readonly diagnosed?: ReadonlySet<string>;
  readonly createdAt?: string;
}

export function isObservations(x: CaseInput | Observations): x is Observations {
  return (x as Observations).priors instanceof Float64Array;
}

/** The ranked differential with explanations and the counterfactual ranking beside the posterior. */
export function diagnose(net: Network, input: CaseInput | Observations, options: DiagnoseOptions = {}): Diagnosis {
  const obs = isObservations(input) ? input : resolveCase(net, input);
  const riskFactors =
    options.riskFactors ??
    (isObservations(input) ? [] : (input.riskFactors ?? []).filter((r) => r.present).map((r) => r.id));
  const post = infer(net, obs, options);
  const total = post.posterior.reduce((s, p) => s + p, 0) || 1;
  const share = post.posterior.map((p) => p / total);
  const top = [...post.posterior.keys()]
    .sort((a, b) => post.posterior[b]! - post.posterior[a]!)
    .slice(0, options.top ?? 10);
  const cf = options.counterfactual === false ? undefined : counterfactuals(net, obs, post, top, options);
  const cfOrder = cf
    ? [...top].sort((a, b) => cf.disablement[b]! - cf.disablement[a]! || post.posterior[b]! - post.posterior[a]!)
    : [];
  const createdAt = options.createdAt ?? new Date().toISOString();
  const differential = top.map((d, i): RankedDisease => {
    const explain = {
      ...(options.sourcesOf ? { sourcesOf: options.sourcesOf } : {}),
      ...(options.diagnosed ? { diagnosed: options.diagnosed } : {}),
      riskFactors,
    };
    const explanation = explainDisease(net, obs, share, d, post.posterior[d]!, explain);
    const node = net.diseases[d]!;
    return {
      id: node.id,
      name: node.name,
      probability: post.posterior[d]!,
      share: share[d]!,
      rank: i + 1,
      ...(cf
        ? {
            counterfactualRank: cfOrder.indexOf(d) + 1,
            expectedDisablement: cf.disablement[d]!,
            expectedSufficiency: cf.sufficiency[d]!,
          }
        : {}),
      ...(node.severity !== undefined ? { severity: node.severity } : {}),
      status: options.diagnosed?.has(node.id) ? 'diagnosed' : 'proposed',
      explanation,
      conclusion: explanationConclusion(net, explanation, options.patientId ?? 'case', { ...explain, createdAt }),
    };
  });
  return {
    model: net.model.id,
    ...(net.model.release ? { release: net.model.release } : {}),
    method: post.method,
    differential,
    rankingDifferences: differential
      .filter((r) => r.counterfactualRank !== undefined && r.counterfactualRank !== r.rank)
      .map((r) => ({ disease: r.id, posteriorRank: r.rank, counterfactualRank: r.counterfactualRank! })),
    observations: {
      present: obs.positive.map((f) => net.findings[f]!.id),
      absent: obs.negative.map((f) => net.findings[f]!.id),
    },
  };
}
