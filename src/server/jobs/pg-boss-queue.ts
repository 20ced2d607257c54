import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Sql } from '../../core/index.js';
import { DEFAULT_ATTEMPTS, DEFAULT_LEASE_S, DEFAULT_RETRY_DELAY_S } from './defaults.js';
import { CHANNEL, deadJobs, getJob, insertJob, markDead, requeue, waitSettled } from './records.js';
import { defaultWorkerName, runAttempt } from './run.js';
import { JOB_KINDS, type JobData, type JobKind, type JobQueue, type SubmitOptions, type WorkOptions } from './types.js';

export interface PgBossOptions {
  /** Seconds between a worker's polls for work when idle (default 2; pg-boss allows ≥ 0.5). */
  readonly pollingSeconds?: number;
  /** Seconds between maintenance runs (expiring lost attempts, archiving), across all workers (default 60). */
  readonly maintenanceSeconds?: number;
  /** Told of pg-boss's own errors (a lost connection, a failed maintenance run). */
  readonly onError?: (e: Error) => void;
}

/** pg-boss queue names (one per kind) and the dead-letter queue every kind shares. */
export const queueName = (kind: JobKind): string => `medseek-${kind}`;
export const DEAD_LETTER_QUEUE = 'medseek-dead-letter';

interface Payload {
  readonly id: string;
}

/**
 * Jobs on pg-boss (10.x) in the PostgreSQL server the store lives in, so any number of workers on
 * any number of machines share them. pg-boss hands out each job to one worker at a time
 * (`FOR UPDATE SKIP LOCKED`), retries a failed attempt with backoff, expires an attempt whose worker
 * died (`expireInSeconds`, found by the maintenance run) and retries it elsewhere, and moves a job
 * whose retries are spent to the dead-letter queue. The job's record (state, progress, attempts,
 * result) is ours, in `medseek_jobs`; pg-boss carries only its id.
 */
