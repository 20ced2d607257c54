import { MedSeekError, notFound, type Sql } from '../../core/index.js';
import type { JobData, JobKind, JobProgress, JobRecord, JobState } from './types.js';

/**
 * `medseek_jobs` and `medseek_job_attempts` (migration 0630): the one record of every job, written
 * by whichever queue runs it. Each state change is announced with `pg_notify('medseek_jobs', id)` on
 * PostgreSQL (delivered at commit), so a waiter anywhere hears of it without polling.
 */
export const CHANNEL = 'medseek_jobs';

interface JobRow {
  id: string;
  kind: JobKind;
  data: JobData[JobKind] | string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  progress: JobProgress | string | null;
  result: unknown;
  error: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  completed_at: Date | string | null;
  completed_by: string | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const iso = (v: Date | string): string => new Date(v).toISOString();

function toRecord(r: JobRow): JobRecord {
  return {
    id: r.id,
    kind: r.kind,
    data: json(r.data),
    state: r.state,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    ...(r.progress ? { progress: json(r.progress) } : {}),
    ...(r.result !== null && r.result !== undefined ? { result: json(r.result) } : {}),
    ...(r.error ? { error: r.error } : {}),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    ...(r.completed_at ? { completedAt: iso(r.completed_at) } : {}),
    ...(r.completed_by ? { completedBy: r.completed_by } : {}),
  };
}

async function notify(tx: Sql, id: string): Promise<void> {
  if (tx.dialect === 'postgres') await tx.query('select pg_notify($1, $2)', [CHANNEL, id]);
}

/** Records a new job; false when a job with this id exists already (submitted once). */
export async function insertJob(
  sql: Sql,
  id: string,
  kind: JobKind,
  data: JobData[JobKind],
  maxAttempts: number,
): Promise<boolean> {
  const { rows } = await sql.query<{ id: string }>(
    `insert into medseek_jobs (id, kind, data, state, max_attempts) values ($1, $2, $3::jsonb, 'queued', $4)
     on conflict (id) do nothing returning id`,
    [id, kind, JSON.stringify(data), maxAttempts],
  );
  return rows.length === 1;
}

export async function getJob(sql: Sql, id: string): Promise<JobRecord | undefined> {
  const { rows } = await sql.query<JobRow>('select * from medseek_jobs where id = $1', [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function deadJobs(sql: Sql, limit: number): Promise<JobRecord[]> {
  const { rows } = await sql.query<JobRow>(
    `select * from medseek_jobs where state = 'dead' order by updated_at desc limit ${Math.max(1, Math.floor(limit))}`,
  );
  return rows.map(toRecord);
}

export interface JobFilter {
  readonly kind?: JobKind;
  readonly state?: JobState;
  readonly limit: number;
  readonly offset?: number;
}

/** Jobs newest first, of one kind or state when asked. */
export async function listJobs(sql: Sql, f: JobFilter): Promise<JobRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.kind) where.push(`kind = $${params.push(f.kind)}`);
  if (f.state) where.push(`state = $${params.push(f.state)}`);
  const { rows } = await sql.query<JobRow>(
    `select * from medseek_jobs ${where.length ? `where ${where.join(' and ')}` : ''}
     order by created_at desc, id limit $${params.push(Math.max(1, Math.floor(f.limit)))}
     offset $${params.push(Math.max(0, Math.floor(f.offset ?? 0)))}`,
    params,
  );
  return rows.map(toRecord);
}

/**
 * Begins the job's next attempt, numbered here (1 for the first). Earlier attempts still open were
 * lost (their worker died or timed out). Returns the attempt, or undefined when the job is already
 * completed or unknown: a job is finished once.
 */
export async function startAttempt(
  sql: Sql,
  id: string,
  worker: string,
): Promise<{ attempt: number; maxAttempts: number; kind: JobKind; data: JobData[JobKind] } | undefined> {
  return sql.transaction(async (tx) => {
    const { rows } = await tx.query<JobRow>('select * from medseek_jobs where id = $1 for update', [id]);
    const row = rows[0];
    if (!row || row.state === 'completed') return undefined;
    const attempt = Number(row.attempts) + 1;
    await tx.query(
      `update medseek_job_attempts set ended_at = now(), outcome = 'lost' where job_id = $1 and ended_at is null`,
      [id],
    );
    await tx.query('insert into medseek_job_attempts (job_id, attempt, worker) values ($1, $2, $3)', [
      id,
      attempt,
      worker,
    ]);
    await tx.query(`update medseek_jobs set state = 'active', attempts = $2, updated_at = now() where id = $1`, [
      id,
      attempt,
    ]);
    await notify(tx, id);
    return { attempt, maxAttempts: Number(row.max_attempts), kind: row.kind, data: json(row.data) };
  });
}

/** Progress of the current attempt (a stale attempt's report is ignored). */
export async function recordProgress(sql: Sql, id: string, attempt: number, progress: JobProgress): Promise<void> {
  await sql.query(
    `update medseek_jobs set progress = $3::jsonb, updated_at = now()
     where id = $1 and attempts = $2 and state = 'active'`,
    [id, attempt, JSON.stringify(progress)],
  );
}

/** Completes the job; false when another attempt completed it first (then nothing is changed). */
export async function completeAttempt(
  sql: Sql,
  id: string,
  attempt: number,
  worker: string,
  result: unknown,
): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const done = await tx.query<{ id: string }>(
      `update medseek_jobs set state = 'completed', result = $3::jsonb, error = null, completed_at = now(),
         completed_by = $2, updated_at = now()
       where id = $1 and state <> 'completed' returning id`,
      [id, worker, JSON.stringify(result ?? null)],
    );
    const won = done.rows.length === 1;
    await tx.query(
      `update medseek_job_attempts set ended_at = now(), outcome = $3 where job_id = $1 and attempt = $2`,
      [id, attempt, won ? 'completed' : 'lost'],
    );
    if (won) await notify(tx, id);
    return won;
  });
}

