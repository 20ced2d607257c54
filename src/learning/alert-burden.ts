import type { Sql } from '../core/index.js';

/**
 * Alert burden: how often each rule's alerts are overridden, per rule, per unit and per prescriber, from the
 * stored CDS feedback (cds_card_issued + cds_feedback: the EHR's CDS Hooks feedback and the workspace's
 * decisions alike; the latest outcome of each card counts once), with suggested changes for the administrator.
 * A suggestion is never applied here: the workspace opens the rule's settings prefilled with it, and an
 * administrator saves it (a new, reversible rule version) or not.
 *
 * Suggestions: a rule overridden more than `reviewRate` of the time over at least `minDecided` decisions is
 * to be reviewed (its grading, or whether it applies here at all). Where the alerts carry the value the
 * rule compared with a numeric threshold parameter (learning_alert_context.trigger_*: the rule's AlertTrigger,
 * src/reasoning/safety/rule.ts, with the side it fires on and the threshold it was compared with), the threshold
 * that would have silenced the most overridden alerts while every accepted alert still fires: for a rule
 * that fires below its threshold (`below`), the highest accepted value is kept firing; for one that fires
 * above (`maxDailyMg`), the lowest.
 */
export interface BurdenCounts {
  readonly decided: number;
  readonly accepted: number;
  readonly overridden: number;
  /** overridden / decided, 0–1. */
  readonly overrideRate: number;
}

export interface ThresholdSuggestion {
  readonly param: string;
  readonly direction: 'below' | 'above';
  /** The unit of the values, where the alerts carried it. */
  readonly unit?: string;
  /** The threshold the latest alert with a value was compared with (the configured one then), where known. */
  readonly current?: number;
  /** The value that keeps every accepted alert firing and silences the most overridden ones. */
  readonly value: number;
  /** Overridden alerts with a known value that this threshold would not have raised. */
  readonly removesOverridden: number;
  readonly overriddenWithValue: number;
  /** removesOverridden / overriddenWithValue, 0–1. */
  readonly removedShare: number;
  readonly acceptedKept: number;
}

export interface RuleBurden extends BurdenCounts {
  readonly ruleId: string;
  /** Override reason code → how often it was given. */
  readonly reasons: Readonly<Record<string, number>>;
  readonly byUnit: readonly (BurdenCounts & { readonly unit: string | null })[];
  readonly byPrescriber: readonly (BurdenCounts & { readonly prescriber: string | null })[];
  readonly review: boolean;
  readonly threshold?: ThresholdSuggestion;
}

export interface BurdenOptions {
  /** Default 20. */
  readonly minDecided?: number;
  /** Default 0.9. */
  readonly reviewRate?: number;
  /** Only feedback at or after this time (ISO). */
  readonly since?: string;
}

/** Threshold parameters by the side of the threshold on which the rule fires (rules' `defaults`). */
export const THRESHOLD_DIRECTIONS: Readonly<Record<string, 'below' | 'above'>> = {
  below: 'below',
  maxDailyMg: 'above',
};

export interface AlertContext {
  readonly cardUuid: string;
  readonly unit?: string;
  readonly prescriber?: string;
  /** The rule's triggering value (reasoning/safety's AlertTrigger). */
  readonly trigger?: {
    readonly param: string;
    readonly value: number;
    readonly unit?: string;
    readonly threshold?: number;
    readonly direction?: 'below' | 'above';
  };
}

/** Records where, by whom and at what value an alert was raised (first write wins: a card's context never changes). */
export async function recordAlertContext(sql: Sql, c: AlertContext): Promise<void> {
  await sql.query(
    `insert into learning_alert_context
       (card_uuid, unit, prescriber, trigger_param, trigger_value, trigger_unit, trigger_threshold, trigger_direction)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (card_uuid) do nothing`,
    [
      c.cardUuid,
      c.unit ?? null,
      c.prescriber ?? null,
      c.trigger?.param ?? null,
      c.trigger?.value ?? null,
      c.trigger?.unit ?? null,
      c.trigger?.threshold ?? null,
      c.trigger?.direction ?? null,
    ],
  );
}

export interface BurdenDecision {
  readonly ruleId: string;
  readonly outcome: 'accepted' | 'overridden';
  readonly reason: string | null;
  readonly unit: string | null;
  readonly prescriber: string | null;
  readonly param: string | null;
  readonly value: number | null;
  readonly valueUnit?: string | null;
  readonly threshold?: number | null;
  /** The side the rule fires on, as the alert said; else THRESHOLD_DIRECTIONS by the parameter's name. */
  readonly direction?: 'below' | 'above' | null;
  /** When it was decided (ISO), to find the latest threshold. */
  readonly at?: string;
}

