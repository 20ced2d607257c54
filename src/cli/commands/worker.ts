import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invalid, loadConfig, type Sql } from '../../core/index.js';
import {
  AuditLog,
  JOB_KINDS,
  type JobKind,
  type JobRecord,
  type JobQueue,
  jobHandlers,
  openJobQueue,
  openMigratedDatabase,
  startWorker,
} from '../../server/index.js';

interface StartOpts {
  concurrency: string;
  kinds?: string;
  name?: string;
  pollSeconds: string;
  maintenanceSeconds: string;
}

const positive = (v: string, field: string, min = 1): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw invalid(`${field} must be a number of at least ${min}`, { field });
  return n;
};

function kindsOf(list: string | undefined): JobKind[] | undefined {
  if (!list) return undefined;
  const kinds = list.split(',').map((k) => k.trim());
  for (const k of kinds)
    if (!JOB_KINDS.includes(k as JobKind))
      throw invalid(`unknown job kind '${k}' (known: ${JOB_KINDS.join(', ')})`, { field: '--kinds' });
  return kinds as JobKind[];
}

interface FederateOpts {
  kb: string;
  cases: string;
  site: string;
  epsilon: string;
  delta: string;
  clip: string;
  budgetEpsilon?: string;
  budgetDelta?: string;
  closedWorld?: boolean;
  wait?: boolean;
}

const num = (v: string | undefined, field: string): number => {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n)) throw invalid(`must be a number, not '${v}'`, { field });
  return n;
};

const printLine = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

/**
 * `medseek worker`: takes background jobs (imports, note extraction, QC runs, federated exports,
 * discharge summaries) from the PostgreSQL server in
 * DATABASE_URL, as many processes on as many machines as wanted. `medseek worker submit …` queues a
 * job; on the embedded database (no DATABASE_URL) a submitted job runs at once in that process.
 */
