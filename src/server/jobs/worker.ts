import type { Sql } from '../../core/index.js';
import { type Database, migrate, openDatabase } from '../../store/index.js';
import { jobHandlers } from './kinds.js';
import { openJobQueue } from './open.js';
import { reminderIntervalMs, reminderNotifierFromEnv } from '../../followup/index.js';
import { startReminderClock } from './reminders.js';
import { defaultWorkerName } from './run.js';
import type { JobEvent, JobHandlers, JobKind, JobQueue } from './types.js';

export interface WorkerOptions {
  /** `postgres://…`: the shared PostgreSQL server (pg-boss). Without it, PGlite in `dataDir`, jobs in-process. */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly worker?: string;
  readonly concurrency?: number;
  readonly kinds?: readonly JobKind[];
  readonly pollingSeconds?: number;
  readonly maintenanceSeconds?: number;
  /** One line per event (started, progress, completed, failed, error), as JSON. */
  readonly log?: (line: Record<string, unknown>) => void;
  /**
   * The handlers over the store (default `jobHandlers`); a test passes handlers over a faulty
   * connection to stop a worker mid-job.
   */
  readonly handlers?: (db: Sql, queue: JobQueue) => JobHandlers;
  /** Milliseconds between the reminder clock's slots (default MEDSEEK_REMINDER_INTERVAL_S, 600 s). */
  readonly reminderIntervalMs?: number;
}

export interface RunningWorker {
  readonly worker: string;
  readonly queue: JobQueue;
  readonly db: Database;
  /** Stops taking jobs, lets running ones finish (up to `graceMs`), closes the database. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * A worker process's body (`medseek worker`): opens the store (migrated), the queue for it, and takes
 * jobs of every kind. Any number of them can run against one PostgreSQL server, on any machines.
 */
export async function startWorker(o: WorkerOptions = {}): Promise<RunningWorker> {
  const db = await openDatabase(o.databaseUrl ? { databaseUrl: o.databaseUrl } : { dataDir: o.dataDir ?? '.medseek' });
  const log = o.log ?? (() => {});
  try {
    await migrate(db);
    const reminders = !o.kinds || o.kinds.includes('send-reminders');
    // A misconfigured reminder notifier or interval is said now, not at the first reminder.
    const notifier = reminders
      ? reminderNotifierFromEnv(process.env, { db, log: (f, m) => log({ event: 'reminder', message: m, ...f }) })
      : undefined;
    const intervalMs = o.reminderIntervalMs ?? reminderIntervalMs(process.env);
    const queue = await openJobQueue(db, o.databaseUrl, {
      ...(o.pollingSeconds !== undefined ? { pollingSeconds: o.pollingSeconds } : {}),
      ...(o.maintenanceSeconds !== undefined ? { maintenanceSeconds: o.maintenanceSeconds } : {}),
      onError: (e) => log({ event: 'error', error: e.message }),
    });
    const worker = o.worker ?? defaultWorkerName();
    const handlers = o.handlers ? o.handlers(db, queue) : jobHandlers(db, queue, notifier ? () => notifier : undefined);
    let lastProgress = 0;
    await queue.work(handlers, {
      worker,
      ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
      ...(o.kinds ? { kinds: o.kinds } : {}),
      onEvent: (e: JobEvent) => {
        if (e.type === 'progress') {
          // Progress lines at most twice a second.
          const now = Date.now();
          if (now - lastProgress < 500) return;
          lastProgress = now;
        }
        log({ event: e.type, worker, ...e, type: undefined });
      },
    });
    // Every worker's clock submits each slot's reminder job; its key makes it one job per slot.
    const clock =
      reminders && queue.backend === 'pg-boss'
        ? startReminderClock(queue, {
            intervalMs,
            onError: (e) => log({ event: 'error', error: `reminder clock: ${e.message}` }),
          })
        : undefined;
    log({ event: 'ready', worker, backend: queue.backend, database: db.description });
    return {
      worker,
      queue,
      db,
      async stop(graceMs = 30_000) {
        clock?.stop();
        try {
          await queue.stop(graceMs);
        } finally {
          await db.close();
        }
      },
    };
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
}
