import type { Bilingual, Sql } from '../core/index.js';
import { notFound, stableId } from '../core/index.js';
import type { FollowUpItem, FollowUpPlan } from './plan.js';
import { evaluateReadings, type EvaluateReadingsInput, type HomeReading, type ReadingAlert } from './readings.js';
import type { FollowUpRules } from './rules.js';

/**
 * The follow-up tables (migration 0800): plans, home readings, the alerts they raised (the
 * clinicians' queue) and the reminders due. Every write that belongs together runs in one
 * transaction; alert and reading ids are stable, so a retried request adds nothing twice.
 */

export interface StoredAlert extends ReadingAlert {
  readonly status: 'open' | 'acknowledged';
  readonly acknowledgedBy?: string;
  readonly acknowledgedAt?: string;
}

export interface Reminder {
  readonly id: string;
  readonly planId: string;
  readonly itemId: string;
  readonly patientId: string;
  readonly remindAt: string;
  readonly message: Bilingual;
  readonly sentAt?: string;
  readonly channel?: string;
  readonly attempts: number;
  /** Why the last attempt failed, while it is unsent. */
  readonly lastError?: string;
}

/** A reminder the channel refused this many times is not tried again (the clinicians' queue shows it). */
export const REMINDER_MAX_ATTEMPTS = 5;
/** A claim older than this (its sender died mid-pass) may be taken by another sender. */
export const REMINDER_CLAIM_LEASE_MS = 10 * 60_000;

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/** When an item's reminder goes out: the day before it is due, 01:00 UTC (09:00 in China), not before discharge. */
export function reminderTime(plan: FollowUpPlan, item: FollowUpItem): string | undefined {
  if (!item.due) return undefined;
  const dayBefore = Date.parse(`${item.due}T01:00:00Z`) - 86_400_000;
  return new Date(Math.max(dayBefore, Date.parse(plan.dischargedAt))).toISOString();
}

export class FollowUpStore {
  constructor(private readonly sql: Sql) {}

