import { invalid } from '../../core/index.js';
import type { RuleSetting, SafetyRule } from './rule.js';
import { allergyRules } from './rules/allergy.js';
import { contraindicationRules } from './rules/contraindication.js';
import { criticalValueRules, validateCriticalParams } from './rules/critical-values.js';
import { ddiRules } from './rules/ddi.js';
import { doseRules } from './rules/dose.js';
import { duplicateRules } from './rules/duplicate.js';
import { pgxRules } from './rules/pgx.js';
import { renalRules } from './rules/renal.js';
import { type SafetyRuleBook, safetyRulesFromData } from './rulebook.js';

const built = new WeakMap<SafetyRuleBook, readonly SafetyRule[]>();

/**
 * Every safety rule a rule book gives, in the order cards are built: interactions first, critical
 * values last. Built once per book (a release's book is cached by release id).
 */
export function safetyRules(book: SafetyRuleBook): readonly SafetyRule[] {
  let rules = built.get(book);
  if (!rules) {
    rules = [
      ...ddiRules(book),
      ...allergyRules(book),
      ...contraindicationRules(book),
      ...doseRules(book),
      ...renalRules(book),
      ...duplicateRules(book),
      ...pgxRules(book),
      ...criticalValueRules(book),
    ];
    built.set(book, rules);
  }
  return rules;
}

/** Medication rules only (what order-select / order-sign run). */
export function medicationRules(book: SafetyRuleBook): readonly SafetyRule[] {
  return safetyRules(book).filter((r) => r.group !== 'critical-value');
}

/** The rules of the bundled data files: for callers with no knowledge release (tests, QC, the CLI without a database). */
export const SAFETY_RULES: readonly SafetyRule[] = safetyRules(safetyRulesFromData());
export const MEDICATION_RULES: readonly SafetyRule[] = medicationRules(safetyRulesFromData());

export function safetyRule(id: string): SafetyRule | undefined {
  return SAFETY_RULES.find((r) => r.id === id);
}

/**
 * Validates a hospital's setting for a safety rule: the rule exists (among `rules`: the active
 * release's, or by default the bundled data files') and its parameters make sense.
 */
export function validateSafetySetting(
  ruleId: string,
  setting: RuleSetting,
  rules: readonly SafetyRule[] = SAFETY_RULES,
): void {
  const rule = rules.find((r) => r.id === ruleId);
  if (!rule) throw invalid(`unknown rule '${ruleId}'`, { field: 'ruleId' });
  const params = setting.params ?? {};
  for (const key of Object.keys(params)) {
    if (!(key in (rule.defaults ?? {})) && key !== 'population')
      throw invalid(
        `rule ${ruleId} has no parameter '${key}'; known: ${Object.keys(rule.defaults ?? {}).join(', ') || 'none'}`,
        { where: ruleId, field: `params.${key}` },
      );
  }
  for (const k of ['below', 'maxDailyMg', 'lookbackHours'] as const) {
    if (
      params[k] !== undefined &&
      (typeof params[k] !== 'number' || !Number.isFinite(params[k] as number) || (params[k] as number) <= 0)
    ) {
      throw invalid(`${k} must be a positive number`, { where: ruleId, field: `params.${k}` });
    }
  }
  if (rule.defaults && 'measure' in rule.defaults) {
    if (params.measure !== undefined && params.measure !== 'egfr' && params.measure !== 'crcl')
      throw invalid("measure must be 'egfr' or 'crcl'", { where: ruleId, field: 'params.measure' });
    if (setting.enabled && params.measure === undefined)
      throw invalid(
        `${ruleId}'s source does not say eGFR or CrCl: set params.measure ('egfr' or 'crcl') to enable it`,
        { where: ruleId, field: 'params.measure' },
      );
  }
  validateCriticalParams(ruleId, params);
}
