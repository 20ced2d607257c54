import type { Lang, ModelUse, Source } from '../../core/index.js';

/**
 * What one sentence of an answer is: a statement read from the record (`record`, cites facts), a
 * statement about the record itself that cites nothing because there is nothing to cite (`absence`:
 * "no allergy is recorded"), the reader saying what it cannot answer (`refusal`), or a note's sentence
 * quoted verbatim with its note and span (`quote`: where the orders do not say why or when, the notes may).
 */
export type SentenceKind = 'record' | 'absence' | 'refusal' | 'quote';

/**
 * The verifier's word on a sentence before it is shown: `verified` (supported by the record),
 * `flagged` (shown, marked: the verifier found no claim it could check, though the cited facts state
 * what it says), `removed` (contradicted, citing nothing, or citing facts that do not say it: never
 * shown), `not-checked` (refusals and absences: they state nothing about the patient).
 */
export type SentenceStatus = 'verified' | 'flagged' | 'removed' | 'not-checked';

export interface AnswerSentence {
  readonly text: string;
  readonly kind: SentenceKind;
  readonly status: SentenceStatus;
  /** Fact ids the sentence cites (the workspace links them to their sources). */
  readonly factIds: readonly string[];
  /** The cited facts' sources: FHIR resources and note spans. */
  readonly sources: readonly Source[];
  /** Why it was flagged or removed, in the answer's language. */
  readonly reason?: string;
}

/** What the reader understood the question to ask. */
export type AskIntent =
  | 'lab-value'
  | 'drug-event'
  | 'drug-class'
  | 'drug-dose'
  | 'drug-status'
  | 'current-drugs'
  | 'problems'
  | 'condition-date'
  | 'allergies'
  | 'genotype'
  | 'unsupported';

export interface AskAnswer {
  readonly patientId: string;
  readonly question: string;
  readonly lang: Lang;
  readonly intent: AskIntent;
  /** The sentences shown, in order (removed ones are in `removed`). */
  readonly sentences: readonly AnswerSentence[];
  /** Sentences the verifier kept from being shown, with why. */
  readonly removed: readonly AnswerSentence[];
  /** True when the answer says plainly that the record (or the reader) cannot answer the question. */
  readonly refused: boolean;
  /** `model`: the agent loop's verified answer; `deterministic`: the question reader's. */
  readonly answeredBy: 'model' | 'deterministic';
  readonly model: ModelUse;
  /** The tool calls made, in order (name and arguments), for the audit and the workspace. */
  readonly toolCalls: readonly { readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }[];
  /** The text of the answer as shown, with citation markers `[F1]` → `citations`. */
  readonly text: string;
  readonly citations: Readonly<Record<string, string>>;
}