export async function createPgBossQueue(sql: Sql, databaseUrl: string, o: PgBossOptions = {}): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    max: 4,
    application_name: 'medseek-jobs',
    supervise: true,
    schedule: false,
    maintenanceIntervalSeconds: o.maintenanceSeconds ?? 60,
  });
  boss.on('error', (e) => o.onError?.(e));
  await boss.start();
  await boss.createQueue(DEAD_LETTER_QUEUE);
  for (const kind of JOB_KINDS)
    await boss.createQueue(queueName(kind), { name: queueName(kind), deadLetter: DEAD_LETTER_QUEUE });
  const pollMs = (o.pollingSeconds ?? 2) * 1000;
  const loops: Promise<void>[] = [];
  const wake = new AbortController();
  let stopping = false;

  /**
   * One worker loop: fetch a job, run it, complete or fail it; wait `pollMs` when the queue is empty.
   * (pg-boss's own `work` is not used: it cuts a handler off after `expireIn`, which here is a lease
   * that a running attempt renews, not a limit on how long it may run.)
   */
  const poll = async (name: string, run: (job: PgBoss.Job<Payload>) => Promise<unknown>): Promise<void> => {
    while (!stopping) {
      let jobs: PgBoss.Job<Payload>[] = [];
      try {
        jobs = await boss.fetch<Payload>(name, { batchSize: 1 });
      } catch (e) {
        o.onError?.(e as Error);
      }
      if (jobs.length === 0) {
        await new Promise<void>((resolve) => {
          const onAbort = () => {
            clearTimeout(t);
            resolve();
          };
          const t = setTimeout(() => {
            wake.signal.removeEventListener('abort', onAbort);
            resolve();
          }, pollMs);
          wake.signal.addEventListener('abort', onAbort, { once: true });
        });
        continue;
      }
      for (const job of jobs) {
        try {
          await run(job);
          await boss.complete(name, job.id);
        } catch (e) {
          await boss
            .fail(name, job.id, { message: (e as Error).message ?? String(e) })
            .catch((f: Error) => o.onError?.(f));
        }
      }
    }
  };

  /**
   * Hands job `id` to pg-boss. The pg-boss id is derived from ours and the attempts made so far, so a
   * repeated send (a submit retried after a crash between our insert and this send) queues it once, and
   * each retry of a dead job (`retry`, attempts spent) is a new pg-boss job.
   */
  const send = async (
    id: string,
    generation: number,
    kind: JobKind,
    retries: number,
    opts: SubmitOptions,
    tx?: Sql,
  ) => {
    await boss.send(queueName(kind), { id } satisfies Payload, {
      // In the caller's transaction when it gives one (pg-boss runs its insert through `db`).
      ...(tx ? { db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) } } : {}),
      id: bossId(id, generation),
      retryLimit: retries,
      retryDelay: opts.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_S,
      retryBackoff: true,
      expireInSeconds: opts.leaseSeconds ?? DEFAULT_LEASE_S,
      deadLetter: DEAD_LETTER_QUEUE,
    });
  };

  return {
    backend: 'pg-boss',

    async submit<K extends JobKind>(kind: K, data: JobData[K], opts: SubmitOptions = {}) {
      const id = opts.key ?? randomUUID();
      const attempts = opts.maxAttempts ?? DEFAULT_ATTEMPTS;
      if (!(await insertJob(sql, id, kind, data, attempts))) {
        // Submitted before (a key): sent again only if it never started, which pg-boss dedupes by id.
        const existing = await getJob(sql, id);
        if (existing?.state === 'queued' && existing.attempts === 0)
          await send(id, 0, kind, existing.maxAttempts - 1, opts);
        return id;
      }
      try {
        await send(id, 0, kind, attempts - 1, opts);
      } catch (e) {
        await sql.query('delete from medseek_jobs where id = $1', [id]);
        throw e;
      }
      return id;
    },

    async work(handlers, w: WorkOptions = {}) {
      const worker = w.worker ?? defaultWorkerName();
      for (const kind of w.kinds ?? JOB_KINDS) {
        for (let i = 0; i < Math.max(1, w.concurrency ?? 1); i++) {
          loops.push(
            poll(queueName(kind), async (job) => {
              const lease = keepLease(sql, job.name, job.id, job.expireInSeconds);
              try {
                await runAttempt(sql, handlers, job.data.id, worker, w.onEvent);
              } finally {
                lease.stop();
              }
            }),
          );
        }
      }
      // A job lands here when its last attempt failed (already recorded dead) or was lost (its worker
      // died: recorded here).
      loops.push(
        poll(DEAD_LETTER_QUEUE, (job) => markDead(sql, job.data.id, 'its last attempt was lost (its worker died)')),
      );
    },

    get: (id) => getJob(sql, id),
    deadLetters: (limit = 100) => deadJobs(sql, limit),

    /**
     * Our record queued again and a new pg-boss job for it, in one transaction: a failed send leaves the job
     * dead, not queued with nothing in pg-boss. pg-boss's own `retry` is not used: it only takes a job still
     * in its table as 'failed' (not one archived or deleted since), adds a single attempt, and keeps backing
     * off from the spent retry count (pg-boss 10.4 plans.js `retryJobs`, `failJobs`).
     */
    async retry(id) {
      return sql.transaction(async (tx) => {
        const job = await requeue(tx, id, DEFAULT_ATTEMPTS);
        await send(id, job.attempts, job.kind, DEFAULT_ATTEMPTS - 1, {}, tx);
        return job;
      });
    },

    async settled(id, timeoutMs) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return await waitSettled(sql, id, timeoutMs, async (changed, failed) => {
          client.on('notification', (n) => changed(n.payload ?? ''));
          client.on('error', failed);
          await client.query(`listen ${CHANNEL}`);
          return () => {};
        });
      } finally {
        await client.end().catch(() => {});
      }
    },

    async stop(graceMs = 30_000) {
      stopping = true;
      wake.abort();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(loops), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      await boss.stop({ graceful: false, wait: true, timeout: 1_000 });
    },
  };
}

/**
 * Renews a running attempt's lease: pg-boss (10.x) counts an attempt lost when `started_on +
 * expire_in` is past, so while the handler runs its `started_on` is moved to now every third of
 * `expire_in`. A worker that dies stops renewing, and its attempt is lost `expire_in` after its last
 * renewal; a long import that is alive is never taken for lost (and run twice at once). This writes
 * pg-boss's own table (schema `pgboss`, as pg-boss 10.4 lays it out; STACK.md pins the version).
 */
function keepLease(sql: Sql, name: string, id: string, expireInSeconds: number): { stop(): void } {
  const every = Math.max(500, (Number(expireInSeconds) * 1000) / 3);
  const timer = setInterval(() => {
    sql
      .query(`update pgboss.job set started_on = now() where name = $1 and id = $2 and state = 'active'`, [name, id])
      .catch(() => {});
  }, every);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** A UUID (the form pg-boss ids take) derived from a job id and a generation. */
function bossId(id: string, generation: number): string {
  const h = createHash('sha256').update(`${id}:${generation}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
