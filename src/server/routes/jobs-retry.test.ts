import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../../test/support/backends.js';
import { loadConfig, type Sql } from '../../core/index.js';
import * as en from '../../fusion/__fixtures__/en-patient.js';
import { deadlineIn } from '../../llm/index.js';
import {
  createResourceRepository,
  type Database,
  type FhirResource,
  migrate,
  openDatabase,
} from '../../store/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import {
  createInProcessQueue,
  createPgBossQueue,
  type JobHandlers,
  type JobQueue,
  jobHandlers,
  type RunningWorker,
  startWorker,
} from '../jobs/index.js';
import type { SummaryModel } from '../jobs/summarize-job.js';
import { createLogger } from '../logger.js';
import { setJobQueue, stopJobQueue } from './jobs-queue.js';

/**
 * `POST /api/jobs/{id}/retry` on both backends: the in-process queue on embedded PGlite, and pg-boss on
 * PostgreSQL (MEDSEEK_TEST_DATABASE_URL) with a worker. A job that fails every attempt lands dead; once
 * what it needs exists, a retry runs it again and it is completed once; a job that is not dead is a 409.
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
type Json = Record<string, any>;

const dataDir = mkdtempSync(join(tmpdir(), 'medseek-jobs-retry-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A stay that is not in the store when its QC job is first submitted (so every attempt fails), added later. */
const late = { ...en.encounter, id: 'late', status: 'in-progress', period: { start: '2024-06-01T08:00:00Z' } };

const model = (): SummaryModel => ({
  configured: true,
  deadline: () => deadlineIn(60_000),
  async chat() {
    const text = 'The patient was admitted to hospital. [F1]';
    return { ok: true, value: text, text, toolCalls: [], cached: false, use: { used: true, provider: 'fake' } };
  },
});

/**
 * The real handlers, but: an extraction for the patient 'hold' waits until `release` (a job kept running),
 * and summaries fail while `failSummaries` is set.
 */
class Controls {
  failSummaries = false;
  private open: () => void = () => {};
  private readonly gate = new Promise<void>((resolve) => {
    this.open = resolve;
  });
  release(): void {
    this.open();
  }
  handlers(db: Sql, queue: Pick<JobQueue, 'submit'>): JobHandlers {
    const real = jobHandlers(db, queue, undefined, { summarize: { llm: model } });
    return {
      ...real,
      'extract-notes': async (data, ctx) => {
        if (data.patientIds?.includes('hold')) await this.gate;
        return real['extract-notes'](data, ctx);
      },
      summarize: async (data, ctx) => {
        if (this.failSummaries) throw new Error('planned summary failure');
        return real.summarize(data, ctx);
      },
    };
  }
}

interface Api {
  ctx: AppContext;
  app: ReturnType<typeof createApp>;
  keys: { admin: string; ward: string; other: string };
}

async function openApi(db: Database, queue: JobQueue, databaseUrl?: string): Promise<Api> {
  const ctx = await openContext(loadConfig({}, { demo: false, dataDir, logLevel: 'warn', databaseUrl }), {
    db,
    llm: false,
    logger: createLogger('warn', { write: () => {} }),
  });
  setJobQueue(ctx, queue);
  const keys = {
    admin: (await ctx.apiKeys.create(`root-${Math.random()}`, { role: 'admin' })).key,
    ward: (await ctx.apiKeys.create(`ward-${Math.random()}`, { role: 'clinician', allPatients: true })).key,
    other: (await ctx.apiKeys.create(`other-${Math.random()}`, { role: 'clinician', allPatients: true })).key,
  };
  return { ctx, app: createApp(ctx), keys };
}

const call = async (api: Api, method: string, path: string, key: string, body?: unknown) => {
  const res = await api.app.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, location: res.headers.get('location'), json: (await res.json()) as Json };
};

