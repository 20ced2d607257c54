import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, forEachBackend } from '../../../test/support/backends.js';
import type { Sql } from '../../core/index.js';
import * as en from '../../fusion/__fixtures__/en-patient.js';
import { deadlineIn } from '../../llm/index.js';
import { ddxPatientCase, knowledgeBaseResolver, parseDdxKnowledge, parseDdxPatients } from '../../reasoning/index.js';
import { createResourceRepository, type FhirResource, migrate, openDatabase } from '../../store/index.js';
import {
  createInProcessQueue,
  type JobHandler,
  type JobHandlers,
  jobHandlers,
  type JobKind,
  type JobQueue,
  LEDGER_FILE,
  type RunningWorker,
  startWorker,
} from './index.js';
import type { SummaryModel } from './summarize-job.js';

const ddxFixture = fileURLToPath(new URL('../../reasoning/diagnosis/__fixtures__/ddxplus/', import.meta.url));

/** A second, earlier inpatient stay of the English fixture patient: a QC run over all stays checks two. */
const earlierStay = {
  ...en.encounter,
  id: 'e0',
  period: { start: '2023-06-01T08:00:00Z', end: '2023-06-04T12:00:00Z' },
};

const dir = mkdtempSync(join(tmpdir(), 'medseek-work-kinds-'));
const ddxDir = join(dir, 'ddxplus');
beforeAll(() => {
  mkdirSync(ddxDir);
  for (const f of ['release_conditions.json', 'release_evidences.json'])
    copyFileSync(join(ddxFixture, f), join(ddxDir, f));
  copyFileSync(join(ddxFixture, 'patients.csv'), join(ddxDir, 'patients_part1.csv'));
  const kb = parseDdxKnowledge(
    readFileSync(join(ddxFixture, 'release_conditions.json'), 'utf8'),
    readFileSync(join(ddxFixture, 'release_evidences.json'), 'utf8'),
  );
  const lines = parseDdxPatients(readFileSync(join(ddxFixture, 'patients.csv'), 'utf8')).map((p) =>
    JSON.stringify({ id: `row-${p.row}`, diagnosis: p.pathology, input: ddxPatientCase(kb, p, true) }),
  );
  writeFileSync(join(dir, 'cases.jsonl'), `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Jobs whose next attempt throws after its handler did all its work (a worker lost before completing). */
const crashAfterWork = new Set<string>();
/** Federated jobs whose next attempt loses its package (died between the ledger and the package) and throws. */
const losePackage = new Set<string>();
/** How many of the model's next answers fail, and how many it was asked. */
let modelFailures = 0;
let modelCalls = 0;

const model = (): SummaryModel => ({
  configured: true,
  deadline: () => deadlineIn(60_000),
  async chat() {
    modelCalls++;
    if (modelFailures > 0) {
      modelFailures--;
      return { ok: false, error: { kind: 'timeout', message: 'planned' }, use: { used: false, reason: 'planned' } };
    }
    const text = 'The patient was admitted to hospital. [F1]';
    return { ok: true, value: text, text, toolCalls: [], cached: false, use: { used: true, provider: 'fake' } };
  },
});

/** The real handlers (packages into `fedDir`, the fake model), each interrupted after its work when planned. */
function testHandlers(db: Sql, queue: Pick<JobQueue, 'submit'>, fedDir: string): JobHandlers {
  const real = jobHandlers(db, queue, undefined, {
    federate: { dir: fedDir, networks: knowledgeBaseResolver({ sql: db, ddxplusDir: ddxDir }) },
    summarize: { llm: model },
  });
  const interrupted =
    <K extends JobKind>(kind: K): JobHandler<K> =>
    async (data, ctx) => {
      const result = await (real[kind] as JobHandler<K>)(data, ctx);
      if (losePackage.delete(ctx.id)) rmSync((result as { package: string }).package);
      else if (!crashAfterWork.delete(ctx.id)) return result;
      throw new Error('planned loss after the work was done');
    };
  return {
    ...real,
    qc: interrupted('qc'),
    'federate-export': interrupted('federate-export'),
    summarize: interrupted('summarize'),
  };
}

const fast = { retryDelaySeconds: 0.05 };
const resources = [...en.allResources, earlierStay] as unknown as FhirResource[];
const exportData = {
  kb: 'ddxplus',
  cases: join(dir, 'cases.jsonl'),
  site: 'north',
  epsilon: 2,
  delta: 1e-5,
  clip: 44,
  closedWorld: true,
  budget: { epsilon: 5, delta: 1e-4 },
};
const summarize = { encounterId: 'e1', lang: 'en', requestedBy: { principal: 'cli:tester', kind: 'cli' } } as const;
const count = async (db: Sql, sql: string, params: unknown[] = []) =>
  Number((await db.query<{ n: number | string }>(sql, params)).rows[0]?.n);
const attempts = async (db: Sql, id: string) =>
  (
    await db.query<{ attempt: number; outcome: string }>(
      'select attempt, outcome from medseek_job_attempts where job_id = $1 order by attempt',
      [id],
    )
  ).rows.map((r) => `${r.attempt}:${r.outcome}`);
const ledgerIn = (fedDir: string) =>
  JSON.parse(readFileSync(join(fedDir, LEDGER_FILE), 'utf8')) as { spends: { what: string; epsilon: number }[] };
const chargesOf = (fedDir: string, id: string) =>
  ledgerIn(fedDir).spends.filter((s) => s.what.endsWith(`(job ${id})`)).length;

forEachBackend('QC, federated-export and summarize jobs on the in-process queue', (db) => {
  let queue: JobQueue;
  let fedDir: string;
  beforeAll(async () => {
    fedDir = join(dir, `packages-${db().dialect}`);
    await createResourceRepository(db()).putMany(resources);
    queue = createInProcessQueue(db());
    await queue.work(testHandlers(db(), queue, fedDir), { worker: 'kinds-worker' });
  }, 120_000);
  afterAll(() => queue.stop(5_000));

  it('runs QC over every stay since a date with progress per encounter, and a retry adds no report', async () => {
    const id = 'qc-all';
    crashAfterWork.add(id);
    await queue.submit('qc', { since: '2023-01-01' }, { key: id, ...fast });
    const job = await queue.settled(id, 120_000);
    expect(job).toMatchObject({ state: 'completed', attempts: 2, progress: { done: 2, total: 2, items: 2 } });
    expect(job.result).toMatchObject({ encounters: 2, hospital: 'default' });
    expect(await attempts(db(), id)).toEqual(['1:failed', '2:completed']);
    expect(await count(db(), 'select count(*) as n from reasoning_qc_report')).toBe(2);
    const one = await queue.settled(await queue.submit('qc', { encounterId: 'e1' }), 60_000);
    expect(one.result).toMatchObject({ encounters: 1, encounterIds: ['e1'] });
    expect(await count(db(), 'select count(*) as n from reasoning_qc_report')).toBe(2);
  });

  it('sends a QC run of an encounter that is not there to the dead letters after its attempts', async () => {
    const id = await queue.submit('qc', { encounterId: 'nope' }, { maxAttempts: 2, ...fast });
    const job = await queue.settled(id, 60_000);
    expect(job).toMatchObject({ state: 'dead', attempts: 2 });
    expect(job.error).toContain('Encounter/nope');
    expect((await queue.deadLetters()).map((j) => j.id)).toContain(id);
  });

  const ledger = () => ledgerIn(fedDir);

  it('writes a federated package to the folder and charges the ledger once, though retried after the work', async () => {
    const id = 'fed-1';
    crashAfterWork.add(id);
    await queue.submit('federate-export', exportData, { key: id, ...fast });
    const job = await queue.settled(id, 120_000);
    expect(job).toMatchObject({ state: 'completed', attempts: 2, progress: { done: 3, total: 3 } });
    expect(job.result).toMatchObject({ network: expect.any(String), alreadyWritten: true, spentEpsilon: 2 });
    const pkg = (job.result as { package: string }).package;
    expect(pkg).toBe(join(fedDir, `north-${id}.json`));
    expect(JSON.parse(readFileSync(pkg, 'utf8'))).toMatchObject({
      format: 'medseek-federated-counts/1',
      site: 'north',
    });
    expect(ledger().spends).toHaveLength(1);
    expect(chargesOf(fedDir, id)).toBe(1);
  });

  it('re-draws a package lost before it was written under its one charge, and refuses a release past the budget', async () => {
    const id = 'fed-2';
    losePackage.add(id);
    await queue.submit('federate-export', exportData, { key: id, ...fast });
    const job = await queue.settled(id, 120_000);
    expect(job).toMatchObject({ state: 'completed', attempts: 2 });
    expect(job.result).toMatchObject({ alreadyWritten: false, spentEpsilon: 4 });
    expect(existsSync((job.result as { package: string }).package)).toBe(true);
    expect(chargesOf(fedDir, id)).toBe(1);
    // ε 4 of 5 spent: another release of ε 2 is refused on every attempt, and nothing is charged or written.
    const over = await queue.submit('federate-export', exportData, { maxAttempts: 2, ...fast });
    const dead = await queue.settled(over, 120_000);
    expect(dead).toMatchObject({ state: 'dead', attempts: 2 });
    expect(dead.error).toContain('budget');
    expect(ledger().spends).toHaveLength(2);
    expect(existsSync(join(fedDir, `north-${over}.json`))).toBe(false);
  });

  it('sends a federated export of cases that are not there to the dead letters', async () => {
    const id = await queue.submit(
      'federate-export',
      { ...exportData, cases: join(dir, 'missing.jsonl') },
      { maxAttempts: 2, ...fast },
    );
    const job = await queue.settled(id, 60_000);
    expect(job).toMatchObject({ state: 'dead', attempts: 2 });
    expect(job.error).toContain('missing.jsonl');
  });

  const drafts = (id: string) => count(db(), 'select count(*) as n from medseek_summary_drafts where id = $1', [id]);

  it('composes a summary with the model as a draft named by the job, once, though retried after storing it', async () => {
    const id = 'sum-1';
    crashAfterWork.add(id);
    const before = await count(db(), 'select count(*) as n from medseek_summary_drafts');
    await queue.submit('summarize', summarize, { key: id, ...fast });
    const job = await queue.settled(id, 120_000);
    expect(job).toMatchObject({ state: 'completed', attempts: 2, progress: { done: 3, total: 3, items: 1 } });
    expect(job.result).toMatchObject({ draftId: id, patientId: 'p1', alreadyStored: true, model: { used: true } });
    expect(await drafts(id)).toBe(1);
    expect(await count(db(), 'select count(*) as n from medseek_summary_drafts')).toBe(before + 1);
    const audit = await count(
      db(),
      `select count(*) as n from medseek_audit where action = 'compose' and resource like $1`,
      [`%/summary/${id}?%`],
    );
    expect(audit).toBe(1);
  });

  it('tries a summary again after a model failure, storing one draft; the last attempt stores the template', async () => {
    modelFailures = 1;
    const calls = modelCalls;
    const id = await queue.submit('summarize', summarize, fast);
    const job = await queue.settled(id, 120_000);
    expect(job).toMatchObject({ state: 'completed', attempts: 2 });
    expect(job.result).toMatchObject({ draftId: id, alreadyStored: false, model: { used: true } });
    expect(modelCalls - calls).toBe(2);
    expect(await drafts(id)).toBe(1);
    expect(await attempts(db(), id)).toEqual(['1:failed', '2:completed']);

    modelFailures = 2;
    const last = await queue.submit('summarize', summarize, { maxAttempts: 2, ...fast });
    const fallback = await queue.settled(last, 120_000);
    expect(fallback).toMatchObject({ state: 'completed', attempts: 2 });
    expect(fallback.result).toMatchObject({ draftId: last, fallback: 'planned', model: { used: false } });
    expect(await drafts(last)).toBe(1);
  });

  it('sends a summary of an encounter that is not there to the dead letters, storing nothing', async () => {
    const id = await queue.submit('summarize', { ...summarize, encounterId: 'nope' }, { maxAttempts: 2, ...fast });
    const job = await queue.settled(id, 60_000);
    expect(job).toMatchObject({ state: 'dead', attempts: 2 });
    expect(job.error).toContain('Encounter/nope');
    expect(await drafts(id)).toBe(0);
  });
});

const server = process.env.MEDSEEK_TEST_DATABASE_URL;

describe.skipIf(!server)(
  'QC, federated-export and summarize jobs through pg-boss, two workers on one PostgreSQL',
  () => {
    let url: string;
    let drop: (() => Promise<void>) | undefined;
    const workers: RunningWorker[] = [];
    const fedDir = join(dir, 'packages-pg-boss');
    beforeAll(async () => {
      const fresh = await createScratchDatabase(server!);
      url = fresh.url;
      drop = fresh.drop;
      const db = await openDatabase({ databaseUrl: url, maxConnections: 2 });
      try {
        await migrate(db);
        await createResourceRepository(db).putMany(resources);
      } finally {
        await db.close();
      }
      for (const name of ['worker-a', 'worker-b'])
        workers.push(
          await startWorker({
            databaseUrl: url,
            worker: name,
            pollingSeconds: 0.5,
            kinds: ['qc', 'federate-export', 'summarize'],
            handlers: (db, queue) => testHandlers(db, queue, fedDir),
          }),
        );
    }, 120_000);
    afterAll(async () => {
      for (const w of workers) await w.stop(5_000);
      await drop?.();
    });

    it('runs each kind once, retried after its work without a second report, charge or draft', async () => {
      const { queue, db } = workers[0]!;
      const ids = { qc: 'pg-qc', fed: 'pg-fed', sum: 'pg-sum' };
      for (const id of Object.values(ids)) crashAfterWork.add(id);
      const pace = { retryDelaySeconds: 1 };
      await queue.submit('qc', { since: '2023-01-01' }, { key: ids.qc, ...pace });
      await queue.submit('federate-export', exportData, { key: ids.fed, ...pace });
      await queue.submit('summarize', summarize, { key: ids.sum, ...pace });
      for (const id of Object.values(ids)) {
        const job = await queue.settled(id, 120_000);
        expect(job).toMatchObject({ state: 'completed', attempts: 2 });
        expect(['worker-a', 'worker-b']).toContain(job.completedBy);
        expect(await attempts(db, id)).toEqual(['1:failed', '2:completed']);
      }
      expect(await count(db, 'select count(*) as n from reasoning_qc_report')).toBe(2);
      expect(chargesOf(fedDir, ids.fed)).toBe(1);
      expect(await count(db, 'select count(*) as n from medseek_summary_drafts')).toBe(1);
      expect((await queue.get(ids.sum))?.result).toMatchObject({ draftId: ids.sum, alreadyStored: true });
    }, 180_000);

    it('sends a job whose attempts are spent to the dead letters', async () => {
      const { queue } = workers[0]!;
      const id = await queue.submit('qc', { encounterId: 'nope' }, { maxAttempts: 2, retryDelaySeconds: 1 });
      const job = await queue.settled(id, 120_000);
      expect(job).toMatchObject({ state: 'dead', attempts: 2 });
      expect((await queue.deadLetters()).map((j) => j.id)).toContain(id);
    }, 180_000);
  },
);
