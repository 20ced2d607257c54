import type { Sql } from '../../../core/index.js';
import type { ExportRequest } from './request.js';

/**
 * Bulk export jobs and their NDJSON files in the database (`bulk_export_jobs`, `bulk_export_files`),
 * so that a job survives a restart of the server (it is run again) and its output is served from
 * any process of a PostgreSQL deployment.
 */
export type JobStatus = 'in-progress' | 'completed' | 'failed' | 'cancelled';

/** The kick-off as stored: the request with who asked and what they may see, decided at kick-off. */
export interface StoredRequest extends ExportRequest {
  /** The patients the job may include (ids); absent = every patient (the caller sees all). */
  readonly allowedPatients?: readonly string[];
  /** The caller's SMART scopes, when a token made the request: each type exported must be readable. */
  readonly scopes?: readonly string[];
  /** Notes for the manifest's `error` file, found at kick-off (a member that is not a Patient…). */
  readonly notes: readonly string[];
}

export interface ExportJob {
  readonly id: string;
  readonly status: JobStatus;
  readonly request: StoredRequest;
  readonly requestUrl: string;
  readonly principal: string;
  readonly transactionTime?: string;
  readonly progress?: string;
  readonly error?: string;
  readonly expiresAt?: string;
}

export interface ExportFile {
  readonly seq: number;
  readonly type: string;
  readonly count: number;
}

/** How long a finished job's files are kept (the manifest's `Expires`). */
export const EXPORT_TTL_MS = 24 * 60 * 60 * 1000;

interface JobRow {
  id: string;
  status: JobStatus;
  request: StoredRequest;
  request_url: string;
  principal: string;
  transaction_time: Date | string | null;
  progress: string | null;
  error: string | null;
  expires_at: Date | string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export async function createJob(
  sql: Sql,
  job: { id: string; request: StoredRequest; requestUrl: string; principal: string },
): Promise<void> {
  await sql.query(
    `insert into bulk_export_jobs (id, status, request, request_url, principal, progress)
     values ($1, 'in-progress', $2::jsonb, $3, $4, 'queued')`,
    [job.id, JSON.stringify(job.request), job.requestUrl, job.principal],
  );
}

export async function getJob(sql: Sql, id: string): Promise<ExportJob | undefined> {
  const r = await sql.query<JobRow>(
    `select id, status, request, request_url, principal, transaction_time, progress, error, expires_at
     from bulk_export_jobs where id = $1`,
    [id],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status,
    request: typeof row.request === 'string' ? (JSON.parse(row.request) as StoredRequest) : row.request,
    requestUrl: row.request_url,
    principal: row.principal,
    ...(row.transaction_time ? { transactionTime: iso(row.transaction_time) } : {}),
    ...(row.progress ? { progress: row.progress } : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.expires_at ? { expiresAt: iso(row.expires_at) } : {}),
  };
}

/** Starts (or restarts) a run: earlier output goes, the transaction time is now. False when no longer in progress. */
export async function beginRun(sql: Sql, id: string): Promise<string | undefined> {
  return sql.transaction(async (tx) => {
    await tx.query('delete from bulk_export_files where job_id = $1', [id]);
    const r = await tx.query<{ transaction_time: Date | string }>(
      `update bulk_export_jobs set transaction_time = now(), progress = 'started'
       where id = $1 and status = 'in-progress' returning transaction_time`,
      [id],
    );
    const t = r.rows[0]?.transaction_time;
    return t === undefined ? undefined : iso(t);
  });
}

/** Records progress; false when the job was cancelled meanwhile (the run then stops). */
export async function setProgress(sql: Sql, id: string, progress: string): Promise<boolean> {
  const r = await sql.query("update bulk_export_jobs set progress = $2 where id = $1 and status = 'in-progress'", [
    id,
    progress.slice(0, 100),
  ]);
  return r.rowCount > 0;
}

/** Stores one NDJSON file; false when the job was cancelled meanwhile (nothing is stored). */
export async function addFile(
  sql: Sql,
  id: string,
  file: ExportFile & { patients: readonly string[]; body: string },
): Promise<boolean> {
  const r = await sql.query(
    `insert into bulk_export_files (job_id, seq, resource_type, count, patients, body)
     select $1, $2, $3, $4, $5::text[], $6 where exists
       (select 1 from bulk_export_jobs where id = $1 and status = 'in-progress')`,
    [id, file.seq, file.type, file.count, file.patients, file.body],
  );
  return r.rowCount > 0;
}

export async function completeJob(sql: Sql, id: string): Promise<void> {
  await sql.query(
    `update bulk_export_jobs set status = 'completed', progress = 'completed', completed_at = now(),
       expires_at = now() + ($2::bigint * interval '1 millisecond')
     where id = $1 and status = 'in-progress'`,
    [id, EXPORT_TTL_MS],
  );
}

export async function failJob(sql: Sql, id: string, error: string): Promise<void> {
  await sql.query(
    `update bulk_export_jobs set status = 'failed', error = $2, completed_at = now(),
       expires_at = now() + ($3::bigint * interval '1 millisecond')
     where id = $1 and status = 'in-progress'`,
    [id, error.slice(0, 2000), EXPORT_TTL_MS],
  );
  await sql.query('delete from bulk_export_files where job_id = $1', [id]);
}

/** A client's DELETE: the job stops and its files go. False when there was nothing to cancel. */
export async function cancelJob(sql: Sql, id: string): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const r = await tx.query(
      "update bulk_export_jobs set status = 'cancelled', completed_at = now() where id = $1 and status <> 'cancelled'",
      [id],
    );
    await tx.query('delete from bulk_export_files where job_id = $1', [id]);
    return r.rowCount > 0;
  });
}

export async function listFiles(sql: Sql, id: string): Promise<ExportFile[]> {
  const r = await sql.query<{ seq: number; resource_type: string; count: number }>(
    'select seq, resource_type, count from bulk_export_files where job_id = $1 order by seq',
    [id],
  );
  return r.rows.map((row) => ({ seq: Number(row.seq), type: row.resource_type, count: Number(row.count) }));
}

export async function readFile(
  sql: Sql,
  id: string,
  seq: number,
): Promise<{ type: string; patients: string[]; body: string } | undefined> {
  const r = await sql.query<{ resource_type: string; patients: string[]; body: string }>(
    'select resource_type, patients, body from bulk_export_files where job_id = $1 and seq = $2',
    [id, seq],
  );
  const row = r.rows[0];
  return row ? { type: row.resource_type, patients: row.patients, body: row.body } : undefined;
}

/** Jobs a principal has running: a client is asked to wait (429) beyond a few. */
export async function runningJobs(sql: Sql, principal: string): Promise<number> {
  const r = await sql.query<{ n: number | string }>(
    "select count(*) as n from bulk_export_jobs where principal = $1 and status = 'in-progress'",
    [principal],
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** Jobs left in progress by a server that stopped: they are run again. */
export async function unfinishedJobs(sql: Sql): Promise<string[]> {
  const r = await sql.query<{ id: string }>(
    "select id from bulk_export_jobs where status = 'in-progress' order by created_at",
  );
  return r.rows.map((row) => row.id);
}

/** Expired jobs and their files are removed (and cancelled ones after a day). */
export async function purgeExpired(sql: Sql): Promise<void> {
  await sql.query(
    `delete from bulk_export_jobs where expires_at < now()
       or (status = 'cancelled' and completed_at < now() - ($1::bigint * interval '1 millisecond'))`,
    [EXPORT_TTL_MS],
  );
}
