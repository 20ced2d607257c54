import type { Bilingual } from './concept.js';
import type { Fact } from './fact.js';
import type { KnowledgeSource, Source } from './source.js';

/** One piece of support (or opposition) for a conclusion, and how much it contributed. */
export interface Evidence {
  /** supports / refutes the conclusion; `missing` = expected but absent; `context` = relevant, neutral. */
  readonly role: 'supports' | 'refutes' | 'missing' | 'context';
  readonly statement: Bilingual;
  /** The patient fact behind it (id), when there is one. */
  readonly factId?: string;
  /** Where it came from in the record; clickable. */
  readonly sources: readonly Source[];
  /** The knowledge edges it rests on (every edge names its authority). */
  readonly knowledge?: readonly KnowledgeSource[];
  /** Signed weight, e.g. a log-likelihood ratio; positive supports. */
  readonly contribution?: number;
}

/** The kinds a conclusion can be: `Conclusion` is a union discriminated by it. */
export type ConclusionKind = 'diagnosis' | 'alert' | 'quality' | 'recommendation' | 'question';
export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

/** Whether a language model took part, and if so which and under what privacy. */
export interface ModelUse {
  readonly used: boolean;
  readonly provider?: string;
  readonly model?: string;
  readonly deidentified?: boolean;
  /** Why the model was not used (none configured, failed, circuit open…). */
  readonly reason?: string;
  /** The model's reasoning trace, kept apart from the answer. */
  readonly rationale?: string;
}

/** What every conclusion carries, whatever its kind: what it says, for whom, and its evidence. */
interface ConclusionBase {
  readonly id: string;
  /** Rule or model that produced it, e.g. `ddi/warfarin-nsaid`, `diagnosis/noisy-or`. */
  readonly producer: string;
  readonly patientId: string;
  readonly statement: Bilingual;
  readonly detail?: Bilingual;
  /** The concept concluded (a disease, a drug pair…), when there is one. */
  readonly concept?: Fact['concept'];
  readonly evidence: readonly Evidence[];
  /** The knowledge release it used. */
  readonly knowledgeRelease?: string;
  readonly model?: ModelUse;
  readonly createdAt: string;
}

/** A disease in the differential: its posterior probability, and how serious the disease is where known. */
export interface DiagnosisConclusion extends ConclusionBase {
  readonly kind: 'diagnosis';
  /** 0..1: the posterior probability. */
  readonly confidence: number;
  readonly severity?: Severity;
}

/** A safety rule firing (interaction, allergy, dose, critical value…): always with its severity. */
export interface AlertConclusion extends ConclusionBase {
  readonly kind: 'alert';
  readonly severity: Severity;
}

/** A record-quality finding (病历质控): always with its severity. */
export interface QualityConclusion extends ConclusionBase {
  readonly kind: 'quality';
  readonly severity: Severity;
}

/** Something to do (an order, a test, a referral), with how sure the producer is where it says. */
export interface RecommendationConclusion extends ConclusionBase {
  readonly kind: 'recommendation';
  /** 0..1 where it is a probability. */
  readonly confidence?: number;
  readonly severity?: Severity;
}

/** Something to ask the patient or clinician next, and how much it would tell where known. */
export interface QuestionConclusion extends ConclusionBase {
  readonly kind: 'question';
  /** 0..1 where it is a probability. */
  readonly confidence?: number;
  readonly severity?: Severity;
}

/** What a reasoner says, always with its evidence; the fields a kind has depend on the kind. */
export type Conclusion =
  | DiagnosisConclusion
  | AlertConclusion
  | QualityConclusion
  | RecommendationConclusion
  | QuestionConclusion;

/** The conclusion of one kind. */
export type ConclusionOf<K extends ConclusionKind> = Extract<Conclusion, { readonly kind: K }>;
