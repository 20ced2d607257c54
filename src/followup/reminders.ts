import { randomBytes } from 'node:crypto';
import type { FollowUpStore, Reminder } from './store.js';

/**
 * Reminders as scheduled jobs: the store holds one row per dated plan item (when to remind, what to
 * say); a small in-process scheduler sends the due ones through a pluggable notifier. No SMS gateway
 * is built in: a hospital plugs its own (SMS, WeChat, the app's push) behind `ReminderNotifier`;
 * `MemoryNotifier` is the test implementation. The scheduler is one function (`sendDueReminders`)
 * plus a timer, so a queue worker (pg-boss) can call the same function instead.
 */
export interface ReminderNotifier {
  /** The channel's name, recorded with each reminder sent (`sms`, `wechat`, `memory`). */
  readonly channel: string;
  /** Resolves once the message is handed to the channel; rejects when it could not be. */
  send(reminder: Reminder): Promise<void>;
}

/** Keeps what it was asked to send: the test notifier (and a dry run). */
export class MemoryNotifier implements ReminderNotifier {
  readonly channel = 'memory';
  readonly sent: Reminder[] = [];
  /** Reminder ids whose sending fails (to test the retry path). */
  readonly failing = new Set<string>();
  async send(reminder: Reminder): Promise<void> {
    if (this.failing.has(reminder.id)) throw new Error(`channel refused reminder ${reminder.id}`);
    this.sent.push(reminder);
  }
}

export interface SendReport {
  readonly sent: readonly string[];
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

/**
 * Sends every unsent reminder due at `now` once, however many senders run at the same time: each claims
 * its reminders first (`FollowUpStore.claimDueReminders`), so no two send the same one. A failure is
 * recorded and retried on a later pass. `sender` names this sender in the claim (default: random).
 */
export async function sendDueReminders(
  store: FollowUpStore,
  notifier: ReminderNotifier,
  now: Date = new Date(),
  sender: string = `sender:${randomBytes(4).toString('hex')}`,
): Promise<SendReport> {
  const sent: string[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const r of await store.claimDueReminders(now.toISOString(), sender)) {
    try {
      await notifier.send(r);
      await store.markSent(r.id, notifier.channel, now.toISOString());
      sent.push(r.id);
    } catch (e) {
      const error = (e as Error).message;
      await store.markFailed(r.id, error);
      failed.push({ id: r.id, error });
    }
  }
  return { sent, failed };
}

export interface ReminderScheduler {
  /** Runs one pass now (what the timer calls). */
  tick(): Promise<SendReport>;
  /** Stops the timer; resolves once a pass under way has finished (so the database can be closed after). */
  stop(): Promise<void>;
}

/**
 * Every `intervalMs` (default 5 minutes) sends the due reminders; passes never overlap. `onError`
 * hears a pass that failed as a whole (the database away); the next pass tries again.
 */
export function startReminderScheduler(options: {
  readonly store: FollowUpStore;
  readonly notifier: ReminderNotifier;
  readonly intervalMs?: number;
  readonly clock?: () => Date;
  readonly onError?: (e: Error) => void;
}): ReminderScheduler {
  let running: Promise<SendReport> | undefined;
  let stopped = false;
  const tick = async (): Promise<SendReport> => {
    if (stopped) return { sent: [], failed: [] };
    if (running) return running;
    running = sendDueReminders(options.store, options.notifier, (options.clock ?? (() => new Date()))());
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };
  const timer = setInterval(() => {
    tick().catch((e: Error) => options.onError?.(e));
  }, options.intervalMs ?? 300_000);
  timer.unref?.();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
