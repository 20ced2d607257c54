import type { Bilingual, Coding, KnowledgeSource, Sex } from '../../core/index.js';
import { invalid } from '../../core/index.js';

/**
 * A causal Bayesian network for diagnosis, as plain data:
 *
 *   risk factors ──(noisy-OR)──▶ diseases ──(noisy-OR with leak)──▶ findings
 *
 * Diseases are independent given the observed risk factors (the BN2O / QMR-DT structure,
 * Shwe et al. 1991). A finding is absent unless one of its present parent diseases "activates"
 * it (edge probability) or its leak does. Every edge names the knowledge that asserts it.
 */
export interface CausalModel {
  readonly id: string;
  readonly title?: Bilingual;
  /** The knowledge release or data set (and split) the parameters came from. */
  readonly release?: string;
  readonly diseases: readonly DiseaseNode[];
  readonly findings: readonly FindingNode[];
  readonly riskFactors?: readonly RiskFactorNode[];
  readonly edges: readonly CausalEdge[];
  /** Questions a consultation can ask; each reveals one or more findings. */
  readonly questions?: readonly QuestionNode[];
}

export interface DiseaseNode {
  readonly id: string;
  readonly name: Bilingual;
  readonly coding?: Coding;
  /** P(disease present) with no risk factor present, for a patient of unknown age and sex. */
  readonly prior: number;
  /** More specific priors; the first entry that matches the patient (sex and age band) wins. */
  readonly priors?: readonly StratifiedPrior[];
  /** 1 (life-threatening) … 5 (benign), as DDXPlus grades pathologies; drives the danger weighting. */
  readonly severity?: number;
  /**
   * Where `prior` comes from: `source` (a prevalence the knowledge gives), or `uniform` (none given:
   * the same documented default for every such disease, `UNIFORM_PRIOR` unless the caller sets one).
   * Explanations say which. Absent: `source`.
   */
  readonly priorBasis?: 'source' | 'uniform';
}

export interface StratifiedPrior {
  readonly sex?: Sex;
  /** Age band `[ageFrom, ageTo)` in years. */
  readonly ageFrom?: number;
  readonly ageTo?: number;
  readonly prior: number;
}

export type FindingKind = 'symptom' | 'sign' | 'antecedent' | 'test';

export interface FindingNode {
  readonly id: string;
  readonly name: Bilingual;
  readonly kind: FindingKind;
  /** P(finding present | no modelled disease present). Kept ≥ 1e-6 so every finding is explainable. */
  readonly leak: number;
  /** Alternative names the fallback complaint matcher may use. */
  readonly synonyms?: readonly string[];
  readonly coding?: Coding;
  /** For a test result (an abnormal lab, an imaging impression, an ECG statement): how a record shows it. */
  readonly result?: ResultCriterion;
}

/**
 * How a result finding is read from a patient record, as the knowledge release states it
 * (`src/knowledge/data/results-evidence`): a measurement beyond its reference range in one
 * direction (`loinc` codes; the record's own range or interpretation decides, else `threshold`),
 * or a statement in a report or note (`patterns`, regular expressions, matched in a sentence that
 * names one of `context`, e.g. CT, 胸片, 心电图).
 */
export type ResultCriterion =
  | {
      readonly kind: 'measurement';
      readonly loinc: readonly string[];
      readonly direction: 'high' | 'low';
      /** Used when the record gives neither a reference range nor an interpretation. */
      readonly threshold?: { readonly value: number; readonly unit: string };
    }
  | {
      readonly kind: 'statement';
      readonly patterns: readonly string[];
      readonly context: readonly string[];
    };

export interface RiskFactorNode {
  readonly id: string;
  readonly name: Bilingual;
  /** Population prevalence, used when the patient's status is unknown. */
  readonly prevalence: number;
}

/**
 * `causes`: disease → finding, P(finding activated | disease present).
 * `risk`: risk factor → disease, P(disease activated | risk factor present) (noisy-OR on the prior).
 */
export interface CausalEdge {
  readonly kind: 'causes' | 'risk';
  readonly from: string;
  readonly to: string;
  readonly probability: number;
  /**
   * `unknown` when the source gives no frequency: `probability` is then the documented default
   * (`KnowledgeModelOptions.defaultEdge`) used for inference only, and explanations say
   * "frequency unknown" instead of showing it. Absent: the source's own number.
   */
  readonly frequency?: 'unknown';
  readonly source: KnowledgeSource;
}

/**
 * One question and the findings its answer settles.
 * - `binary`: one finding, yes / no.
 * - `choice` / `multi`: one finding per option (`choice` = exactly one, `multi` = any number);
 *   options not chosen become absent.
 * - `scale`: a number 0–10; `thresholds` findings `id≥t` are present when the value reaches t.
 */
