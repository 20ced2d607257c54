import type { Source } from './source.js';

export type Verdict = 'supported' | 'contradicted' | 'unsupported';

/** One atomic statement of generated (or human-written) text, checked against the record. */
export interface Claim {
  readonly id: string;
  readonly text: string;
  /** Offsets into the checked text, `[start, end)`. */
  readonly start: number;
  readonly end: number;
  /** Fact ids the text cited (e.g. `[F12]` markers). */
  readonly citations: readonly string[];
  readonly verdict: Verdict;
  /** Why, in words a clinician can read. */
  readonly reason: string;
  /** The sources that support or contradict it. */
  readonly evidence: readonly Source[];
  /** Error type from the taxonomy where one applies (E01 fabrication, E02 negation flip, …). */
  readonly errorType?: string;
}