/** Records a failed attempt: the job waits for its retry, or is dead when its attempts are spent. */
export async function failAttempt(sql: Sql, id: string, attempt: number, error: string, dead: boolean): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(
      `update medseek_job_attempts set ended_at = now(), outcome = 'failed', error = $3
       where job_id = $1 and attempt = $2`,
      [id, attempt, error],
    );
    await tx.query(
      `update medseek_jobs set state = $2, error = $3, updated_at = now() where id = $1 and state <> 'completed'`,
      [id, dead ? 'dead' : 'retry', error],
    );
    await notify(tx, id);
  });
}

/**
 * Marks a job dead when pg-boss moved it to the dead-letter queue because its last attempt was lost
 * (still active, attempts spent). A job whose last attempt failed is dead already, and one queued again
 * since (`requeue`) is left alone: the dead letter is about an earlier round.
 */
export async function markDead(sql: Sql, id: string, error: string): Promise<void> {
  await sql.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `update medseek_jobs set state = 'dead', error = coalesce(error, $2), updated_at = now()
       where id = $1 and state = 'active' and attempts >= max_attempts returning id`,
      [id, error],
    );
    if (rows.length === 0) return;
    await tx.query(
      `update medseek_job_attempts set ended_at = now(), outcome = 'lost' where job_id = $1 and ended_at is null`,
      [id],
    );
    await notify(tx, id);
  });
}

/**
 * A dead job queued again, same id, kind and input, with `more` fresh attempts (its attempt history is
 * kept, and the next attempt is numbered after the last). Only a dead job: one queued, running or waiting
 * for its retry is refused (a conflict naming its state), and of two retries at once one wins.
 */
export async function requeue(sql: Sql, id: string, more: number): Promise<JobRecord> {
  const { rows } = await sql.query<JobRow>(
    `update medseek_jobs set state = 'queued', max_attempts = attempts + $2, error = null, updated_at = now()
     where id = $1 and state = 'dead' returning *`,
    [id, more],
  );
  if (rows[0]) {
    await notify(sql, id);
    return toRecord(rows[0]);
  }
  const job = await getJob(sql, id);
  if (!job) throw notFound(`no job ${id}`, { field: 'id' });
  throw new MedSeekError('conflict', `job ${id} is ${job.state}: only a dead job (its attempts spent) is retried`, {
    field: 'id',
  });
}

export const isSettled = (r: JobRecord | undefined): boolean => r?.state === 'completed' || r?.state === 'dead';

/**
 * Waits until job `id` is settled (completed or dead), or `timeoutMs` passes. `listen(changed)` subscribes to
 * "a job changed" (its id) and resolves, returning an unsubscribe function, once listening: the job is read
 * only then, so a change between the two is heard, not missed.
 */
export function waitSettled(
  sql: Sql,
  id: string,
  timeoutMs: number,
  listen: (changed: (jobId: string) => void, failed: (e: Error) => void) => Promise<() => void>,
): Promise<JobRecord> {
  return new Promise<JobRecord>((resolve, reject) => {
    let finished = false;
    let unsubscribe: (() => void) | undefined;
    const done = (err?: Error, job?: JobRecord) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      unsubscribe?.();
      if (err) reject(err);
      else resolve(job!);
    };
    const check = () =>
      getJob(sql, id).then(
        (job) => {
          if (!job) done(new Error(`no job ${id}`));
          else if (isSettled(job)) done(undefined, job);
        },
        (e: Error) => done(e),
      );
    const timer = setTimeout(() => done(new Error(`job ${id} not settled within ${timeoutMs} ms`)), timeoutMs);
    listen(
      (changed) => {
        if (changed === id) void check();
      },
      (e) => done(e),
    ).then(
      (off) => {
        unsubscribe = off;
        if (finished) off();
        else void check();
      },
      (e: Error) => done(e),
    );
  });
}