export interface QuestionNode {
  readonly id: string;
  readonly text: Bilingual;
  readonly kind: 'binary' | 'choice' | 'multi' | 'scale';
  readonly options: readonly QuestionOption[];
  /** Ask only after this finding is known to be present (e.g. pain location after "any pain?"). */
  readonly askIf?: string;
  /** Answer values meaning "none of the options" (DDXPlus defaults such as `V_123` nowhere, `N`). */
  readonly none?: readonly (string | number)[];
  /** The history-of-present-illness slot (OPQRST / SOCRATES, consultation.md §2.2) its answer fills. */
  readonly slot?: HpiSlot;
}

export type HpiSlot = 'onset' | 'site' | 'character' | 'radiation' | 'severity' | 'timing' | 'modifiers';

export interface QuestionOption {
  /** The finding this option makes present (binary: the single finding). */
  readonly finding: string;
  /** The option's value as data sets write it (`V_26`, or a threshold for scales). */
  readonly value?: string | number;
  readonly label?: Bilingual;
}

/** Checks ids, ranges and references; throws naming the entry at fault. */
export function validateModel(model: CausalModel): void {
  const issues: { message: string; location: { where: string; field?: string } }[] = [];
  const ids = new Set<string>();
  const diseaseIds = new Set<string>();
  const findingIds = new Set<string>();
  const riskIds = new Set<string>();
  const prob = (p: number) => Number.isFinite(p) && p >= 0 && p <= 1;
  model.diseases.forEach((d, i) => {
    if (ids.has(d.id))
      issues.push({ message: `duplicate id '${d.id}'`, location: { where: `diseases[${i}]`, field: 'id' } });
    ids.add(d.id);
    diseaseIds.add(d.id);
    if (!prob(d.prior))
      issues.push({
        message: `prior ${d.prior} is not a probability`,
        location: { where: `diseases[${i}]`, field: 'prior' },
      });
    d.priors?.forEach((s, k) => {
      if (!prob(s.prior))
        issues.push({
          message: `prior ${s.prior} is not a probability`,
          location: { where: `diseases[${i}].priors[${k}]`, field: 'prior' },
        });
    });
  });
  model.findings.forEach((f, i) => {
    if (ids.has(f.id))
      issues.push({ message: `duplicate id '${f.id}'`, location: { where: `findings[${i}]`, field: 'id' } });
    ids.add(f.id);
    findingIds.add(f.id);
    if (!prob(f.leak))
      issues.push({
        message: `leak ${f.leak} is not a probability`,
        location: { where: `findings[${i}]`, field: 'leak' },
      });
  });
  (model.riskFactors ?? []).forEach((r, i) => {
    if (ids.has(r.id))
      issues.push({ message: `duplicate id '${r.id}'`, location: { where: `riskFactors[${i}]`, field: 'id' } });
    ids.add(r.id);
    riskIds.add(r.id);
    if (!prob(r.prevalence))
      issues.push({
        message: `prevalence ${r.prevalence} is not a probability`,
        location: { where: `riskFactors[${i}]`, field: 'prevalence' },
      });
  });
  model.edges.forEach((e, i) => {
    const where = `edges[${i}]`;
    if (!prob(e.probability))
      issues.push({
        message: `probability ${e.probability} is not a probability`,
        location: { where, field: 'probability' },
      });
    if (e.kind === 'causes') {
      if (!diseaseIds.has(e.from))
        issues.push({ message: `unknown disease '${e.from}'`, location: { where, field: 'from' } });
      if (!findingIds.has(e.to))
        issues.push({ message: `unknown finding '${e.to}'`, location: { where, field: 'to' } });
    } else {
      if (!riskIds.has(e.from))
        issues.push({ message: `unknown risk factor '${e.from}'`, location: { where, field: 'from' } });
      if (!diseaseIds.has(e.to))
        issues.push({ message: `unknown disease '${e.to}'`, location: { where, field: 'to' } });
    }
    if (!e.source?.edgeId)
      issues.push({ message: 'every edge needs a knowledge source', location: { where, field: 'source' } });
  });
  (model.questions ?? []).forEach((q, i) => {
    if (q.options.length === 0)
      issues.push({
        message: 'a question needs at least one option',
        location: { where: `questions[${i}]`, field: 'options' },
      });
    q.options.forEach((o, k) => {
      if (!findingIds.has(o.finding))
        issues.push({
          message: `unknown finding '${o.finding}'`,
          location: { where: `questions[${i}].options[${k}]`, field: 'finding' },
        });
    });
  });
  if (issues.length > 0) {
    const first = issues[0]!;
    throw invalid(
      `causal model '${model.id}': ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
      first.location,
    );
  }
}
