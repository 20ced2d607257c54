import { invalid } from '../../core/index.js';
import type { RuleSetting, SafetyRule } from './rule.js';
import { ALLERGY_RULES } from './rules/allergy.js';
import { CONTRAINDICATION_RULES } from './rules/contraindication.js';
import { CRITICAL_VALUE_RULES, validateCriticalParams } from './rules/critical-values.js';
import { DDI_RULES } from './rules/ddi.js';
import { DOSE_RULES } from './rules/dose.js';
import { DUPLICATE_RULES } from './rules/duplicate.js';
import { PGX_RULES } from './rules/pgx.js';
import { RENAL_RULES } from './rules/renal.js';

/** Every safety rule, in the order cards are built: interactions first, critical values last. */
export const SAFETY_RULES: readonly SafetyRule[] = [
  ...DDI_RULES,
  ...ALLERGY_RULES,
  ...CONTRAINDICATION_RULES,
  ...DOSE_RULES,
  ...RENAL_RULES,
  ...DUPLICATE_RULES,
  ...PGX_RULES,
  ...CRITICAL_VALUE_RULES,
];

/** Medication rules only (what order-select / order-sign run). */
export const MEDICATION_RULES: readonly SafetyRule[] = SAFETY_RULES.filter((r) => r.group !== 'critical-value');

export function safetyRule(id: string): SafetyRule | undefined {
  return SAFETY_RULES.find((r) => r.id === id);
}

/** Validates a hospital's setting for a safety rule: the rule exists and its parameters make sense. */
export function validateSafetySetting(ruleId: string, setting: RuleSetting): void {
  const rule = safetyRule(ruleId);
  if (!rule) throw invalid(`unknown rule '${ruleId}'`, { field: 'ruleId' });
  const params = setting.params ?? {};
  for (const key of Object.keys(params)) {
    if (!(key in (rule.defaults ?? {})) && key !== 'population') throw invalid(`rule ${ruleId} has no parameter '${key}'; known: ${Object.keys(rule.defaults ?? {}).join(', ') || 'none'}`, { where: ruleId, field: `params.${key}` });
  }
  for (const k of ['below', 'maxDailyMg', 'lookbackHours'] as const) {
    if (params[k] !== undefined && (typeof params[k] !== 'number' || !Number.isFinite(params[k] as number) || (params[k] as number) <= 0)) {
      throw invalid(`${k} must be a positive number`, { where: ruleId, field: `params.${k}` });
    }
  }
  if (rule.defaults && 'measure' in rule.defaults) {
    if (params.measure !== undefined && params.measure !== 'egfr' && params.measure !== 'crcl') throw invalid("measure must be 'egfr' or 'crcl'", { where: ruleId, field: 'params.measure' });
    if (setting.enabled && params.measure === undefined) throw invalid(`${ruleId}'s source does not say eGFR or CrCl: set params.measure ('egfr' or 'crcl') to enable it`, { where: ruleId, field: 'params.measure' });
  }
  validateCriticalParams(ruleId, params);
}
