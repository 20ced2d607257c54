import type { Severity, Sql } from '../../core/index.js';
import { invalid, notFound } from '../../core/index.js';
import {
  activeQualityRules,
  activeSafetyRules,
  loadRuleConfiguration,
  QC_SEVERITY,
  type QcRuleBook,
  type RuleSetting,
  type SafetyRule,
  safetyRules,
  saveRuleSetting,
  validateQcSetting,
  validateSafetySetting,
} from '../../reasoning/index.js';

/**
 * The administrator's side of the per-hospital rule configuration the reasoning stage already
 * keeps (`reasoning_rule_config` and its history, migration 0450): the catalogue of safety and
 * record-QC rules with their defaults and the hospital's settings, a change (validated by the
 * rule's own validator, stamped with who), the history of changes (each row is a version, with the
 * setting before it), and a revert (the older setting saved again, as a new version).
 */
export interface RuleEntry {
  readonly id: string;
  readonly kind: 'safety' | 'qc';
  /** Safety group (ddi, critical-value…) or QC category (timeliness…). */
  readonly group: string;
  readonly title: { readonly en?: string; readonly zh: string };
  readonly defaultSeverity: Severity;
  readonly defaultEnabled: boolean;
  readonly defaults: Readonly<Record<string, unknown>>;
  /** The hospital's setting, when it has one. */
  readonly setting?: RuleSetting;
}

export interface RuleVersion {
  /** The history row's id: increases with every change of any rule. */
  readonly version: number;
  readonly hospital: string;
  readonly ruleId: string;
  readonly after: RuleSetting;
  /** The setting before this change; absent when the rule had none (its defaults applied). */
  readonly before?: RuleSetting;
  readonly changedBy?: string;
  readonly changedAt: string;
}

const HOSPITAL = /^[A-Za-z0-9][\w.-]{0,63}$/;

export function checkHospital(hospital: string | undefined): string {
  const h = hospital?.trim() || 'default';
  if (!HOSPITAL.test(h)) throw invalid(`'${h}' is not a hospital id (letters, digits, . _ -)`, { field: 'hospital' });
  return h;
}

/**
 * The safety rules a hospital can configure: those of the active knowledge release (a curator's
 * new interaction is a rule too), or of the bundled data files before any release is active.
 */
async function activeRules(sql: Sql): Promise<readonly SafetyRule[]> {
  return safetyRules(await activeSafetyRules(sql));
}

function kindOf(ruleId: string, safety: readonly SafetyRule[], qc: QcRuleBook): 'safety' | 'qc' {
  if (safety.some((r) => r.id === ruleId)) return 'safety';
  if (qc.rule(ruleId)) return 'qc';
  throw invalid(
    `unknown rule '${ruleId}': neither a safety rule of the active knowledge release nor a QC rule ` +
      '(GET settings/rules lists them)',
    { field: 'ruleId' },
  );
}

export async function ruleCatalogue(
  sql: Sql,
  hospital: string,
): Promise<{ hospital: string; hospitals: string[]; rules: RuleEntry[] }> {
  const config = await loadRuleConfiguration(sql, hospital);
  const qc = await activeQualityRules(sql);
  const safety = await activeRules(sql);
  const known = await sql.query<{ hospital_id: string }>(
    'select distinct hospital_id from reasoning_rule_config_history order by hospital_id',
  );
  const hospitals = [...new Set(['default', hospital, ...known.rows.map((r) => r.hospital_id)])];
  const withSetting = <T extends object>(e: T, id: string) => (config[id] ? { ...e, setting: config[id] } : e);
  const rules: RuleEntry[] = [
    ...safety.map((r) =>
      withSetting(
        {
          id: r.id,
          kind: 'safety' as const,
          group: r.group,
          title: r.title,
          defaultSeverity: r.severity,
          defaultEnabled: r.defaultEnabled ?? true,
          defaults: r.defaults ?? {},
        },
        r.id,
      ),
    ),
    ...qc.rules.map((r) =>
      withSetting(
        {
          id: r.id,
          kind: 'qc' as const,
          group: r.category,
          title: r.title,
          defaultSeverity: QC_SEVERITY[r.severity],
          defaultEnabled: r.defaultEnabled ?? true,
          defaults: r.defaults ?? {},
        },
        r.id,
      ),
    ),
  ];
  return { hospital, hospitals, rules };
}

