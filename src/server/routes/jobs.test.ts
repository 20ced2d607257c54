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
import { writeNdjson } from '../jobs/__fixtures__/records.js';
import { createInProcessQueue, type JobQueue, jobHandlers, type RunningWorker, startWorker } from '../jobs/index.js';
import type { SummaryModel } from '../jobs/summarize-job.js';
import { createLogger } from '../logger.js';
import { JOB_FILES_ENV } from './jobs.js';
import { stopJobQueue, setJobQueue } from './jobs-queue.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
type Json = Record<string, any>;

/** Two stays of the English fixture patient still in progress (the fixture's own e1 is finished). */
const current = (id: string, start: string) => ({
  ...en.encounter,
  id,
  status: 'in-progress',
  period: { start },
});
const resources = [
  ...en.allResources,
  current('e2', '2024-05-01T08:00:00Z'),
  current('e3', '2024-05-02T08:00:00Z'),
] as unknown as FhirResource[];

const model = (): SummaryModel => ({
  configured: true,
  deadline: () => deadlineIn(60_000),
  async chat() {
    const text = 'The patient was admitted to hospital. [F1]';
    return { ok: true, value: text, text, toolCalls: [], cached: false, use: { used: true, provider: 'fake' } };
  },
});
const handlers = (db: Sql, queue: Pick<JobQueue, 'submit'>) =>
  jobHandlers(db, queue, undefined, { summarize: { llm: model } });

