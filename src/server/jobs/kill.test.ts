import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../../test/support/backends.js';
import { type Database, migrate, openDatabase } from '../../store/index.js';
import { writeNdjson } from './__fixtures__/records.js';
import { createPgBossQueue, type JobQueue, jobHandlers } from './index.js';

/**
 * Workers are separate processes sharing one PostgreSQL database. Worker A takes an import and is
 * killed (SIGKILL) after it committed its first batch; worker B finds the attempt lost once its time
 * limit passes, runs the job again and completes it. The job is completed once, by B; every resource
 * has one version and no history (A's batch re-written unchanged); the notes it hands on are read once.
 */
const server = process.env.MEDSEEK_TEST_DATABASE_URL;
const FIXTURE = join(import.meta.dirname, '__fixtures__', 'worker-process.ts');

interface Worker {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The first JSON line the worker prints that matches. */
  line(match: (l: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>>;
  readonly stderr: () => string;
}

function spawnWorker(url: string, name: string, env: Record<string, string> = {}): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, DATABASE_URL: url, WORKER_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      return;
    }
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stderr: () => err,
    line(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (!found) return;
          finish();
          resolve(found);
        };
        const onExit = () => {
          finish();
          reject(new Error(`worker ${name} exited before the line awaited: ${err.slice(-2000)}`));
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`worker ${name}: no such line within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
        };
        waiters.add(check);
        child.once('exit', onExit);
        check();
      });
    },
  };
}

describe.skipIf(!server)('a worker killed in the middle of a job [postgres]', () => {
  const workers: Worker[] = [];
  let db: Database | undefined;
  let queue: JobQueue | undefined;
  let drop: (() => Promise<void>) | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'medseek-kill-'));

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await queue?.stop(1_000);
    await db?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is finished once, by another worker, with nothing duplicated', async () => {
    const scratch = await createScratchDatabase(server!);
    drop = scratch.drop;
    db = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
    await migrate(db);
    queue = await createPgBossQueue(db, scratch.url);
    const file = join(dir, 'import.ndjson');
    const patients = 30;
    const total = writeNdjson(file, patients, 30);
    const count = async (sql: string) => Number((await db!.query<{ n: string }>(sql)).rows[0]?.n);

    // A 3-second lease: a dead worker's attempt is found lost that soon (a live one renews it).
    const id = await queue.submit('import', { path: file, batchSize: 50 }, { leaseSeconds: 3, retryDelaySeconds: 0 });
    const a = spawnWorker(scratch.url, 'worker-a', { STALL: 'after-first-write' });
    workers.push(a);
    await a.line((l) => l.event === 'stalled', 120_000);
    const written = await count(`select count(*) as n from fhir_resources where id like 'job-%'`);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(total);
    expect(await queue.get(id)).toMatchObject({ state: 'active', attempts: 1 });
    a.child.kill('SIGKILL');
    await a.exited;

    const b = spawnWorker(scratch.url, 'worker-b');
    workers.push(b);
    const job = await queue.settled(id, 120_000);
    expect(job).toMatchObject({ state: 'completed', attempts: 2, completedBy: 'worker-b' });
    const result = job.result as {
      read: number;
      created: number;
      unchanged: number;
      rejected: number;
      notesJobs: string[];
    };
    expect(result.read).toBe(total);
    expect(result.rejected).toBe(0);
    // What A committed before it died is unchanged on B's attempt; B created the rest.
    expect(result.unchanged).toBeGreaterThanOrEqual(written);
    expect(result.created + result.unchanged).toBe(total);
    const attempts = await db.query<{ attempt: number; worker: string; outcome: string }>(
      'select attempt, worker, outcome from medseek_job_attempts where job_id = $1 order by attempt',
      [id],
    );
    expect(attempts.rows.map((r) => [Number(r.attempt), r.worker, r.outcome])).toEqual([
      [1, 'worker-a', 'lost'],
      [2, 'worker-b', 'completed'],
    ]);
    expect(await count(`select count(*) as n from fhir_resources where id like 'job-%'`)).toBe(total);
    expect(await count(`select count(*) as n from fhir_resources where id like 'job-%' and version_id <> 1`)).toBe(0);
    expect(await count('select count(*) as n from fhir_resource_history')).toBe(0);

    // The notes it handed on: one extraction job, completed once, each note read once.
    expect(result.notesJobs).toHaveLength(1);
    const notes = await queue.settled(result.notesJobs[0]!, 120_000);
    expect(notes).toMatchObject({ state: 'completed', attempts: 1, completedBy: 'worker-b' });
    expect(await count(`select count(*) as n from note_extractions where status = 'ok'`)).toBe(patients);
    expect(await count('select count(*) as n from medseek_job_attempts')).toBe(3);
    const perNote = await db.query<{ n: string; facts: string }>(
      `select count(*) as n, sum(fact_count) as facts from note_extractions`,
    );
    expect(await count('select count(*) as n from note_facts')).toBe(Number(perNote.rows[0]?.facts));

    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 300_000);

  it('retries a failing job on pg-boss, then keeps it as a dead letter until it is retried', async () => {
    let failing = true;
    const real = jobHandlers(db!, queue!);
    await queue!.work(
      {
        ...real,
        async 'extract-notes'(data, ctx) {
          if (failing) throw new Error('planned failure');
          return real['extract-notes'](data, ctx);
        },
      },
      { worker: 'in-test', kinds: ['extract-notes'] },
    );
    const id = await queue!.submit(
      'extract-notes',
      { patientIds: ['nobody'] },
      { maxAttempts: 2, retryDelaySeconds: 0 },
    );
    // Submitting the same key again queues nothing.
    expect(await queue!.submit('extract-notes', { patientIds: ['nobody'] }, { key: id })).toBe(id);
    const dead = await queue!.settled(id, 120_000);
    expect(dead).toMatchObject({ state: 'dead', attempts: 2, error: 'planned failure' });
    expect((await queue!.deadLetters()).map((j) => j.id)).toContain(id);
    failing = false;
    await queue!.retry(id);
    expect(await queue!.settled(id, 120_000)).toMatchObject({
      state: 'completed',
      attempts: 3,
      completedBy: 'in-test',
    });
  }, 300_000);
});
