import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Sql } from '../../core/index.js';
import { deadJobs, getJob, insertJob, requeue, waitSettled } from './records.js';
import { defaultWorkerName, runAttempt } from './run.js';
import type { JobData, JobHandlers, JobKind, JobQueue, SubmitOptions, WorkOptions } from './types.js';
import { DEFAULT_ATTEMPTS, DEFAULT_RETRY_DELAY_S } from './defaults.js';

/**
 * The queue of the embedded default (PGlite: one process owns the database): jobs run in this
 * process, `concurrency` at a time, recorded in `medseek_jobs` like pg-boss's. Jobs found queued,
 * waiting for a retry or left active (by a process that stopped mid-job) when `work` starts are run
 * again; a failed attempt is retried after its delay, doubling, until its attempts are spent.
 */
export function createInProcessQueue(sql: Sql): JobQueue {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const pending: string[] = [];
  const delays = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let handlers: JobHandlers | undefined;
  let options: WorkOptions = {};
  let worker = '';
  let stopped = false;
  let active = 0;

  const announce = (id: string) => events.emit('changed', id);

  const pump = (): void => {
    if (!handlers || stopped) return;
    const limit = Math.max(1, options.concurrency ?? 1);
    while (active < limit && pending.length > 0) {
      const id = pending.shift()!;
      active++;
      const p = runOne(id).finally(() => {
        active--;
        running.delete(p);
        pump();
      });
      running.add(p);
    }
  };

  const runOne = async (id: string): Promise<void> => {
    try {
      await runAttempt(sql, handlers!, id, worker, options.onEvent);
    } catch {
      const job = await getJob(sql, id);
      if (job?.state === 'retry' && !stopped) {
        const base = delays.get(id) ?? DEFAULT_RETRY_DELAY_S;
        const t = setTimeout(
          () => {
            timers.delete(t);
            pending.push(id);
            pump();
          },
          base * 1000 * 2 ** Math.max(0, job.attempts - 1),
        );
        timers.add(t);
      }
    } finally {
      announce(id);
    }
  };

  const queue: JobQueue = {
    backend: 'in-process',

    async submit<K extends JobKind>(kind: K, data: JobData[K], opts: SubmitOptions = {}) {
      const id = opts.key ?? randomUUID();
      const inserted = await insertJob(sql, id, kind, data, opts.maxAttempts ?? DEFAULT_ATTEMPTS);
      if (!inserted) return id;
      if (opts.retryDelaySeconds !== undefined) delays.set(id, opts.retryDelaySeconds);
      pending.push(id);
      pump();
      return id;
    },

    async work(h, o = {}) {
      if (handlers) throw new Error('this queue is already working');
      handlers = h;
      options = o;
      worker = o.worker ?? defaultWorkerName();
      const kinds = o.kinds ?? null;
      const { rows } = await sql.query<{ id: string; kind: JobKind }>(
        `select id, kind from medseek_jobs where state in ('queued', 'retry', 'active') order by created_at`,
      );
      for (const r of rows) if ((!kinds || kinds.includes(r.kind)) && !pending.includes(r.id)) pending.push(r.id);
      pump();
    },

    get: (id) => getJob(sql, id),
    deadLetters: (limit = 100) => deadJobs(sql, limit),

    async retry(id) {
      const job = await requeue(sql, id, DEFAULT_ATTEMPTS);
      if (!pending.includes(id)) pending.push(id);
      announce(id);
      pump();
      return job;
    },

    settled(id, timeoutMs) {
      return waitSettled(sql, id, timeoutMs, async (changed) => {
        events.on('changed', changed);
        return () => events.off('changed', changed);
      });
    },

    async stop(graceMs = 30_000) {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise((r) => {
          timer = setTimeout(r, graceMs);
        }),
      ]);
      clearTimeout(timer);
    },
  };
  return queue;
}
