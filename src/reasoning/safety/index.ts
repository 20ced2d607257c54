export { MEDICATION_RULES, SAFETY_RULES, safetyRule, validateSafetySetting } from './catalog.js';
export { loadRuleConfiguration, resetRuleSetting, type SaveSettingInput, saveRuleSetting, type SettingValidator } from './config-store.js';
export { type CriticalValueRecord, criticalLoopsForPatient, getCriticalValue, type LoopStep, logLoopStep, openCriticalValues, recordCriticalValues, type StepInput } from './critical-loop.js';
export { DRUG_CLASSES, type DrugClassId, INGREDIENTS, type IngredientId, ingredientsOf } from './drugs.js';
export { ckdEpi2021, cockcroftGault, renalFunction } from './renal-function.js';
export {
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
export { CV_SPECS, type Limit, type Threshold } from './rules/critical-values.js';
export { DDI_SPECS, ONC_PAIRS } from './rules/ddi.js';
export { type Analyte, toSi, tryToSi } from './units.js';
