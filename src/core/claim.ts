import type { Source } from './source.js';

export type Verdict = 'supported' | 'contradicted' | 'unsupported';

/**
 * The error taxonomy of generated clinical text (docs/domain/discharge-summary.md §4.2): E01
 * fabrication … E15 new information. Names, translations and severity are in verify/taxonomy.ts,
 * whose table must have exactly these keys (it is checked with `satisfies`).
 */
export type ErrorType =
  | 'E01'
  | 'E02'
  | 'E03'
  | 'E04'
  | 'E05'
  | 'E06'
  | 'E07'
  | 'E08'
  | 'E09'
  | 'E10'
  | 'E11'
  | 'E12'
  | 'E13'
  | 'E14'
  | 'E15';

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
  readonly errorType?: ErrorType;
}
