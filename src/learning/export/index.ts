// Training data for the model (issue 17, item 4): de-identified, audited exports in the formats open
// trainers read (docs/training-data.md), and the verifier as a reward function.
export type { ExportAudit } from './audit.js';
export { type ExportDeidentifier, exportDeidentifier, pseudonymOf } from './deidentify.js';
export { type ExportOptions, type ExportResult, exportTrainingData } from './export.js';
export { summaryPrompt, withoutSignature } from './prompt.js';
export { loadReasonedAnswers, type ReasonedAnswer } from './reasoning.js';
export {
  REWARD_DESCRIPTION,
  type RewardBreakdown,
  type RewardResult,
  rewardOfItem,
  rewardOfReport,
  verifierReward,
} from './reward.js';
export {
  checkLine,
  type DpoLine,
  type ExportKind,
  exportKinds,
  lineSchemas,
  type ReasoningLine,
  type RewardLine,
  rewardLine,
  type SftLine,
} from './schemas.js';
export { loadSummaryCases, type SummaryCase } from './summaries.js';
