import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { bundleFiles, writeNdjson } from './ingest.js';
import { type Benchmark, peakRssMiB } from './lib/harness.js';
import { withScratchDatabase } from './lib/scratch-db.js';
import { addNotes } from './scale-lib/notes.js';

/**
 * bench/scale: the same NDJSON (made from the Synthea bundles) imported as jobs by 1, 2 and 4
 * `medseek worker` processes (the worker's own body, `startWorker`) on one PostgreSQL database, each
 * run on a fresh database. The file is cut into `--parts` pieces, one import job each (a job is the
 * unit a worker takes); the notes each import hands on are extracted as jobs too. Throughput is
 * resources per second from the first submit to the last job settled; scaling efficiency is the
 * throughput with k workers over k times the throughput with one. Options:
 *   --pg <url>        PostgreSQL admin URL (default postgres://root@127.0.0.1/postgres)
 *   --workers <list>  worker counts (default 1,2,4)
 *   --repeat <n>      the NDJSON n times over, ids suffixed (default 3)
 *   --parts <n>       import jobs the file is cut into (default 8)
 *   --notes <path>    CCKS2017 records JSONL whose records become each patient's notes (default
 *                     ../emr-ccks2017-ner/ccks2017_emr_records.jsonl beside the Synthea folder)
 *   --notes-per-patient <n>  notes a patient gets (default 5; 0: none, imports only)
 * Workers share the machine's cores with PostgreSQL itself: on a 2-core machine more than one or two
 * workers cannot scale, and the figures say so (`cpus` in the result).
 */
const self = fileURLToPath(import.meta.url);

