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
export type { CalibrationMap, CalibrationReport, FitOptions, PlattParams } from './calibration-map.js';
export { calibrate, calibrateScored, calibrationReport, fitCalibration, fitPlatt } from './calibration-map.js';
export type { CalibrationEvaluation, CalibrationMargins, CalibrationRelease } from './calibrations.js';
export { CalibrationReleases } from './calibrations.js';
export type { AppliedCalibration } from './calibrated-differential.js';
export { calibrateDifferential } from './calibrated-differential.js';
export type {
  AlertContext,
  BurdenCounts,
  BurdenDecision,
  BurdenOptions,
  RuleBurden,
  ThresholdSuggestion,
} from './alert-burden.js';
export {
  alertBurden,
  burdenOf,
  recordAlertContext,
  THRESHOLD_DIRECTIONS,
  thresholdSuggestion,
} from './alert-burden.js';
export { readConfirmedCases } from './confirmed-cases.js';
export * from './secure-aggregation.js';
export * from './secure-aggregation-keys.js';
export type { RoundSecret, SharesFile } from './secure-aggregation-shares.js';
export {
  defaultThreshold,
  makeShares,
  ROUND_SECRET_FORMAT,
  SHARES_FORMAT,
} from './secure-aggregation-shares.js';
export type { DropoutRecord, UnmaskRequest, UnmaskResponse } from './secure-aggregation-unmask.js';
export {
  achievedPrivacy,
  aggregateWithRecovery,
  answerUnmask,
  gaussianEpsilon,
  REQUEST_FORMAT,
  RESPONSE_FORMAT,
  unmaskRequest,
} from './secure-aggregation-unmask.js';
export type { DapAggregate } from './dap-collector.js';
export { collectDap } from './dap-collector.js';
export type { DapRelease } from './dap-client.js';
export { exportDap } from './dap-client.js';
export type { DapAggregatorServer } from './dap-http.js';
export { startDapAggregator } from './dap-http.js';
export type { DapSecret, DapTask } from './dap-task.js';
export { createDapTask, DAP_TASK_FORMAT, parseDapSecret, parseDapTask } from './dap-task.js';
export type { ConfirmationSource, StoredCase, StoredConfirmation } from './confirmed-store.js';
export { ConfirmedCaseStore, confirmationId, splitHeldBack } from './confirmed-store.js';
export type { StoreFitRequest, StoreFitResult } from './fit-from-store.js';
export { fitFromStore } from './fit-from-store.js';
export type {
  CandidateKind,
  CandidateStatus,
  CorrectedFact,
  CueDirection,
  CurationCandidate,
  CurationExport,
  CurationSpan,
} from './curation.js';
export { ASSERTIONS, CONTEXT_CATEGORY, CurationCandidates, candidatesOf, curationExport } from './curation.js';