export function register(program: Command): void {
  const worker = program
    .command('worker')
    .description(
      'take background jobs (imports, notes, QC, federated exports, summaries) from the shared PostgreSQL; run any number',
    );

  worker
    .command('start', { isDefault: true })
    .description('run a worker until SIGTERM/SIGINT: one JSON line per job event on stdout')
    .option('--concurrency <n>', 'jobs of each kind at once in this process', '1')
    .option('--kinds <list>', `only these job kinds (${JOB_KINDS.join(', ')})`)
    .option('--name <name>', 'this worker’s name in the job records (default host:pid:random)')
    .option('--poll-seconds <n>', 'seconds between polls of an empty queue', '2')
    .option('--maintenance-seconds <n>', 'seconds between runs that find lost attempts (shared by all workers)', '30')
    .action(async (opts: StartOpts) => {
      const config = loadConfig();
      if (!config.databaseUrl)
        throw invalid(
          'a worker needs a PostgreSQL server (DATABASE_URL): ' +
            'on the embedded database jobs run in the process that submits them',
          { field: 'DATABASE_URL' },
        );
      const kinds = kindsOf(opts.kinds);
      const running = await startWorker({
        databaseUrl: config.databaseUrl,
        concurrency: positive(opts.concurrency, '--concurrency'),
        pollingSeconds: positive(opts.pollSeconds, '--poll-seconds', 0.5),
        maintenanceSeconds: positive(opts.maintenanceSeconds, '--maintenance-seconds'),
        ...(kinds ? { kinds } : {}),
        ...(opts.name ? { worker: opts.name } : {}),
        log: printLine,
      });
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          printLine({ event: 'stopping', worker: running.worker, signal });
          running.stop(30_000).then(done, done);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });

  const submit = worker.command('submit').description('queue a job and print its id (--wait: its outcome)');
  submit
    .command('import <path>')
    .description('import FHIR JSON / NDJSON from a path every worker can read; its notes are extracted after')
    .option('--batch <n>', 'resources per database write', '500')
    .option('--no-extract-notes', 'do not extract the imported notes')
    .option('--wait', 'wait for the job to finish and print its record')
    .action(async (path: string, opts: { batch: string; extractNotes: boolean; wait?: boolean }) => {
      const batchSize = positive(opts.batch, '--batch');
      if (!Number.isInteger(batchSize)) throw invalid('--batch must be an integer', { field: '--batch' });
      await withQueue(opts.wait, (q) =>
        q.submit('import', { path: resolve(path), batchSize, extractNotes: opts.extractNotes }),
      );
    });
  submit
    .command('extract-notes')
    .description('extract stored notes not yet read by the active extractor (all, or --patient’s)')
    .option('--patient <id...>', 'only these Patient ids')
    .option('--force', 'read notes again even when already read')
    .option('--wait', 'wait for the job to finish and print its record')
    .action(async (opts: { patient?: string[]; force?: boolean; wait?: boolean }) => {
      await withQueue(opts.wait, (q) =>
        q.submit('extract-notes', {
          ...(opts.patient ? { patientIds: opts.patient } : {}),
          ...(opts.force ? { force: true } : {}),
        }),
      );
    });

  submit
    .command('qc')
    .description('record quality control (as `medseek qc`); each encounter’s report replaces its last one')
    .option('--since <date>', 'only encounters that started on or after this date (YYYY-MM-DD)')
    .option('--encounter <id>', 'only this encounter (whatever its class)')
    .option('--all', 'check every encounter, not only inpatient stays')
    .option('--hospital <id>', 'hospital whose rule configuration to use', 'default')
    .option('--wait', 'wait for the job to finish and print its record')
    .action(async (opts: { since?: string; encounter?: string; all?: boolean; hospital: string; wait?: boolean }) => {
      if (opts.since && !Number.isFinite(Date.parse(opts.since)))
        throw invalid(`'${opts.since}' is not a date`, { field: '--since' });
      await withQueue(opts.wait, (q) =>
        q.submit('qc', {
          ...(opts.since ? { since: opts.since } : {}),
          ...(opts.encounter ? { encounterId: opts.encounter } : {}),
          ...(opts.all ? { all: true } : {}),
          hospital: opts.hospital,
        }),
      );
    });
  submit
    .command('federate-export')
    .description('write confirmed cases as private counts into MEDSEEK_FEDERATED_DIR, charged once to its ledger')
    .requiredOption('--kb <name>', 'the network the counts are for: release, release:<id>, ddxplus, dxy')
    .requiredOption('--cases <file>', 'confirmed cases, JSON lines, at a path every worker can read')
    .requiredOption('--site <name>', 'this hospital’s name in the package')
    .option('--epsilon <e>', 'ε of this release', '1')
    .option('--delta <d>', 'δ of this release', '1e-5')
    .option('--clip <n>', 'most count cells one case may touch', '44')
    .option('--budget-epsilon <e>', 'the hospital’s total ε (only when the folder has no ledger yet)')
    .option('--budget-delta <d>', 'the hospital’s total δ (only when the folder has no ledger yet)')
    .option('--closed-world', 'every finding of every case is recorded present or absent')
    .option('--wait', 'wait for the job to finish and print its record')
    .action(async (o: FederateOpts) => {
      const budget =
        o.budgetEpsilon !== undefined || o.budgetDelta !== undefined
          ? { epsilon: num(o.budgetEpsilon, '--budget-epsilon'), delta: num(o.budgetDelta, '--budget-delta') }
          : undefined;
      await withQueue(o.wait, (q) =>
        q.submit('federate-export', {
          kb: o.kb,
          cases: resolve(o.cases),
          site: o.site,
          epsilon: num(o.epsilon, '--epsilon'),
          delta: num(o.delta, '--delta'),
          clip: num(o.clip, '--clip'),
          ...(o.closedWorld ? { closedWorld: true } : {}),
          ...(budget ? { budget } : {}),
        }),
      );
    });
  submit
    .command('summarize <encounter-id>')
    .description('compose and verify a discharge summary with the model; stored as a workspace draft (id = job id)')
    .option('--lang <lang>', 'zh or en', 'zh')
    .option('--wait', 'wait for the job to finish and print its record')
    .action(async (encounterId: string, opts: { lang: string; wait?: boolean }) => {
      if (opts.lang !== 'zh' && opts.lang !== 'en')
        throw invalid(`unknown language '${opts.lang}' (zh or en)`, { field: '--lang' });
      const user = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
      await withQueue(opts.wait, (q) =>
        q.submit('summarize', {
          encounterId,
          lang: opts.lang as 'zh' | 'en',
          requestedBy: { principal: `cli:${user}`, kind: 'cli' },
        }),
      );
    });

  worker
    .command('status <id>')
    .description('print a job’s record: state, attempts, progress, result or error')
    .action(async (id: string) => {
      await withQueue(
        false,
        async (q) => {
          const job = await q.get(id);
          if (!job) throw invalid(`no job ${id}`, { field: 'id' });
          printRecord(job);
          return undefined;
        },
        false,
      );
    });

  worker
    .command('dead')
    .description('list the dead letters: jobs whose attempts are spent, with their last error')
    .option('--retry <id>', 'queue this dead job again (same id, kind and input) with fresh attempts; audited')
    .action(async (opts: { retry?: string }) => {
      await withQueue(
        false,
        async (q, db) => {
          if (opts.retry) {
            const id = opts.retry;
            const job = await q.retry(id);
            // Who retried it and when, as `POST /api/jobs/{id}/retry` records it for an API caller.
            const user = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
            await new AuditLog(db).record([
              {
                principal: `cli:${user}`,
                principalKind: 'cli',
                action: 'retry-job',
                resource: `/api/jobs/${encodeURIComponent(id)}/retry`,
                purpose: process.env.MEDSEEK_PURPOSE?.trim() || 'HOPERAT',
                outcome: 202,
                detail: { job: id, kind: job.kind, attemptsBefore: job.attempts },
              },
            ]);
            printLine({ retried: id, ...job });
            return undefined;
          }
          for (const job of await q.deadLetters()) printRecord(job);
          return undefined;
        },
        false,
      );
    });
}

function printRecord(job: JobRecord): void {
  printLine({ ...job });
}

/**
 * Opens the database and its queue and runs `fn`. A job id it returns is printed; with `wait` (and
 * always on the embedded database, where the job runs here when `run`) the job's record once it is settled.
 */
async function withQueue(
  wait: boolean | undefined,
  fn: (q: JobQueue, db: Sql) => Promise<string | undefined>,
  run = true,
): Promise<void> {
  const config = loadConfig();
  const db = await openMigratedDatabase(config);
  let queue: JobQueue | undefined;
  try {
    queue = await openJobQueue(db, config.databaseUrl);
    const inProcess = queue.backend === 'in-process';
    // Only a submit runs jobs here (the embedded database has no worker processes); a dead job queued
    // again there runs with the next submit.
    if (inProcess && run) await queue.work(jobHandlers(db, queue), {});
    const id = await fn(queue, db);
    if (!id) return;
    if (!wait && !inProcess) {
      printLine({ id });
      return;
    }
    const job = await queue.settled(id, 24 * 3600 * 1000);
    // On the embedded database the notes an import hands on run here too, before the process ends.
    const handedOn = (job.result as { notesJobs?: string[] } | undefined)?.notesJobs ?? [];
    if (inProcess) for (const n of handedOn) await queue.settled(n, 24 * 3600 * 1000);
    printRecord(job);
    if (job.state === 'dead') process.exitCode = 1;
  } finally {
    await queue?.stop(30_000);
    await db.close();
  }
}