export default {
  name: 'scale',
  description:
    'NDJSON import + note extraction as jobs on 1, 2 and 4 workers against one PostgreSQL: throughput, efficiency',
  defaultData: '../shared/data/synthea',
  async run({ data, args, log }) {
    const adminUrl = args.pg ?? 'postgres://root@127.0.0.1/postgres';
    const counts = (args.workers ?? '1,2,4').split(',').map(Number);
    if (counts.some((k) => !Number.isInteger(k) || k < 1)) throw new Error('--workers: a list of positive integers');
    const repeat = Math.max(1, Number(args.repeat ?? 3));
    const parts = Math.max(1, Number(args.parts ?? 8));
    const work = mkdtempSync(join(tmpdir(), 'medseek-bench-scale-'));
    try {
      const bundles = bundleFiles(data);
      const whole = join(work, 'all.ndjson');
      const made = await writeNdjson(bundles, whole, repeat);
      const perPatient = Number(args['notes-per-patient'] ?? 5);
      if (!Number.isInteger(perPatient) || perPatient < 0) throw new Error('--notes-per-patient: an integer >= 0');
      const notesPath = args.notes ?? join(data, '..', 'emr-ccks2017-ner', 'ccks2017_emr_records.jsonl');
      const added = await addNotes(whole, notesPath, perPatient);
      const bytes = statSync(whole).size;
      const files = await split(whole, parts, work);
      log(
        `NDJSON ${made.resources + added.notes} resources (${added.notes} notes, ${added.textMiB.toFixed(1)} MiB of ` +
          `note text), ${(bytes / 1048576).toFixed(1)} MiB, in ${files.length} import jobs`,
      );
      const rows: Record<string, unknown>[] = [];
      let base: number | undefined;
      for (const k of counts) {
        const r = await withScratchDatabase(adminUrl, (url) => runWith(url, k, files));
        const perSecond = r.resources / r.seconds;
        base ??= k === 1 ? perSecond : undefined;
        const row = {
          workers: k,
          resources: r.resources,
          notes: r.notes,
          jobs: r.jobs,
          seconds: Number(r.seconds.toFixed(2)),
          resourcesPerSecond: Math.round(perSecond),
          notesPerSecond: Number((r.notes / r.seconds).toFixed(1)),
          efficiency: base === undefined ? null : Number((perSecond / (k * base)).toFixed(3)),
          speedup: base === undefined ? null : Number((perSecond / base).toFixed(3)),
          jobsPerWorker: Object.entries(r.completedBy)
            .sort()
            .map(([w, n]) => `${w}:${n}`)
            .join(' '),
        };
        rows.push(row);
        log(
          `${k} worker(s): ${row.resourcesPerSecond} resources/s, ${row.seconds} s, ${r.notes} notes` +
            `${row.efficiency === null ? '' : `, speedup ${row.speedup}, efficiency ${row.efficiency}`}`,
        );
      }
      return {
        split: 'none: every resource of the NDJSON imported in every run, nothing learned',
        cpus: cpus().length,
        note: `${cpus().length} CPU core(s) shared by the workers, PostgreSQL and the harness`,
        ndjsonResources: made.resources + added.notes,
        notes: added.notes,
        noteTextMiB: Number(added.textMiB.toFixed(1)),
        ndjsonMiB: Number((bytes / 1048576).toFixed(1)),
        parts: files.length,
        repeat,
        harnessPeakRssMiB: peakRssMiB(),
        table: rows,
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
} satisfies Benchmark;

/** Cuts an NDJSON file into `parts` files of about equal line counts. */
async function split(file: string, parts: number, dir: string): Promise<string[]> {
  let lines = 0;
  for await (const _ of createInterface({ input: createReadStream(file) })) lines++;
  const per = Math.ceil(lines / parts);
  const out: string[] = [];
  let stream: ReturnType<typeof createWriteStream> | undefined;
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (n % per === 0) {
      if (stream) await new Promise<void>((r) => stream!.end(() => r()));
      const path = join(dir, `part-${out.length}.ndjson`);
      out.push(path);
      stream = createWriteStream(path);
    }
    if (!stream!.write(`${line}\n`)) await new Promise<void>((r) => stream!.once('drain', () => r()));
    n++;
  }
  if (stream) await new Promise<void>((r) => stream!.end(() => r()));
  return out;
}

interface RunFigures {
  readonly seconds: number;
  readonly resources: number;
  readonly notes: number;
  readonly jobs: number;
  /** Jobs completed per worker. */
  readonly completedBy: Record<string, number>;
}

/** Starts `k` workers, submits one import job per file, waits for every job and the notes jobs they hand on. */
async function runWith(url: string, k: number, files: readonly string[]): Promise<RunFigures> {
  const { migrate, openDatabase } = await import('../src/store/index.js');
  const { createPgBossQueue } = await import('../src/server/jobs/index.js');
  const db = await openDatabase({ databaseUrl: url, maxConnections: 4 });
  await migrate(db);
  const queue = await createPgBossQueue(db, url, { pollingSeconds: 0.5 });
  const children: ChildProcess[] = [];
  try {
    const ready: Promise<void>[] = [];
    for (let i = 0; i < k; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', self], {
        env: { ...process.env, MEDSEEK_BENCH_SCALE_WORKER: url, MEDSEEK_BENCH_SCALE_NAME: `w${i + 1}` },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      ready.push(
        new Promise((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`worker w${i + 1} exited with ${code} before it was ready`)));
          createInterface({ input: child.stdout! }).on('line', (l) => {
            if (l.includes('"event":"ready"')) resolve();
          });
        }),
      );
    }
    await Promise.all(ready);
    const started = performance.now();
    const ids = await Promise.all(files.map((path) => queue.submit('import', { path, batchSize: 500 })));
    let resources = 0;
    let notes = 0;
    const completedBy: Record<string, number> = {};
    const settle = async (id: string): Promise<void> => {
      const job = await queue.settled(id, 3_600_000);
      if (job.state !== 'completed') throw new Error(`job ${id} ${job.state}: ${job.error}`);
      completedBy[job.completedBy!] = (completedBy[job.completedBy!] ?? 0) + 1;
      const result = job.result as { read?: number; notes?: number; notesJobs?: string[] };
      resources += result.read ?? 0;
      notes += result.notes ?? 0;
      await Promise.all((result.notesJobs ?? []).map(settle));
    };
    await Promise.all(ids.map(settle));
    const seconds = (performance.now() - started) / 1000;
    const jobs = Object.values(completedBy).reduce((a, b) => a + b, 0);
    return { seconds, resources, notes, jobs, completedBy };
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    await queue.stop(5_000);
    await db.close();
  }
}

if (process.env.MEDSEEK_BENCH_SCALE_WORKER) {
  const { startWorker } = await import('../src/server/jobs/index.js');
  const running = await startWorker({
    databaseUrl: process.env.MEDSEEK_BENCH_SCALE_WORKER,
    worker: process.env.MEDSEEK_BENCH_SCALE_NAME ?? 'bench',
    pollingSeconds: 0.5,
    maintenanceSeconds: 30,
    log: (line) => {
      if (line.event === 'ready' || line.event === 'failed' || line.event === 'error')
        process.stdout.write(`${JSON.stringify(line)}\n`);
    },
  });
  process.once('SIGTERM', () => {
    running.stop(10_000).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