const filesDir = mkdtempSync(join(tmpdir(), 'medseek-job-files-'));
const dataDir = mkdtempSync(join(tmpdir(), 'medseek-jobs-api-'));
afterAll(() => {
  rmSync(filesDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

interface Api {
  app: ReturnType<typeof createApp>;
  keys: { admin: string; ward: string; elsewhere: string };
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

/** Polls the job's address until it is completed or dead; returns every state seen and the last record. */
async function watch(api: Api, location: string, key: string, timeoutMs = 120_000) {
  const states: string[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { status, json } = await call(api, 'GET', location, key);
    expect(status).toBe(200);
    if (states.at(-1) !== json.state) states.push(json.state);
    if (json.state === 'completed' || json.state === 'dead') return { job: json, states };
    if (Date.now() > until) throw new Error(`job ${location} still ${json.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function openApi(
  db: Database,
  databaseUrl?: string,
  queue?: JobQueue,
  jobFilesDir?: string,
): Promise<Api & { ctx: AppContext }> {
  const env = jobFilesDir ? { [JOB_FILES_ENV]: jobFilesDir } : {};
  const ctx = await openContext(loadConfig(env, { demo: false, dataDir, logLevel: 'warn', databaseUrl }), {
    db,
    llm: false,
    logger: createLogger('warn', { write: () => {} }),
  });
  if (queue) setJobQueue(ctx, queue);
  const app = createApp(ctx);
  const keys = {
    admin: (await ctx.apiKeys.create(`root-${Math.random()}`, { role: 'admin' })).key,
    ward: (await ctx.apiKeys.create(`ward-${Math.random()}`, { role: 'clinician', allPatients: true })).key,
    elsewhere: (await ctx.apiKeys.create(`else-${Math.random()}`, { role: 'clinician', units: ['nowhere'] })).key,
  };
  return { ctx, app, keys };
}

const audited = async (db: Sql, action: string, resource: string) =>
  Number(
    (
      await db.query<{ n: number | string }>(
        'select count(*) as n from medseek_audit where action = $1 and resource like $2',
        [action, resource],
      )
    ).rows[0]?.n,
  );

describe('the job routes on the embedded database (jobs run in the server)', () => {
  let db: Database;
  let queue: JobQueue;
  let api: Api & { ctx: AppContext };
  beforeAll(async () => {
    db = await openDatabase();
    await migrate(db);
    await createResourceRepository(db).putMany(resources);
    queue = createInProcessQueue(db);
    await queue.work(handlers(db, queue), { worker: 'in-server' });
    // Retries a few milliseconds apart, so that a failing job is dead in a moment.
    api = await openApi(
      db,
      undefined,
      { ...queue, submit: (kind, data, o) => queue.submit(kind, data, { ...o, retryDelaySeconds: 0.05 }) },
      filesDir,
    );
  }, 120_000);
  afterAll(async () => {
    await queue.stop(5_000);
    await db.close();
  });

  it('runs QC of every stay in progress as a job: 202 with Location, progress per encounter, reports stored', async () => {
    const submitted = await call(api, 'POST', '/api/jobs/qc', api.keys.admin, {});
    expect(submitted.status).toBe(202);
    expect(submitted.location).toBe(`/api/jobs/${submitted.json.id}`);
    expect(submitted.json).toMatchObject({ kind: 'qc', data: { current: true, hospital: 'default' } });
    const { job, states } = await watch(api, submitted.location!, api.keys.admin);
    expect(states.at(-1)).toBe('completed');
    expect(job).toMatchObject({ attempts: 1, progress: { done: 2, total: 2 }, completedBy: 'in-server' });
    expect(job.result).toMatchObject({ encounters: 2, current: true });
    expect([...job.result.encounterIds].sort()).toEqual(['e2', 'e3']);
    const { rows } = await db.query<{ encounter_id: string }>('select encounter_id from reasoning_qc_report');
    expect(rows.map((r) => r.encounter_id).sort()).toEqual(['e2', 'e3']);
    expect(await audited(db, 'submit-job', `/api/jobs/${job.id}`)).toBe(1);
  });

  it('ends a failing job dead with its error after its attempts, among the dead letters', async () => {
    const submitted = await call(api, 'POST', '/api/jobs/qc', api.keys.admin, { encounterId: 'nope' });
    expect(submitted.status).toBe(202);
    const { job, states } = await watch(api, submitted.location!, api.keys.admin);
    expect(states).toContain('dead');
    expect(job).toMatchObject({ state: 'dead', attempts: 3, maxAttempts: 3 });
    expect(job.error).toContain('Encounter/nope');
    const dead = await call(api, 'GET', '/api/jobs?state=dead&kind=qc', api.keys.admin);
    expect(dead.json.jobs.map((j: Json) => j.id)).toEqual([job.id]);
    const done = await call(api, 'GET', '/api/jobs?kind=qc&state=completed', api.keys.admin);
    expect(done.json.count).toBe(1);
    expect(done.json.jobs[0].state).toBe('completed');
  });

  it('composes a summary as a clinician’s job on a patient in scope; others are refused and audited', async () => {
    const submitted = await call(api, 'POST', '/api/jobs/summarize', api.keys.ward, { encounterId: 'e1', lang: 'en' });
    expect(submitted.status).toBe(202);
    expect(submitted.json.data).toMatchObject({ encounterId: 'e1', patientId: 'p1', requestedBy: { kind: 'api-key' } });
    const { job } = await watch(api, submitted.location!, api.keys.ward);
    expect(job).toMatchObject({ state: 'completed', result: { draftId: job.id, patientId: 'p1', lang: 'en' } });
    expect(await audited(db, 'read', `/api/jobs/${job.id}`)).toBeGreaterThan(0);
    expect(await audited(db, 'compose', `Patient/p1/summary/${job.id}?%`)).toBe(1);

    // A clinician whose units do not hold the patient may neither submit nor read it.
    const refused = await call(api, 'POST', '/api/jobs/summarize', api.keys.elsewhere, { encounterId: 'e1' });
    expect(refused.status).toBe(403);
    expect(refused.json.issue[0].code).toBe('forbidden');
    expect((await call(api, 'GET', submitted.location!, api.keys.elsewhere)).status).toBe(403);
    expect(await audited(db, 'denied', '/api/jobs/%')).toBeGreaterThanOrEqual(2);
    // Admin work and the list are admins' only; an admin reads any job.
    expect((await call(api, 'POST', '/api/jobs/qc', api.keys.ward, {})).status).toBe(403);
    expect((await call(api, 'POST', '/api/jobs/import', api.keys.ward, { path: 'x' })).status).toBe(403);
    expect((await call(api, 'GET', '/api/jobs', api.keys.ward)).status).toBe(403);
    const qc = (await call(api, 'GET', '/api/jobs?kind=qc', api.keys.admin)).json.jobs[0];
    expect((await call(api, 'GET', `/api/jobs/${qc.id}`, api.keys.ward)).status).toBe(403);
    expect((await call(api, 'GET', submitted.location!, api.keys.admin)).status).toBe(200);
  });

  it('imports a file under the job folder and hands its notes on to an extraction job', async () => {
    expect(api.ctx.config.jobFilesDir).toBe(filesDir);
    const total = writeNdjson(join(filesDir, 'batch.ndjson'), 3, 2);
    const submitted = await call(api, 'POST', '/api/jobs/import', api.keys.admin, { path: 'batch.ndjson' });
    expect(submitted.status).toBe(202);
    expect(submitted.json.data.path).toBe(join(filesDir, 'batch.ndjson'));
    const { job } = await watch(api, submitted.location!, api.keys.admin);
    expect(job.result).toMatchObject({ created: total, rejected: 0 });
    const notes = await watch(api, `/api/jobs/${job.result.notesJobs[0]}`, api.keys.admin);
    expect(notes.job).toMatchObject({ kind: 'extract-notes', state: 'completed', result: { notes: 3 } });
    // Nothing outside the folder: not by `..`, not by an absolute path.
    for (const path of ['../batch.ndjson', '/etc/passwd']) {
      const out = await call(api, 'POST', '/api/jobs/import', api.keys.admin, { path });
      expect(out.status).toBe(400);
      expect(out.json.issue[0]).toMatchObject({ expression: ['path'] });
      expect(out.json.issue[0].diagnostics).toContain(JOB_FILES_ENV);
    }
  });

  it('submits a federated export with its cases under the job folder; without a package folder it ends dead', async () => {
    const saved = process.env.MEDSEEK_FEDERATED_DIR;
    delete process.env.MEDSEEK_FEDERATED_DIR;
    try {
      const body = { kb: 'ddxplus', cases: 'north/cases.jsonl', site: 'north', budget: { epsilon: 5, delta: 1e-4 } };
      const submitted = await call(api, 'POST', '/api/jobs/federate-export', api.keys.admin, body);
      expect(submitted.status).toBe(202);
      expect(submitted.json.data).toMatchObject({
        cases: join(filesDir, 'north/cases.jsonl'),
        epsilon: 1,
        delta: 1e-5,
        clip: 44,
        budget: { epsilon: 5 },
      });
      const { job } = await watch(api, submitted.location!, api.keys.admin);
      expect(job).toMatchObject({ state: 'dead', attempts: 3 });
      expect(job.error).toContain('set MEDSEEK_FEDERATED_DIR');
      expect((await call(api, 'POST', '/api/jobs/federate-export', api.keys.ward, body)).status).toBe(403);
    } finally {
      if (saved !== undefined) process.env.MEDSEEK_FEDERATED_DIR = saved;
    }
  });

  it('refuses bodies and queries that are not valid, naming the field and why', async () => {
    const cases: [string, string, unknown, string, string][] = [
      ['POST', '/api/jobs/qc', { since: 'yesterday' }, 'since', 'is not a date'],
      ['POST', '/api/jobs/qc', { encounterId: 'e1', current: true }, 'encounterId', 'names one encounter'],
      ['POST', '/api/jobs/qc', { hopsital: 'x' }, 'hopsital', "unknown field 'hopsital'"],
      ['POST', '/api/jobs/qc', { hospital: '../x' }, 'hospital', 'is not a hospital id'],
      ['POST', '/api/jobs/federate-export', { cases: 'c.jsonl', site: 'north' }, 'kb', ''],
      ['POST', '/api/jobs/federate-export', { kb: 'dxy', cases: 'c', site: 'n', delta: 2 }, 'delta', 'less than 1'],
      ['POST', '/api/jobs/extract-notes', { patientIds: ['ok', 'not ok'] }, 'patientIds[1]', 'not a FHIR id'],
      ['POST', '/api/jobs/summarize', { encounterId: 'e1', lang: 'fr' }, 'lang', ''],
      ['POST', '/api/jobs/import', { path: 'x', batchSize: 0 }, 'batchSize', ''],
      ['GET', '/api/jobs?limit=0', undefined, 'limit', 'must be 1 to 200'],
      ['GET', '/api/jobs?state=finished', undefined, 'state', ''],
    ];
    for (const [method, path, body, field, reason] of cases) {
      const out = await call(api, method, path, api.keys.admin, body);
      expect(out.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(out.json.issue[0].expression).toEqual([field]);
      expect(out.json.issue[0].diagnostics).toContain(reason);
    }
    expect((await call(api, 'POST', '/api/jobs/summarize', api.keys.admin, { encounterId: 'nope' })).status).toBe(404);
    expect((await call(api, 'GET', '/api/jobs/nope', api.keys.admin)).status).toBe(404);
  });
});

describe('the job routes’ own queue on the embedded database', () => {
  let db: Database;
  let api: (Api & { ctx: AppContext }) | undefined;
  beforeAll(async () => {
    db = await openDatabase();
    await migrate(db);
    await createResourceRepository(db).putMany(resources);
  }, 120_000);
  afterAll(async () => {
    if (api) await stopJobQueue(api.ctx);
    await db.close();
  });

  it('resumes a job a stopped server left queued, and runs new ones in the server', async () => {
    // Recorded by a queue that never worked (a server stopped before running it).
    const left = await createInProcessQueue(db).submit('qc', { encounterId: 'e1' });
    api = await openApi(db);
    const resumed = await watch(api, `/api/jobs/${left}`, api.keys.admin);
    expect(resumed.job).toMatchObject({ state: 'completed', result: { encounters: 1, encounterIds: ['e1'] } });
    const submitted = await call(api, 'POST', '/api/jobs/qc', api.keys.admin, { current: false, since: '2024-05-01' });
    expect(submitted.status).toBe(202);
    const { job } = await watch(api, submitted.location!, api.keys.admin);
    expect(job).toMatchObject({ state: 'completed', result: { encounters: 2 } });
  });

  it('refuses jobs that name files when the server names no job folder', async () => {
    api ??= await openApi(db);
    const a = api;
    expect(a.ctx.config.jobFilesDir).toBeUndefined();
    const unset = await call(a, 'POST', '/api/jobs/import', a.keys.admin, { path: 'batch.ndjson' });
    expect(unset.status).toBe(400);
    expect(unset.json.issue[0].diagnostics).toContain(`set ${JOB_FILES_ENV}`);
  });
});

const server = process.env.MEDSEEK_TEST_DATABASE_URL;

describe.skipIf(!server)('the job routes on PostgreSQL: pg-boss to a worker, two API replicas', () => {
  let drop: (() => Promise<void>) | undefined;
  const dbs: Database[] = [];
  let one: Api & { ctx: AppContext };
  let two: Api & { ctx: AppContext };
  let worker: RunningWorker;
  beforeAll(async () => {
    const fresh = await createScratchDatabase(server!);
    drop = fresh.drop;
    for (let i = 0; i < 2; i++) dbs.push(await openDatabase({ databaseUrl: fresh.url, maxConnections: 3 }));
    await migrate(dbs[0]!);
    await createResourceRepository(dbs[0]!).putMany(resources);
    // Each replica opens its own pg-boss queue from DATABASE_URL on its first submit, as `medseek serve` does.
    one = await openApi(dbs[0]!, fresh.url);
    two = await openApi(dbs[1]!, fresh.url);
    worker = await startWorker({
      databaseUrl: fresh.url,
      worker: 'pg-worker',
      pollingSeconds: 0.5,
      kinds: ['qc', 'summarize'],
      handlers,
    });
  }, 120_000);
  afterAll(async () => {
    for (const api of [one, two]) if (api) await stopJobQueue(api.ctx);
    await worker?.stop(5_000);
    for (const db of dbs) await db.close();
    await drop?.();
  });

  it('runs a QC job submitted to one replica in the worker, watched from the other', async () => {
    const submitted = await call(one, 'POST', '/api/jobs/qc', one.keys.admin, {});
    expect(submitted.status).toBe(202);
    const { job } = await watch(two, submitted.location!, two.keys.admin);
    expect(job).toMatchObject({ state: 'completed', completedBy: 'pg-worker', progress: { done: 2, total: 2 } });
    expect(job.result).toMatchObject({ encounters: 2 });
  }, 180_000);

  it('runs a clinician’s summary job, readable by them and refused to a clinician out of scope', async () => {
    const submitted = await call(two, 'POST', '/api/jobs/summarize', two.keys.ward, { encounterId: 'e1', lang: 'en' });
    expect(submitted.status).toBe(202);
    // Keys live in the database: the clinician who submitted to one replica reads the job from the other.
    const { job } = await watch(one, submitted.location!, two.keys.ward);
    // Another clinician, though allowed to see the patient, did not submit it.
    expect((await call(one, 'GET', submitted.location!, one.keys.ward)).status).toBe(403);
    expect(job).toMatchObject({ state: 'completed', result: { draftId: job.id, patientId: 'p1' } });
    expect((await call(one, 'GET', submitted.location!, one.keys.elsewhere)).status).toBe(403);
    expect((await call(two, 'POST', '/api/jobs/summarize', two.keys.elsewhere, { encounterId: 'e1' })).status).toBe(
      403,
    );
  }, 180_000);

  it('ends a failing job dead (pg-boss retries, then its dead-letter queue) with its error', async () => {
    const submitted = await call(one, 'POST', '/api/jobs/qc', one.keys.admin, { encounterId: 'nope' });
    expect(submitted.status).toBe(202);
    // pg-boss retries after 10 s, then 20 s: about half a minute.
    const { job } = await watch(two, submitted.location!, two.keys.admin, 150_000);
    expect(job).toMatchObject({ state: 'dead', attempts: 3 });
    expect(job.error).toContain('Encounter/nope');
    const dead = await call(two, 'GET', '/api/jobs?state=dead&kind=qc', two.keys.admin);
    expect(dead.json.jobs.map((j: Json) => j.id)).toEqual([job.id]);
  }, 180_000);
});
