export {
  MEDICATION_RULES,
  medicationRules,
  SAFETY_RULES,
  safetyRule,
  safetyRules,
  validateSafetySetting,
} from './catalog.js';
export {
  loadRuleConfiguration,
  resetRuleSetting,
  type SaveSettingInput,
  saveRuleSetting,
  type SettingValidator,
} from './config-store.js';
export {
  type CriticalValueRecord,
  criticalLoopsForPatient,
  getCriticalValue,
  type LoopStep,
  logLoopStep,
  openCriticalValues,
  recordCriticalValues,
  type StepInput,
} from './critical-loop.js';
export {
  DRUG_CLASSES,
  type DrugClassId,
  type DrugIndex,
  drugIndex,
  INGREDIENTS,
  type IngredientId,
  ingredientsOf,
} from './drugs.js';
export { ckdEpi2021, cockcroftGault, renalFunction } from './renal-function.js';
export {
  type AlertTrigger,
  type EvaluateOptions,
  evaluateRules,
  type Finding,
  type RuleConfiguration,
  type RuleResult,
  type RuleSetting,
  type SafetyGroup,
  type SafetyRule,
  severityRank,
  type Suggestion,
} from './rule.js';
export { allergyClassesOf } from './allergy-data.js';
export { criticalValueRules, type Limit, type Threshold } from './rules/critical-values.js';
export { DDI_PREDICATES } from './rules/ddi.js';
export {
  type BookClass,
  type BookDrug,
  type BookInteraction,
  type InteractionEdge,
  activeSafetyRules,
  loadSafetyRules,
  onRuleBookProblems,
  releaseLabel,
  type SafetyRuleBook,
  safetyRulesFromData,
} from './rulebook.js';
export { type Analyte, toSi, tryToSi } from './units.js';
export {
  bySeverity,
  criticalLookback,
  evaluatePatientSafety,
  inpatientStays,
  type PatientSafety,
  type PatientSafetyInput,
} from './patient-safety.js';
