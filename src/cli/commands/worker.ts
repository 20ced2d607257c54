import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import {
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

const printLine = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

/**
 * `medseek worker`: takes background jobs (imports, note extraction) from the PostgreSQL server in
 * DATABASE_URL, as many processes on as many machines as wanted. `medseek worker submit …` queues a
 * job; on the embedded database (no DATABASE_URL) a submitted job runs at once in that process.
 */
export function register(program: Command): void {
  const worker = program
    .command('worker')
    .description('take background jobs (imports, note extraction) from the shared PostgreSQL; run any number of them');

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
    .option('--retry <id>', 'queue this dead job again with fresh attempts')
    .action(async (opts: { retry?: string }) => {
      await withQueue(
        false,
        async (q) => {
          if (opts.retry) {
            await q.retry(opts.retry);
            printLine({ retried: opts.retry });
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
  fn: (q: JobQueue) => Promise<string | undefined>,
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
    const id = await fn(queue);
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
