export type { Calibration, CalibrationBin, Evaluation, Scored } from './evaluation.js';
export { calibration, evaluateNetwork, scoreCase, summarize } from './evaluation.js';
export type { PrivateCounts, PrivateCountsOptions } from './federated.js';
export { clipContribution, privateCounts } from './federated.js';
export {
  type FeedbackInput,
  type FeedbackRow,
  FeedbackStore,
  type FeedbackTarget,
  type FeedbackVerdict,
  parseFeedback,
} from './feedback.js';
export type { LearnOptions, ModelDiff } from './learned-network.js';
export { diffModels, learnedModel } from './learned-network.js';
export type { Budget, Spend, Uniform } from './privacy.js';
export { cryptoUniform, gaussianDelta, gaussianSigma, PrivacyAccountant } from './privacy.js';
export type {
  DataDescription,
  LearnedRelease,
  Margins,
  ReleaseEvaluation,
  ReleaseEvent,
  ReleaseStatus,
} from './releases.js';
export { caseKey, LearnedReleases } from './releases.js';
export type { CaseContribution, ConfirmedCase, StatsJson, StatsLayout, SufficientStats } from './sufficient-stats.js';
export {
  addStats,
  caseContribution,
  countCases,
  emptyStats,
  statsFromJson,
  statsLayout,
  statsToJson,
} from './sufficient-stats.js';
export type { AggregatePackage, CountsPackage } from './federated-package.js';
export {
  AGGREGATE_FORMAT,
  aggregateCounts,
  aggregatePackages,
  exportPackage,
  PACKAGE_FORMAT,
} from './federated-package.js';
export * from './export/index.js';
