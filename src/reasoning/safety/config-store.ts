import type { Severity, Sql } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import type { RuleConfiguration, RuleSetting } from './rule.js';

/**
 * Per-hospital rule configuration in the database (`reasoning_rule_config`, migration 0450): enable,
 * disable, change severity or parameters (thresholds, time limits) of any rule. Every write is also
 * appended to `reasoning_rule_config_history`. Settings are validated before they are stored.
 */
const SEVERITIES: readonly Severity[] = ['info', 'low', 'moderate', 'high', 'critical'];

export type SettingValidator = (ruleId: string, setting: RuleSetting) => void;

export async function loadRuleConfiguration(sql: Sql, hospitalId = 'default'): Promise<RuleConfiguration> {
  const { rows } = await sql.query<{
    rule_id: string;
    enabled: boolean | null;
    severity: string | null;
    params: Record<string, unknown>;
  }>('select rule_id, enabled, severity, params from reasoning_rule_config where hospital_id = $1', [hospitalId]);
  const out: Record<string, RuleSetting> = {};
  for (const r of rows) {
    out[r.rule_id] = {
      ...(r.enabled !== null ? { enabled: r.enabled } : {}),
      ...(r.severity ? { severity: r.severity as Severity } : {}),
      ...(r.params && Object.keys(r.params).length > 0 ? { params: r.params } : {}),
    };
  }
  return out;
}

export interface SaveSettingInput {
  readonly hospitalId?: string;
  readonly ruleId: string;
  readonly setting: RuleSetting;
  readonly updatedBy?: string;
}

/** Stores one rule's setting (replacing the previous one) after `validate` accepts it. */
export async function saveRuleSetting(sql: Sql, input: SaveSettingInput, validate: SettingValidator): Promise<void> {
  const { ruleId, setting } = input;
  const hospitalId = input.hospitalId ?? 'default';
  if (setting.severity !== undefined && !SEVERITIES.includes(setting.severity)) {
    throw invalid(`severity must be one of ${SEVERITIES.join(', ')}`, { where: ruleId, field: 'severity' });
  }
  if (setting.enabled !== undefined && typeof setting.enabled !== 'boolean')
    throw invalid('enabled must be true or false', { where: ruleId, field: 'enabled' });
  if (
    setting.params !== undefined &&
    (typeof setting.params !== 'object' || setting.params === null || Array.isArray(setting.params))
  ) {
    throw invalid('params must be an object', { where: ruleId, field: 'params' });
  }
  validate(ruleId, setting);
  const params = JSON.stringify(setting.params ?? {});
  await sql.transaction(async (tx) => {
    await tx.query(
      `insert into reasoning_rule_config (hospital_id, rule_id, enabled, severity, params, updated_by, updated_at)
       values ($1, $2, $3, $4, $5::jsonb, $6, now())
       on conflict (hospital_id, rule_id) do update set enabled = excluded.enabled, severity = excluded.severity,
         params = excluded.params, updated_by = excluded.updated_by, updated_at = now()`,
      [hospitalId, ruleId, setting.enabled ?? null, setting.severity ?? null, params, input.updatedBy ?? null],
    );
    await tx.query(
      'insert into reasoning_rule_config_history (hospital_id, rule_id, enabled, severity, params, updated_by) values ($1, $2, $3, $4, $5::jsonb, $6)',
      [hospitalId, ruleId, setting.enabled ?? null, setting.severity ?? null, params, input.updatedBy ?? null],
    );
  });
}

/** Removes a hospital's setting so the rule's defaults apply again. */
export async function resetRuleSetting(sql: Sql, ruleId: string, hospitalId = 'default'): Promise<void> {
  await sql.query('delete from reasoning_rule_config where hospital_id = $1 and rule_id = $2', [hospitalId, ruleId]);
}