export async function alertBurden(sql: Sql, options: BurdenOptions = {}): Promise<RuleBurden[]> {
  const { rows } = await sql.query<{
    rule_id: string;
    outcome: 'accepted' | 'overridden';
    reason: string | null;
    unit: string | null;
    prescriber: string | null;
    trigger_param: string | null;
    trigger_value: number | string | null;
    trigger_unit: string | null;
    trigger_threshold: number | string | null;
    trigger_direction: 'below' | 'above' | null;
    outcome_timestamp: string | Date;
  }>(
    `select distinct on (f.card_uuid) c.rule_id, f.outcome, f.override_reason->'reason'->>'code' as reason,
       x.unit, coalesce(x.prescriber, f.client_id) as prescriber, x.trigger_param, x.trigger_value, x.trigger_unit,
       x.trigger_threshold, x.trigger_direction, f.outcome_timestamp
     from cds_feedback f
     join cds_card_issued c on c.uuid = f.card_uuid
     left join learning_alert_context x on x.card_uuid = f.card_uuid
     where c.rule_id is not null and ($1::timestamptz is null or f.outcome_timestamp >= $1::timestamptz)
     order by f.card_uuid, f.outcome_timestamp desc, f.id desc`,
    [options.since ?? null],
  );
  const decisions: BurdenDecision[] = rows.map((r) => ({
    ruleId: r.rule_id,
    outcome: r.outcome,
    reason: r.reason,
    unit: r.unit,
    prescriber: r.prescriber,
    param: r.trigger_param,
    value: r.trigger_value === null ? null : Number(r.trigger_value),
    valueUnit: r.trigger_unit,
    threshold: r.trigger_threshold === null ? null : Number(r.trigger_threshold),
    direction: r.trigger_direction,
    at: new Date(r.outcome_timestamp).toISOString(),
  }));
  return burdenOf(decisions, options);
}

const counts = (ds: readonly BurdenDecision[]): BurdenCounts => {
  const overridden = ds.filter((d) => d.outcome === 'overridden').length;
  return {
    decided: ds.length,
    accepted: ds.length - overridden,
    overridden,
    overrideRate: ds.length ? Number((overridden / ds.length).toFixed(4)) : 0,
  };
};

function groupBy<K>(ds: readonly BurdenDecision[], key: (d: BurdenDecision) => K): Map<K, BurdenDecision[]> {
  const m = new Map<K, BurdenDecision[]>();
  for (const d of ds) m.set(key(d), [...(m.get(key(d)) ?? []), d]);
  return m;
}

export function burdenOf(decisions: readonly BurdenDecision[], options: BurdenOptions = {}): RuleBurden[] {
  const minDecided = options.minDecided ?? 20;
  const reviewRate = options.reviewRate ?? 0.9;
  const byRule = groupBy(decisions, (d) => d.ruleId);
  return [...byRule]
    .map(([ruleId, ds]) => {
      const all = counts(ds);
      const reasons: Record<string, number> = {};
      for (const d of ds) if (d.outcome === 'overridden' && d.reason) reasons[d.reason] = (reasons[d.reason] ?? 0) + 1;
      const sortKey = (k: string | null) => k ?? '\uffff';
      const byUnit = [...groupBy(ds, (d) => d.unit)]
        .map(([unit, g]) => ({ unit, ...counts(g) }))
        .sort((a, b) => sortKey(a.unit).localeCompare(sortKey(b.unit)));
      const byPrescriber = [...groupBy(ds, (d) => d.prescriber)]
        .map(([prescriber, g]) => ({ prescriber, ...counts(g) }))
        .sort((a, b) => sortKey(a.prescriber).localeCompare(sortKey(b.prescriber)));
      const threshold = thresholdSuggestion(ds);
      return {
        ruleId,
        ...all,
        reasons,
        byUnit,
        byPrescriber,
        review: all.decided >= minDecided && all.overrideRate > reviewRate,
        ...(threshold ? { threshold } : {}),
      };
    })
    .sort((a, b) => b.overridden - a.overridden || a.ruleId.localeCompare(b.ruleId));
}

/**
 * The threshold that keeps every accepted alert with a known value and silences the most overridden ones, for the
 * rule's commonest threshold parameter; none when it would silence nothing, or no accepted alert bounds it.
 */
export function thresholdSuggestion(ds: readonly BurdenDecision[]): ThresholdSuggestion | undefined {
  const withValue = ds.filter((d) => d.param && d.value !== null && Number.isFinite(d.value));
  const params = [...groupBy(withValue, (d) => d.param!)].sort((a, b) => b[1].length - a[1].length);
  const [param, group] = params[0] ?? [];
  const direction = group?.find((d) => d.direction)?.direction ?? (param ? THRESHOLD_DIRECTIONS[param] : undefined);
  if (!param || !group || !direction) return undefined;
  const accepted = group.filter((d) => d.outcome === 'accepted').map((d) => d.value!);
  const overridden = group.filter((d) => d.outcome === 'overridden').map((d) => d.value!);
  if (accepted.length === 0 || overridden.length === 0) return undefined;
  // Fires below T: the new T lies just above the highest accepted value (so it still fires) and at or below
  // the next overridden value up. Fires above T: mirrored.
  const keep = direction === 'below' ? Math.max(...accepted) : Math.min(...accepted);
  const silenced = overridden.filter((v) => (direction === 'below' ? v > keep : v < keep));
  if (silenced.length === 0) return undefined;
  const next = direction === 'below' ? Math.min(...silenced) : Math.max(...silenced);
  const value = Number(((keep + next) / 2).toPrecision(4));
  const unit = group.find((d) => d.valueUnit)?.valueUnit;
  const latest = group
    .filter((d) => d.threshold !== undefined && d.threshold !== null)
    .sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''))[0];
  return {
    param,
    direction,
    ...(unit ? { unit } : {}),
    ...(latest ? { current: latest.threshold! } : {}),
    value,
    removesOverridden: silenced.length,
    overriddenWithValue: overridden.length,
    removedShare: Number((silenced.length / overridden.length).toFixed(4)),
    acceptedKept: accepted.length,
  };
}
