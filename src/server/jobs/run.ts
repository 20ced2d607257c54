import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Sql } from '../../core/index.js';
import { completeAttempt, failAttempt, recordProgress, startAttempt } from './records.js';
import type { JobData, JobHandler, JobHandlers, JobKind, JobProgress, WorkOptions } from './types.js';

/** Progress is written at most this often per job (and the last report when the attempt ends). */
const PROGRESS_EVERY_MS = 250;

export const defaultWorkerName = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

export type AttemptOutcome = 'completed' | 'already-completed';

/**
 * Runs one attempt at job `id` in this worker: records its start (numbering it), runs the handler,
 * records the result once. A failure is recorded (dead when it was the last attempt) and thrown on,
 * so that the queue retries it. A job already completed (a redelivery) is not run again.
 */
export async function runAttempt(
  sql: Sql,
  handlers: JobHandlers,
  id: string,
  worker: string,
  onEvent: WorkOptions['onEvent'],
): Promise<AttemptOutcome> {
  const started = await startAttempt(sql, id, worker);
  if (!started) return 'already-completed';
  const { attempt, maxAttempts, kind, data } = started;
  onEvent?.({ type: 'started', id, kind, attempt });
  let last = 0;
  // The last report skipped by the throttle: written when the attempt ends, so the record shows where it got to.
  let skipped: JobProgress | undefined;
  let writes: Promise<void> = Promise.resolve();
  const ctx = {
    id,
    attempt,
    maxAttempts,
    worker,
    async progress(p: JobProgress) {
      onEvent?.({ type: 'progress', id, kind, progress: p });
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS) {
        skipped = p;
        return;
      }
      last = now;
      skipped = undefined;
      // One write after another, so that a report never lands after a later one.
      const write = writes.then(() => recordProgress(sql, id, attempt, p));
      writes = write.catch(() => {});
      await write;
    },
  };
  const flushProgress = async () => {
    await writes;
    if (skipped) await recordProgress(sql, id, attempt, skipped).catch(() => {});
  };
  let result: unknown;
  try {
    const handler = handlers[kind] as JobHandler<JobKind> | undefined;
    if (!handler) throw new Error(`no handler for jobs of kind '${kind}'`);
    result = await handler(data as JobData[JobKind], ctx);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    const dead = attempt >= maxAttempts;
    await flushProgress();
    await failAttempt(sql, id, attempt, error, dead);
    onEvent?.({ type: 'failed', id, kind, attempt, error, dead });
    throw e;
  }
  await flushProgress();
  const won = await completeAttempt(sql, id, attempt, worker, result);
  if (won) onEvent?.({ type: 'completed', id, kind, attempt });
  return won ? 'completed' : 'already-completed';
}