  /** Saves (or replaces) a plan and re-plans its unsent reminders, in one transaction. */
  async savePlan(plan: FollowUpPlan, by: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query(
        `insert into followup_plan (id, patient_id, plan, created_by) values ($1, $2, $3::jsonb, $4)
         on conflict (id) do update set plan = excluded.plan, updated_at = now()`,
        [plan.id, plan.patientId, JSON.stringify(plan), by],
      );
      await tx.query('delete from followup_reminder where plan_id = $1 and sent_at is null', [plan.id]);
      for (const item of plan.items) {
        const at = reminderTime(plan, item);
        if (!at) continue;
        const id = stableId('followup-reminder', plan.id, item.id);
        const message: Bilingual = {
          en: `Reminder: ${item.patientText.en} (due ${item.due})`,
          zh: `提醒：${item.patientText.zh ?? item.patientText.en}（截止 ${item.due}）`,
        };
        await tx.query(
          `insert into followup_reminder (id, plan_id, item_id, patient_id, remind_at, message)
           values ($1, $2, $3, $4, $5, $6::jsonb) on conflict (id) do nothing`,
          [id, plan.id, item.id, plan.patientId, at, JSON.stringify(message)],
        );
      }
    });
  }

  async latestPlan(patientId: string): Promise<FollowUpPlan | undefined> {
    const r = await this.sql.query<{ plan: unknown }>(
      'select plan from followup_plan where patient_id = $1 order by updated_at desc, id limit 1',
      [patientId],
    );
    return r.rows[0] ? json<FollowUpPlan>(r.rows[0].plan) : undefined;
  }

  async readings(patientId: string): Promise<HomeReading[]> {
    const r = await this.sql.query<{
      id: string;
      patient_id: string;
      at: unknown;
      value: unknown;
      reported_by: string;
    }>('select id, patient_id, at, value, reported_by from followup_reading where patient_id = $1 order by at, id', [
      patientId,
    ]);
    return r.rows.map((x) => ({
      id: x.id,
      patientId: x.patient_id,
      at: iso(x.at),
      value: json<HomeReading['value']>(x.value),
      reportedBy: x.reported_by,
    }));
  }

  /**
   * Stores new readings and the alerts they raise, in one transaction: the patient's readings so far
   * and the latest plan's reading rules decide. Returns the alerts raised now.
   */
  async recordReadings(
    rules: FollowUpRules,
    patientId: string,
    readings: readonly HomeReading[],
    by: string,
    options: Pick<EvaluateReadingsInput, 'criticalRules' | 'criticalConfig'> = {},
  ): Promise<ReadingAlert[]> {
    return this.sql.transaction(async (tx) => {
      const store = new FollowUpStore(tx);
      for (const r of readings)
        await tx.query(
          `insert into followup_reading (id, patient_id, kind, at, value, reported_by)
           values ($1, $2, $3, $4, $5::jsonb, $6) on conflict (id) do nothing`,
          [r.id, patientId, r.value.kind, r.at, JSON.stringify(r.value), by],
        );
      const [all, plan] = await Promise.all([store.readings(patientId), store.latestPlan(patientId)]);
      const alerts = evaluateReadings({
        rules,
        readings: all,
        newIds: new Set(readings.map((r) => r.id)),
        ...(plan ? { applicable: plan.readingRules } : {}),
        ...options,
      });
      const raised: ReadingAlert[] = [];
      for (const a of alerts) {
        const ins = await tx.query(
          `insert into followup_alert (id, patient_id, rule_id, severity, at, reading_ids, conclusion)
           values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) on conflict (id) do nothing`,
          [a.id, a.patientId, a.ruleId, a.severity, a.at, JSON.stringify(a.readingIds), JSON.stringify(a.conclusion)],
        );
        if (ins.rowCount > 0) raised.push(a);
      }
      return raised;
    });
  }

  /** Alerts, newest first: one patient's, or the queue of the patients `visible` names (undefined: all). */
  async alerts(filter: {
    patientId?: string;
    visible?: ReadonlySet<string>;
    status?: 'open' | 'acknowledged';
  }): Promise<StoredAlert[]> {
    if (filter.visible?.size === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.patientId) where.push(`patient_id = $${params.push(filter.patientId)}`);
    if (filter.visible) where.push(`patient_id = any($${params.push([...filter.visible])}::text[])`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    const r = await this.sql.query<Record<string, unknown>>(
      `select * from followup_alert ${where.length ? `where ${where.join(' and ')}` : ''}
       order by at desc, id limit 500`,
      params,
    );
    return r.rows.map((x) => ({
      id: String(x.id),
      patientId: String(x.patient_id),
      ruleId: String(x.rule_id),
      severity: x.severity as StoredAlert['severity'],
      at: iso(x.at),
      readingIds: json<string[]>(x.reading_ids),
      conclusion: json<StoredAlert['conclusion']>(x.conclusion),
      status: x.status as StoredAlert['status'],
      ...(x.acknowledged_by ? { acknowledgedBy: String(x.acknowledged_by) } : {}),
      ...(x.acknowledged_at ? { acknowledgedAt: iso(x.acknowledged_at) } : {}),
    }));
  }

  async alert(id: string): Promise<StoredAlert | undefined> {
    const r = await this.sql.query<{ patient_id: string }>('select patient_id from followup_alert where id = $1', [id]);
    if (!r.rows[0]) return undefined;
    return (await this.alerts({ patientId: r.rows[0].patient_id })).find((a) => a.id === id);
  }

  async acknowledge(id: string, by: string): Promise<StoredAlert> {
    const r = await this.sql.query(
      `update followup_alert set status = 'acknowledged', acknowledged_by = $2, acknowledged_at = now()
       where id = $1 and status = 'open'`,
      [id, by],
    );
    const a = await this.alert(id);
    if (!a) throw notFound(`no follow-up alert '${id}'`, { field: 'id' });
    void r;
    return a;
  }

  async reminders(patientId: string): Promise<Reminder[]> {
    return this.reminderRows('where patient_id = $1 order by remind_at, id', [patientId]);
  }

  /**
   * Claims the unsent reminders due at `now` for sender `by`, oldest first, in one statement: rows another
   * sender holds are skipped (`for update skip locked`), so concurrent senders (replicas, workers) never
   * take the same reminder. A claim older than `REMINDER_CLAIM_LEASE_MS` (its sender died mid-pass) is
   * taken again; a reminder that failed `REMINDER_MAX_ATTEMPTS` times is left for the clinicians to see.
   */
  async claimDueReminders(now: string, by: string, limit = 100): Promise<Reminder[]> {
    const staleBefore = new Date(Date.parse(now) - REMINDER_CLAIM_LEASE_MS).toISOString();
    const claimed = await this.reminderRows(
      `where id in (select id from followup_reminder
         where sent_at is null and remind_at <= $1 and attempts < $3 and (claimed_at is null or claimed_at < $4)
         order by remind_at, id limit $5 for update skip locked)`,
      [now, by, REMINDER_MAX_ATTEMPTS, staleBefore, limit],
      'update followup_reminder set claimed_at = $1, claimed_by = $2',
    );
    return claimed.sort((a, b) => a.remindAt.localeCompare(b.remindAt) || a.id.localeCompare(b.id));
  }

  async markSent(id: string, channel: string, at: string): Promise<void> {
    await this.sql.query(
      `update followup_reminder set sent_at = $2, channel = $3, attempts = attempts + 1, claimed_at = null
       where id = $1`,
      [id, at, channel],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.sql.query(
      'update followup_reminder set attempts = attempts + 1, last_error = $2, claimed_at = null where id = $1',
      [id, error.slice(0, 500)],
    );
  }

  /**
   * Reminders of the patients `visible` names (undefined: all) that were sent since `since`, or that are
   * failing (the channel refused them): what the clinicians' queue shows beside the alerts.
   */
  async recentReminders(filter: { since: string; visible?: ReadonlySet<string> }): Promise<Reminder[]> {
    if (filter.visible?.size === 0) return [];
    const params: unknown[] = [filter.since];
    const scope = filter.visible ? `and patient_id = any($${params.push([...filter.visible])}::text[])` : '';
    return this.reminderRows(
      `where (sent_at >= $1 or (sent_at is null and last_error is not null)) ${scope}
       order by remind_at desc, id limit 200`,
      params,
    );
  }

  private async reminderRows(
    tail: string,
    params: unknown[],
    head = 'select * from followup_reminder',
  ): Promise<Reminder[]> {
    const returning = head.startsWith('update') ? ' returning *' : '';
    const r = await this.sql.query<Record<string, unknown>>(`${head} ${tail}${returning}`, params);
    return r.rows.map((x) => ({
      id: String(x.id),
      planId: String(x.plan_id),
      itemId: String(x.item_id),
      patientId: String(x.patient_id),
      remindAt: iso(x.remind_at),
      message: json<Bilingual>(x.message),
      ...(x.sent_at ? { sentAt: iso(x.sent_at) } : {}),
      ...(x.channel ? { channel: String(x.channel) } : {}),
      attempts: Number(x.attempts),
      ...(x.last_error && !x.sent_at ? { lastError: String(x.last_error) } : {}),
    }));
  }
}