/** Validates and saves one rule's setting for a hospital; returns the new version. */
export async function saveRule(
  sql: Sql,
  hospital: string,
  ruleId: string,
  setting: unknown,
  by: string,
): Promise<RuleVersion> {
  const qc = await activeQualityRules(sql);
  const safety = await activeRules(sql);
  const kind = kindOf(ruleId, safety, qc);
  if (typeof setting !== 'object' || setting === null || Array.isArray(setting))
    throw invalid('the body must be an object {enabled?, severity?, params?}', { field: 'body' });
  const unknownKey = Object.keys(setting).find((k) => !['enabled', 'severity', 'params'].includes(k));
  if (unknownKey)
    throw invalid(`unknown field '${unknownKey}'; a rule setting has enabled, severity, params`, {
      where: ruleId,
      field: unknownKey,
    });
  const s = setting as RuleSetting;
  const clean: RuleSetting = {
    ...(s.enabled !== undefined ? { enabled: s.enabled } : {}),
    ...(s.severity !== undefined ? { severity: s.severity } : {}),
    ...(s.params !== undefined ? { params: s.params } : {}),
  };
  await saveRuleSetting(
    sql,
    { hospitalId: hospital, ruleId, setting: clean, updatedBy: by },
    kind === 'safety' ? (id, s) => validateSafetySetting(id, s, safety) : (id, s) => validateQcSetting(qc, id, s),
  );
  const latest = await ruleHistory(sql, hospital, ruleId, 1);
  return latest[0]!;
}

/** Changes, newest first (one rule, or every rule of the hospital). */
export async function ruleHistory(sql: Sql, hospital: string, ruleId?: string, limit = 200): Promise<RuleVersion[]> {
  const params: unknown[] = [hospital];
  if (ruleId) params.push(ruleId);
  params.push(Math.min(Math.max(limit, 1), 1000));
  const r = await sql.query<
    HistoryRow & {
      prev_enabled: boolean | null;
      prev_severity: string | null;
      prev_params: Record<string, unknown> | null;
      prev_id: number | null;
    }
  >(
    `select h.id, h.hospital_id, h.rule_id, h.enabled, h.severity, h.params, h.updated_by, h.updated_at,
            p.id as prev_id, p.enabled as prev_enabled, p.severity as prev_severity, p.params as prev_params
     from reasoning_rule_config_history h
     left join lateral (select * from reasoning_rule_config_history x where x.hospital_id = h.hospital_id and x.rule_id = h.rule_id and x.id < h.id order by x.id desc limit 1) p on true
     where h.hospital_id = $1 ${ruleId ? 'and h.rule_id = $2' : ''}
     order by h.id desc limit $${params.length}`,
    params,
  );
  return r.rows.map((row) => ({
    version: Number(row.id),
    hospital: row.hospital_id,
    ruleId: row.rule_id,
    after: toSetting(row.enabled, row.severity, row.params),
    ...(row.prev_id !== null ? { before: toSetting(row.prev_enabled, row.prev_severity, row.prev_params ?? {}) } : {}),
    ...(row.updated_by ? { changedBy: row.updated_by } : {}),
    changedAt: (row.updated_at instanceof Date ? row.updated_at : new Date(row.updated_at)).toISOString(),
  }));
}

/** Saves the setting a rule had at `version` again, as a new version. */
export async function revertRule(sql: Sql, version: number, by: string): Promise<RuleVersion> {
  const r = await sql.query<HistoryRow>(
    'select id, hospital_id, rule_id, enabled, severity, params, updated_by, updated_at from reasoning_rule_config_history where id = $1',
    [version],
  );
  const row = r.rows[0];
  if (!row) throw notFound(`no rule-setting version ${version}`, { field: 'version' });
  return saveRule(sql, row.hospital_id, row.rule_id, toSetting(row.enabled, row.severity, row.params), by);
}

interface HistoryRow {
  id: number;
  hospital_id: string;
  rule_id: string;
  enabled: boolean | null;
  severity: string | null;
  params: Record<string, unknown>;
  updated_by: string | null;
  updated_at: Date | string;
}

function toSetting(enabled: boolean | null, severity: string | null, params: Record<string, unknown>): RuleSetting {
  return {
    ...(enabled !== null ? { enabled } : {}),
    ...(severity ? { severity: severity as Severity } : {}),
    ...(params && Object.keys(params).length ? { params } : {}),
  };
}
