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

/** What a reasoner says, always with its evidence. */
export interface Conclusion {
  readonly id: string;
  readonly kind: ConclusionKind;
  /** Rule or model that produced it, e.g. `ddi/warfarin-nsaid`, `diagnosis/noisy-or`. */
  readonly producer: string;
  readonly patientId: string;
  readonly statement: Bilingual;
  readonly detail?: Bilingual;
  /** 0..1 where it is a probability. */
  readonly confidence?: number;
  readonly severity?: Severity;
  /** The concept concluded (a disease, a drug pair…), when there is one. */
  readonly concept?: Fact['concept'];
  readonly evidence: readonly Evidence[];
  /** The knowledge release it used. */
  readonly knowledgeRelease?: string;
  readonly model?: ModelUse;
  readonly createdAt: string;
}