/** Polls the job until `done` holds for its record; returns the record. */
async function until(api: Api, location: string, done: (job: Json) => boolean, timeoutMs = 150_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { status, json } = await call(api, 'GET', location, api.keys.admin);
    expect(status).toBe(200);
    if (done(json)) return json;
    if (Date.now() > end) throw new Error(`job ${location} still ${json.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const settled = (j: Json) => j.state === 'completed' || j.state === 'dead';

const attemptsOf = async (db: Sql, id: string) =>
  (
    await db.query<{ attempt: number; outcome: string | null }>(
      'select attempt, outcome from medseek_job_attempts where job_id = $1 order by attempt',
      [id],
    )
  ).rows.map((r) => [Number(r.attempt), r.outcome]);

const audits = async (db: Sql, resource: string) =>
  (
    await db.query<{ principal: string; outcome: number; at: string }>(
      `select principal, outcome, at from medseek_audit where action = 'retry-job' and resource = $1 order by id`,
      [resource],
    )
  ).rows.map((r) => ({ principal: r.principal, outcome: Number(r.outcome), at: r.at }));

interface Backend {
  api: Api;
  db: Database;
  controls: Controls;
  worker: string;
}

/** The retry tests, on whichever backend `setup` opens. */
function retryTests(b: () => Backend): void {
  it('retries a job that failed all its attempts and landed dead: it runs again and is completed once', async () => {
    const { api, db, worker } = b();
    const submitted = await call(api, 'POST', '/api/jobs/qc', api.keys.admin, { encounterId: 'late' });
    expect(submitted.status).toBe(202);
    const location = submitted.location!;
    const dead = await until(api, location, settled);
    expect(dead).toMatchObject({ state: 'dead', attempts: 3, maxAttempts: 3 });
    expect(dead.error).toContain('Encounter/late');

    // What it needs now exists. A clinician may not retry an admin's job; an admin may.
    await createResourceRepository(db).putMany([late as unknown as FhirResource]);
    expect((await call(api, 'POST', `${location}/retry`, api.keys.ward)).status).toBe(403);
    const retried = await call(api, 'POST', `${location}/retry`, api.keys.admin);
    expect(retried.status).toBe(202);
    expect(retried.location).toBe(location);
    expect(retried.json).toMatchObject({ id: dead.id, kind: 'qc', data: dead.data, maxAttempts: 6, location });
    expect(retried.json.error).toBeUndefined();

    const done = await until(api, location, settled);
    expect(done).toMatchObject({ state: 'completed', attempts: 4, completedBy: worker });
    expect(done.result).toMatchObject({ encounters: 1, encounterIds: ['late'] });
    expect(await attemptsOf(db, dead.id)).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'completed'],
    ]);
    const reports = await db.query<{ n: number | string }>(
      `select count(*) as n from reasoning_qc_report where encounter_id = 'late'`,
    );
    expect(Number(reports.rows[0]?.n)).toBe(1);

    // Completed: a second retry is refused, naming the state; both are audited with who and when.
    const again = await call(api, 'POST', `${location}/retry`, api.keys.admin);
    expect(again.status).toBe(409);
    expect(again.json.issue[0].diagnostics).toContain('is completed');
    const rows = await audits(db, `${location}/retry`);
    expect(rows.map((r) => r.outcome)).toEqual([202, 409]);
    expect(rows[0]?.principal).toMatch(/^key:/);
    expect(rows[0]?.at).toBeTruthy();
    expect((await until(api, location, settled)).attempts).toBe(4);
  });

  it('refuses to retry a running job (409, naming its state) and an unknown one (404)', async () => {
    const { api, db, controls } = b();
    const submitted = await call(api, 'POST', '/api/jobs/extract-notes', api.keys.admin, { patientIds: ['hold'] });
    expect(submitted.status).toBe(202);
    const location = submitted.location!;
    try {
      await until(api, location, (j) => j.state === 'active');
      const running = await call(api, 'POST', `${location}/retry`, api.keys.admin);
      expect(running.status).toBe(409);
      expect(running.json.issue[0].code).toBe('conflict');
      expect(running.json.issue[0].diagnostics).toContain('is active');
    } finally {
      controls.release();
    }
    const done = await until(api, location, settled);
    expect(done).toMatchObject({ state: 'completed', attempts: 1, maxAttempts: 3 });
    expect(await attemptsOf(db, done.id)).toEqual([[1, 'completed']]);
    expect((await call(api, 'POST', '/api/jobs/nope/retry', api.keys.admin)).status).toBe(404);
  });

  it('lets a clinician retry the dead summary job they submitted, and no one else’s', async () => {
    const { api, controls } = b();
    controls.failSummaries = true;
    const submitted = await call(api, 'POST', '/api/jobs/summarize', api.keys.ward, { encounterId: 'e1', lang: 'en' });
    expect(submitted.status).toBe(202);
    const location = submitted.location!;
    const dead = await until(api, location, settled);
    expect(dead.state).toBe('dead');
    controls.failSummaries = false;
    // Another clinician, though allowed to see the patient, did not submit it (as for reading it).
    expect((await call(api, 'POST', `${location}/retry`, api.keys.other)).status).toBe(403);
    const retried = await call(api, 'POST', `${location}/retry`, api.keys.ward);
    expect(retried.status).toBe(202);
    const done = await until(api, location, settled);
    expect(done).toMatchObject({ state: 'completed', attempts: 4, result: { draftId: dead.id, patientId: 'p1' } });
  });
}

const resources = [...en.allResources] as unknown as FhirResource[];

describe('retrying dead jobs on the embedded database (jobs run in the server)', () => {
  let backend: Backend;
  let queue: JobQueue;
  beforeAll(async () => {
    const db = await openDatabase();
    await migrate(db);
    await createResourceRepository(db).putMany(resources);
    const controls = new Controls();
    queue = createInProcessQueue(db);
    await queue.work(controls.handlers(db, queue), { worker: 'in-server' });
    // Retries a few milliseconds apart, so that a failing job is dead in a moment.
    const api = await openApi(db, {
      ...queue,
      submit: (kind, data, o) => queue.submit(kind, data, { ...o, retryDelaySeconds: 0.05 }),
    });
    backend = { api, db, controls, worker: 'in-server' };
  }, 120_000);
  afterAll(async () => {
    backend?.controls.release();
    await queue?.stop(5_000);
    await backend?.db.close();
  });
  retryTests(() => backend);
});

const server = process.env.MEDSEEK_TEST_DATABASE_URL;

describe.skipIf(!server)('retrying dead jobs on PostgreSQL (pg-boss to a worker)', () => {
  let backend: Backend;
  let worker: RunningWorker | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const fresh = await createScratchDatabase(server!);
    drop = fresh.drop;
    const db = await openDatabase({ databaseUrl: fresh.url, maxConnections: 3 });
    await migrate(db);
    await createResourceRepository(db).putMany(resources);
    const controls = new Controls();
    // The API's own pg-boss client (it only submits and retries); pg-boss retries 1 s apart, then 2 s.
    const queue = await createPgBossQueue(db, fresh.url);
    worker = await startWorker({
      databaseUrl: fresh.url,
      worker: 'pg-worker',
      pollingSeconds: 0.5,
      kinds: ['qc', 'extract-notes', 'summarize'],
      handlers: (wdb, q) => controls.handlers(wdb, q),
    });
    const fast: JobQueue = {
      ...queue,
      submit: (kind, data, o) => queue.submit(kind, data, { ...o, retryDelaySeconds: 1 }),
    };
    backend = { api: await openApi(db, fast, fresh.url), db, controls, worker: 'pg-worker' };
  }, 120_000);
  afterAll(async () => {
    backend?.controls.release();
    if (backend) await stopJobQueue(backend.api.ctx);
    await worker?.stop(5_000);
    await backend?.db.close();
    await drop?.();
  });
  retryTests(() => backend);
});
