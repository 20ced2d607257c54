import type { Fact } from '../../core/index.js';
import {
  type FaithfulnessReport,
  type VerificationRecord,
  type VerifiedClaim,
  type VerifyOptions,
  verifyText,
} from '../../verify/index.js';
import type { RewardLine } from './schemas.js';

/**
 * The verifiable reward of a generated clinical text (the reward of `reward` items, for GRPO-style
 * training): MedSeek's verifier checks the text claim by claim against the patient's record.
 *
 * - Any contradicted claim (an invented diagnosis, a changed value, a flipped negation…) → 0: one
 *   unsafe sentence is not paid for by fluent ones.
 * - Otherwise the share of what the text had to say that it grounded in the record:
 *   grounded / (checkable + omissions), where a claim is checkable when it states something
 *   clinical (facts the NLP stage found, a number the verifier could not place, or dates and numbers
 *   it matched in the record), grounded when the verifier called it supported (its cited facts, a
 *   resource or a span of a note, or the record's own dates and numbers, bear it out), and each
 *   omitted critical fact (allergy, medication change…) counts as a miss. A clause with nothing to
 *   check (a heading, a list number) counts neither way.
 * - A text with nothing checkable earns 0 (silence is not faithfulness).
 */
export const REWARD_DESCRIPTION =
  'MedSeek verifier: reward = supported sentences cite the record and none contradicts it. ' +
  'reward = 0 if any claim is contradicted; else grounded / (checkable + omitted critical facts), in [0, 1].';

export interface RewardBreakdown {
  readonly claims: number;
  readonly checkable: number;
  readonly grounded: number;
  readonly contradicted: number;
  readonly unsupported: number;
  readonly omissions: number;
}

export interface RewardResult {
  readonly reward: number;
  readonly breakdown: RewardBreakdown;
  /** The contradicted claims and why, so a trainer's log says what cost the reward. */
  readonly contradictions: readonly { readonly text: string; readonly reason: string }[];
}

function checkable(c: VerifiedClaim): boolean {
  return c.verdict === 'contradicted' || c.facts.length > 0 || c.errorType !== undefined || c.verdict === 'supported';
}

/** The reward of a verification report (see REWARD_DESCRIPTION). */
export function rewardOfReport(report: FaithfulnessReport): RewardResult {
  const counted = report.claims.filter(checkable);
  const contradicted = report.claims.filter((c) => c.verdict === 'contradicted');
  const grounded = counted.filter((c) => c.verdict === 'supported').length;
  const unsupported = counted.filter((c) => c.verdict === 'unsupported').length;
  const omissions = report.omissions.length;
  const denominator = counted.length + omissions;
  const reward = contradicted.length > 0 || denominator === 0 ? 0 : grounded / denominator;
  return {
    reward,
    breakdown: {
      claims: report.claims.length,
      checkable: counted.length,
      grounded,
      contradicted: contradicted.length,
      unsupported,
      omissions,
    },
    contradictions: contradicted.map((c) => ({ text: c.text, reason: c.reason })),
  };
}

/** Verifies `text` against `record` (src/verify) and scores it: a number in [0, 1] with its breakdown. */
export function verifierReward(record: VerificationRecord, text: string, options: VerifyOptions = {}): RewardResult {
  return rewardOfReport(verifyText(text, record, options));
}

/**
 * The reward of a completion for an exported `reward` item: its record, citation keys and critical
 * facts are what the export wrote (de-identified, dates shifted consistently, so the completion of a
 * model that saw the same prompt is judged in the same frame).
 */
export function rewardOfItem(item: RewardLine, completion: string): RewardResult {
  return verifierReward(item.record as unknown as VerificationRecord, completion, {
    lang: item.lang,
    citations: item.citations,
    critical: item.critical as unknown as readonly Fact[],
  });
}
