export {
  DEFAULT_DEDUCTIONS,
  evaluateQc,
  QC_SEVERITY,
  type QcIssueResult,
  type QcOptions,
  type QcReport,
  validateQcSetting,
} from './engine.js';
export { encounterFromResources, type EncounterResources } from './from-fhir.js';
export type { DocType, QcDocument, QcEncounter, QcHomepage, QcOrder, QcResult, QcSurgery, Title } from './model.js';
export type { QcCategory, QcContext, QcIssue, QcPredicate, QcRule, QcSeverity } from './rule.js';
export {
  activeQualityRules,
  buildRuleBook,
  loadQualityRules,
  QC_PREDICATES,
  type QcAuthority,
  type QcRuleBook,
  qualityRulesFromData,
} from './rulebook.js';
export { type QcRunSummary, summarise, toHtml, toMarkdown } from './report.js';
export { isInpatient, type QcResourceSource, type RunQcOptions, runQc, withCriticalLoops } from './run.js';
export { saveQcReport } from './store.js';
export { parseSections, similarity } from './text.js';
