import type { Sql } from '../../core/index.js';
import {
  FollowUpStore,
  type ReminderLog,
  type ReminderNotifier,
  reminderNotifierFromEnv,
  sendDueReminders,
} from '../../followup/index.js';
import type { JobHandler, JobQueue } from './types.js';

/**
 * Follow-up reminders as a recurring job on PostgreSQL (issue 21). Every worker runs a clock that, once per
 * slot (`MEDSEEK_REMINDER_INTERVAL_S`), submits a `send-reminders` job keyed by the slot's start: the key
 * makes the submit idempotent (one `medseek_jobs` row per slot, however many workers submit it), and
 * pg-boss hands the job to one worker. The pass itself claims each reminder before sending it
 * (`for update skip locked`), so even two passes at once (a slow one and the next slot's, or a retry) send
 * every reminder once. (pg-boss's own cron, `boss.schedule`, is not used: it sends a fixed payload, and
 * a job here is our `medseek_jobs` row, one per run.)
 */
export function sendRemindersHandler(db: Sql, notifier: () => ReminderNotifier): JobHandler<'send-reminders'> {
  return async (data, ctx) => {
    const report = await sendDueReminders(new FollowUpStore(db), notifier(), new Date(), ctx.worker);
    return {
      ...(data?.slot ? { slot: data.slot } : {}),
      sent: report.sent.length,
      failed: report.failed.length,
      failures: report.failed.slice(0, 20),
    };
  };
}

/** The notifier of the environment, built on first use (the job handlers are made before any job runs). */
export function envNotifier(db: Sql, log: ReminderLog): () => ReminderNotifier {
  let notifier: ReminderNotifier | undefined;
  return () => {
    notifier ??= reminderNotifierFromEnv(process.env, { db, log });
    return notifier;
  };
}

/** The slot `now` falls in: its start, as an ISO time (the job's key). */
export function reminderSlot(now: Date, intervalMs: number): string {
  return new Date(Math.floor(now.getTime() / intervalMs) * intervalMs).toISOString();
}

export interface ReminderClock {
  /** Submits the current slot's job (idempotent); resolves with its id. */
  tick(): Promise<string>;
  stop(): void;
}

/** Submits the current slot's `send-reminders` job now and then every `intervalMs`. */
export function startReminderClock(
  queue: Pick<JobQueue, 'submit'>,
  o: { readonly intervalMs: number; readonly clock?: () => Date; readonly onError?: (e: Error) => void },
): ReminderClock {
  const tick = () => {
    const slot = reminderSlot((o.clock ?? (() => new Date()))(), o.intervalMs);
    return queue.submit('send-reminders', { slot }, { key: `send-reminders:${slot}` });
  };
  const run = () => {
    tick().catch((e: Error) => o.onError?.(e));
  };
  run();
  const timer = setInterval(run, o.intervalMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
