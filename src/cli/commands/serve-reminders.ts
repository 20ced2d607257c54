import {
  FollowUpStore,
  reminderIntervalMs,
  reminderNotifierFromEnv,
  type ReminderScheduler,
  startReminderScheduler,
} from '../../followup/index.js';
import type { AppContext } from '../../server/index.js';

export interface ServeReminders {
  /** One line for the start-up output: how reminders go out from this process. */
  readonly describe: string;
  /** The in-process scheduler (embedded database only). */
  readonly scheduler?: ReminderScheduler;
  /** Stops the timer and waits for a pass under way: call before the database closes. */
  stop(): Promise<void>;
}

/**
 * Follow-up reminders for `medseek serve` (issue 21). On the embedded database (one process owns it) the
 * server itself sends them: a pass at start and one every `MEDSEEK_REMINDER_INTERVAL_S`, through the
 * notifier `MEDSEEK_REMINDER_NOTIFIER` names (a misconfiguration stops the start with its reason). On a
 * PostgreSQL server API replicas send none: `medseek worker` processes run them as `send-reminders` jobs
 * (server/jobs/reminders.ts), once per slot whatever the number of replicas or workers.
 */
export function startServeReminders(
  ctx: Pick<AppContext, 'db' | 'log'>,
  env: NodeJS.ProcessEnv = process.env,
  clock?: () => Date,
): ServeReminders {
  const intervalMs = reminderIntervalMs(env);
  const minutes = `${Math.round(intervalMs / 6_000) / 10} min`;
  if (ctx.db.dialect === 'postgres')
    return {
      describe: `follow-up reminders: sent by \`medseek worker\` processes (a send-reminders job every ${minutes})`,
      stop: async () => {},
    };
  const notifier = reminderNotifierFromEnv(env, {
    db: ctx.db,
    log: (fields, message) => ctx.log.info(fields, message),
  });
  const scheduler = startReminderScheduler({
    store: new FollowUpStore(ctx.db),
    notifier,
    intervalMs,
    ...(clock ? { clock } : {}),
    onError: (e) => ctx.log.warn({ error: e.message }, 'follow-up reminders: a pass failed; the next one retries'),
  });
  // Reminders that fell due while the server was down go out now, not a whole interval later.
  scheduler.tick().catch((e: Error) => ctx.log.warn({ error: e.message }, 'follow-up reminders: a pass failed'));
  return {
    describe: `follow-up reminders: every ${minutes} through the ${notifier.channel} notifier`,
    scheduler,
    stop: () => scheduler.stop(),
  };
}
