import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { writeNdjson } from './__fixtures__/records.js';
import { createInProcessQueue, type JobHandlers, jobHandlers, type JobQueue } from './index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'medseek-jobs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

forEachBackend('jobs on the in-process queue', (db) => {
  let queue: JobQueue;
  const failures = new Map<string, number>();
  beforeAll(async () => {
    queue = createInProcessQueue(db());
    const real = jobHandlers(db(), queue);
    // A handler that fails its first `n` attempts for the patient ids it is given, then works.
    const handlers: JobHandlers = {
      ...real,
      async 'extract-notes'(data, ctx) {
        const key = (data.patientIds ?? []).join(',');
        const left = failures.get(key) ?? 0;
        if (left > 0) {
          failures.set(key, left - 1);
          throw new Error(`planned failure, ${left - 1} left`);
        }
        return real['extract-notes'](data, ctx);
      },
    };
    await queue.work(handlers, { worker: 'test-worker' });
  });
  afterAll(() => queue.stop(5_000));

  it('imports an NDJSON file as a job and hands its notes on to an extraction job, each done once', async () => {
    const file = join(dir, `import-${db().dialect}.ndjson`);
    const total = writeNdjson(file, 4, 5);
    const id = await queue.submit('import', { path: file, batchSize: 7 });
    const job = await queue.settled(id, 120_000);
    expect(job.state).toBe('completed');
    expect(job.completedBy).toBe('test-worker');
    expect(job.attempts).toBe(1);
    const result = job.result as { created: number; rejected: number; notesJobs: string[] };
    expect(result).toMatchObject({ created: total, rejected: 0 });
    expect(result.notesJobs).toHaveLength(1);
    const notes = await queue.settled(result.notesJobs[0]!, 120_000);
    expect(notes.state).toBe('completed');
    expect(notes.result).toMatchObject({ notes: 4, extracted: 4, failed: 0 });
    const { rows } = await db().query<{ n: number | string }>(
      `select count(*) as n from note_extractions where document_id like 'job-d%' and status = 'ok'`,
    );
    expect(Number(rows[0]?.n)).toBe(4);
    // The same file again: every resource unchanged, the notes' job (same key) not queued again.
    const again = await queue.settled(await queue.submit('import', { path: file, batchSize: 7 }), 120_000);
    expect(again.result).toMatchObject({ created: 0, unchanged: total });
  });

  it('retries a failed attempt and records each attempt', async () => {
    failures.set('retry-me', 1);
    const id = await queue.submit('extract-notes', { patientIds: ['retry-me'] }, { retryDelaySeconds: 0.05 });
    const job = await queue.settled(id, 60_000);
    expect(job).toMatchObject({ state: 'completed', attempts: 2 });
    const { rows } = await db().query<{ attempt: number; outcome: string; error: string | null }>(
      'select attempt, outcome, error from medseek_job_attempts where job_id = $1 order by attempt',
      [id],
    );
    expect(rows.map((r) => [Number(r.attempt), r.outcome])).toEqual([
      [1, 'failed'],
      [2, 'completed'],
    ]);
    expect(rows[0]?.error).toContain('planned failure');
  });

  it('moves a job whose attempts are spent to the dead letters, and retries it on request', async () => {
    failures.set('doomed', 2);
    const id = await queue.submit(
      'extract-notes',
      { patientIds: ['doomed'] },
      { maxAttempts: 2, retryDelaySeconds: 0.05 },
    );
    const dead = await queue.settled(id, 60_000);
    expect(dead).toMatchObject({ state: 'dead', attempts: 2 });
    expect(dead.error).toContain('planned failure, 0 left');
    expect((await queue.deadLetters()).map((j) => j.id)).toContain(id);
    await queue.retry(id);
    const done = await queue.settled(id, 60_000);
    expect(done).toMatchObject({ state: 'completed', attempts: 3 });
    expect((await queue.deadLetters()).map((j) => j.id)).not.toContain(id);
  });

  it('fails an import of a path that does not exist, naming it', async () => {
    const id = await queue.submit('import', { path: join(dir, 'missing.ndjson') }, { maxAttempts: 1 });
    const job = await queue.settled(id, 60_000);
    expect(job.state).toBe('dead');
    expect(job.error).toContain('missing.ndjson');
  });
});

describe('job records', () => {
  it('reports an unknown job as undefined', async () => {
    const { openDatabase, migrate } = await import('../../store/index.js');
    const db = await openDatabase();
    try {
      await migrate(db);
      const queue = createInProcessQueue(db);
      expect(await queue.get('nope')).toBeUndefined();
      await expect(queue.settled('nope', 1_000)).rejects.toThrow('no job nope');
    } finally {
      await db.close();
    }
  });
});
