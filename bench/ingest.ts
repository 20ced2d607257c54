import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type Benchmark, peakRssMiB } from './lib/harness.js';
import { withScratchDatabase } from './lib/scratch-db.js';

/**
 * bench/ingest: imports every Synthea bundle (and an NDJSON file made from them) with
 * `medseek import`'s code path, on embedded PGlite and on PostgreSQL, and, as the ceiling, a plain
 * PostgreSQL `COPY` of the same resources as JSONB rows. Each run is a child process of its own, so
 * its peak memory (max RSS) is its own. Options:
 *   --pg <url>        PostgreSQL admin URL (default postgres://root@127.0.0.1/postgres); a scratch
 *                     database is created per run and dropped after. `--pg none` skips PostgreSQL.
 *   --repeat <n>      write the NDJSON n times over (ids suffixed).
 *   --big <n>         also import an NDJSON n times the size (default 10, ~100 MB: streaming, memory
 *                     flat); 0 skips it.
 *   --batch <n>       resources per write (default 500).
 *   --pglite none     skips the PGlite runs.
 *   --concurrency <n> writes in flight at once (default 2, as `medseek import`; see ImportOptions).
 *   --copy-batch <n>  resources per batch of the COPY sink (default 2000).
 *   --only copy       PostgreSQL only, and only the COPY sink against the plain COPY (no bundles, no batched
 *                     writes): the pair the `ingest` ratio is about.
 *   --runs <n>        repeat each (COPY sink, plain COPY) pair n times, in turn, and report the median ratio
 *                     (default 1): on a busy machine one run says little.
 *   --check           first show the stores exact (checkExact): the NDJSON imported, then a changed
 *                     copy with as many new resources, then the NDJSON again, through the COPY sink and
 *                     through the batched writes on PostgreSQL and on PGlite; stored rows, history and
 *                     search values are dumped and their digests compared.
 * On PostgreSQL the NDJSON is imported twice: through the store's batched writes and through the COPY
 * sink `medseek import` uses there (store/copy.ts: new resources copied straight into the store, the
 * others through a staging table and the merge statement, the search values of both copied in the same
 * transaction). What remains once the import is done — the sink's closing statistics and whatever the
 * search queue still holds — is timed apart (`searchIndexSeconds`): the ratios compare the import with
 * the plain COPY, `copyEndToEndToCopyRatio*` the import and that rest together, `copyStagingToCopyCpuRatio*`
 * the same pair by CPU seconds of client and server (a local server only), steadier on a busy machine.
 */
const self = fileURLToPath(import.meta.url);

interface Job {
  /** `import`: the store's batched writes; `copy-import`: the COPY sink (store/copy.ts); `copy`: the ceiling. */
  readonly kind: 'import' | 'copy-import' | 'copy';
  readonly backend: 'pglite' | 'postgres';
  readonly path: string;
  readonly url?: string;
  readonly dataDir?: string;
  readonly batch?: number;
  readonly concurrency?: number;
  /** Time `refreshSearchIndex` after the import. */
  readonly searchIndex?: boolean;
}

interface RunResult {
  readonly seconds: number;
  readonly resources: number;
  readonly rejected: number;
  /** Max RSS of the run's process, and before the import began (PGlite's own start-up is most of it). */
  readonly peakRssMiB: number;
  readonly baseRssMiB: number;
  readonly searchIndexSeconds?: number;
  /** CPU seconds (user and system) of the run's own process over `seconds`: the client side's share of the work. */
  readonly cpuSeconds: number;
  /** CPU seconds of the database's server backends over `seconds` (a local PostgreSQL only; else absent). */
  readonly serverCpuSeconds?: number;
}

export default {
  name: 'ingest',
  description:
    'FHIR import rate (resources/s) and peak memory, PGlite vs PostgreSQL, against a plain PostgreSQL COPY of the same JSONB rows',
  defaultData: '../shared/data/synthea',
  async run({ data, args, log }) {
    const adminUrl = args.pg === 'none' ? undefined : (args.pg ?? 'postgres://root@127.0.0.1/postgres');
    const repeat = Math.max(1, Number(args.repeat ?? 1));
    const big = Math.max(0, Number(args.big ?? 10));
    const batch = Number(args.batch ?? 500);
    const concurrency = Number(args.concurrency ?? 2);
    const copyBatch = Number(args['copy-batch'] ?? 2000);
    const onlyCopy = args.only === 'copy';
    const runs = Math.max(1, Number(args.runs ?? 1));
    const work = mkdtempSync(join(tmpdir(), 'medseek-bench-ingest-'));
    try {
      const bundles = bundleFiles(data);
      const ndjson = join(work, 'all.ndjson');
      const made = await writeNdjson(bundles, ndjson, repeat);
      log(
        `${bundles.length} bundle(s), ${(made.bundleBytes / 1048576).toFixed(1)} MiB; NDJSON ${made.resources} resources, ${(made.bytes / 1048576).toFixed(1)} MiB`,
      );
      const bigNdjson = join(work, 'big.ndjson');
      const bigMade = big > 0 ? await writeNdjson(bundles, bigNdjson, repeat * big) : undefined;
      if (bigMade) log(`large NDJSON: ${bigMade.resources} resources, ${(bigMade.bytes / 1048576).toFixed(1)} MiB`);

      const exact = args.check === 'true' ? await checkExact(bundles, work, adminUrl, log) : undefined;

      const rows: Record<string, unknown>[] = [];
      const record = (name: string, backend: string, input: string, r: RunResult, bytes: number) => {
        const row = {
          run: name,
          backend,
          input,
          resources: r.resources,
          rejected: r.rejected,
          seconds: Number(r.seconds.toFixed(3)),
          resourcesPerSecond: Math.round(r.resources / r.seconds),
          mibPerSecond: Number((bytes / 1048576 / r.seconds).toFixed(2)),
          peakRssMiB: r.peakRssMiB,
          rssBeforeImportMiB: r.baseRssMiB,
          searchIndexSeconds: r.searchIndexSeconds === undefined ? null : Number(r.searchIndexSeconds.toFixed(3)),
          clientCpuSeconds: Number(r.cpuSeconds.toFixed(3)),
          serverCpuSeconds: r.serverCpuSeconds === undefined ? null : Number(r.serverCpuSeconds.toFixed(3)),
        };
        rows.push(row);
        log(
          `${name}: ${row.resourcesPerSecond} resources/s, ${row.seconds} s, peak RSS ${row.peakRssMiB} MiB${r.rejected ? `, ${r.rejected} rejected` : ''}${row.searchIndexSeconds === null ? '' : `; search index then ${row.searchIndexSeconds} s`}`,
        );
      };
      const bundleInput = bundles.length === 1 ? bundles[0]! : data;

      // PGlite on disk, as `medseek` runs by default.
      const pgliteDir = join(work, 'pglite-bundles');
      if (args.pglite !== 'none' && !onlyCopy) {
        record(
          'pglite bundles',
          'pglite',
          'bundles',
          await child({ kind: 'import', backend: 'pglite', path: bundleInput, dataDir: pgliteDir, batch }),
          made.bundleBytes,
        );
        record(
          'pglite bundles again (unchanged)',
          'pglite',
          'bundles',
          await child({ kind: 'import', backend: 'pglite', path: bundleInput, dataDir: pgliteDir, batch }),
          made.bundleBytes,
        );
        record(
          'pglite ndjson',
          'pglite',
          'ndjson',
          await child({ kind: 'import', backend: 'pglite', path: ndjson, dataDir: join(work, 'pglite-ndjson'), batch }),
          made.bytes,
        );
        if (bigMade)
          record(
            `pglite ndjson ×${big}`,
            'pglite',
            'ndjson',
            await child({
              kind: 'import',
              backend: 'pglite',
              path: bigNdjson,
              dataDir: join(work, 'pglite-big'),
              batch,
            }),
            bigMade.bytes,
          );
        rmSync(join(work, 'pglite-bundles'), { recursive: true, force: true });
      }

      let ratio: number | undefined;
      let bigRatio: number | undefined;
      let copyRatio: number | undefined;
      let bigCopyRatio: number | undefined;
      let cpuRatioSmall: number | undefined;
      let bigCpuRatio: number | undefined;
      let endToEndRatioSmall: number | undefined;
      let bigEndToEndRatio: number | undefined;
      const importRates: number[] = [];
      const bigImportRates: number[] = [];
      const copyRates: number[] = [];
      if (adminUrl) {
        const scratch = <T>(fn: (url: string) => Promise<T>): Promise<T> => withScratchDatabase(adminUrl, fn);
        if (!onlyCopy) {
          await scratch(async (url) => {
            record(
              'postgres bundles',
              'postgres',
              'bundles',
              await child({ kind: 'import', backend: 'postgres', path: bundleInput, url, batch, concurrency }),
              made.bundleBytes,
            );
            record(
              'postgres bundles again (unchanged)',
              'postgres',
              'bundles',
              await child({ kind: 'import', backend: 'postgres', path: bundleInput, url, batch, concurrency }),
              made.bundleBytes,
            );
          });
          const imported = await scratch(async (url) =>
            child({ kind: 'import', backend: 'postgres', path: ndjson, url, batch, concurrency }),
          );
          record('postgres ndjson', 'postgres', 'ndjson', imported, made.bytes);
          importRates.push(imported.resources / imported.seconds);
          if (bigMade) {
            const bigImport = await scratch((url) =>
              child({ kind: 'import', backend: 'postgres', path: bigNdjson, url, batch, concurrency }),
            );
            record(`postgres ndjson ×${big}`, 'postgres', 'ndjson', bigImport, bigMade.bytes);
            bigImportRates.push(bigImport.resources / bigImport.seconds);
          }
        }
        /**
         * The COPY sink and the plain COPY of one file, one after the other: [sink / COPY, end to end / COPY,
         * COPY's CPU seconds / the sink's (client and server together; NaN without the server's)].
         */
        const pair = async (path: string, bytes: number, label: string, run: number): Promise<Pair> => {
          const tag = runs > 1 ? ` (run ${run + 1})` : '';
          const viaCopy = await scratch(async (url) =>
            child({
              kind: 'copy-import',
              backend: 'postgres',
              path,
              url,
              batch: copyBatch,
              concurrency,
              searchIndex: true,
            }),
          );
          record(`postgres ndjson${label} via COPY sink${tag}`, 'postgres', 'ndjson', viaCopy, bytes);
          const copied = await scratch(async (url) => child({ kind: 'copy', backend: 'postgres', path, url }));
          record(`postgres COPY${label} (ceiling)${tag}`, 'postgres', 'ndjson', copied, bytes);
          copyRates.push(copied.resources / copied.seconds);
          return [
            viaCopy.resources / viaCopy.seconds / (copied.resources / copied.seconds),
            endToEndRatio(viaCopy, copied),
            cpuRatio(viaCopy, copied),
          ];
        };
        const small: Pair[] = [];
        const large: Pair[] = [];
        for (let run = 0; run < runs; run++) {
          small.push(await pair(ndjson, made.bytes, '', run));
          if (bigMade) large.push(await pair(bigNdjson, bigMade.bytes, ` ×${big}`, run));
        }
        // The plain COPY's rate of each file (the first run's, as before --runs): the batched writes' anchor.
        const copyRate = copyRates[0]!;
        if (importRates.length) ratio = importRates[0]! / copyRate;
        if (bigImportRates.length && bigMade) bigRatio = bigImportRates[0]! / copyRates[1]!;
        copyRatio = median(small.map((p) => p[0]));
        cpuRatioSmall = median(small.map((p) => p[2]));
        endToEndRatioSmall = median(small.map((p) => p[1]));
        if (large.length) {
          bigCopyRatio = median(large.map((p) => p[0]));
          bigCpuRatio = median(large.map((p) => p[2]));
          bigEndToEndRatio = median(large.map((p) => p[1]));
        }
        if (runs > 1) {
          const perRun = (pairs: Pair[]) => pairs.map((p) => p[1].toFixed(2)).join(', ');
          log(`end to end / COPY per run: ${perRun(small)}${large.length ? `; ×${big}: ${perRun(large)}` : ''}`);
        }
        if (ratio !== undefined)
          log(
            `postgres ndjson import / COPY = ${ratio.toFixed(2)}${bigRatio === undefined ? '' : `; on the ×${big} file ${bigRatio.toFixed(2)}`} (goal ≥ 0.5)`,
          );
        log(
          `postgres ndjson via COPY sink / COPY = ${copyRatio!.toFixed(2)}${bigCopyRatio === undefined ? '' : `; on the ×${big} file ${bigCopyRatio.toFixed(2)}`} (goal ≥ 0.5)`,
        );
        if (Number.isFinite(cpuRatioSmall!))
          log(
            `postgres COPY CPU seconds / COPY sink CPU seconds (client and server) = ${cpuRatioSmall!.toFixed(2)}${bigCpuRatio === undefined ? '' : `; on the ×${big} file ${bigCpuRatio.toFixed(2)}`}`,
          );
        log(
          `postgres ndjson via COPY sink with its search index / COPY = ${endToEndRatioSmall!.toFixed(2)}${bigEndToEndRatio === undefined ? '' : `; on the ×${big} file ${bigEndToEndRatio.toFixed(2)}`}`,
        );
      }
      return {
        split: 'none: import timings on every bundle, nothing learned',
        bundles: bundles.length,
        bundleMiB: Number((made.bundleBytes / 1048576).toFixed(1)),
        ndjsonResources: made.resources,
        ndjsonMiB: Number((made.bytes / 1048576).toFixed(1)),
        largeNdjson: bigMade
          ? { resources: bigMade.resources, mib: Number((bigMade.bytes / 1048576).toFixed(1)) }
          : null,
        repeat,
        runs,
        batch,
        concurrency,
        importToCopyRatio: ratio === undefined ? null : Number(ratio.toFixed(3)),
        // The steady state: on the small file start-up (JIT warm-up, first connections) weighs in.
        importToCopyRatioLarge: bigRatio === undefined ? null : Number(bigRatio.toFixed(3)),
        // The same import through the COPY sink (store/copy.ts), `--copy-batch` resources a batch.
        copyBatch,
        copyStagingToCopyRatio: copyRatio === undefined ? null : Number(copyRatio.toFixed(3)),
        copyStagingToCopyRatioLarge: bigCopyRatio === undefined ? null : Number(bigCopyRatio.toFixed(3)),
        // The same pair by CPU seconds (client and server), which the machine's load moves far less than the clock.
        copyStagingToCopyCpuRatio: finite(cpuRatioSmall),
        copyStagingToCopyCpuRatioLarge: finite(bigCpuRatio),
        // Import and search index together (what a search after the import waits for) against the plain COPY.
        copyEndToEndToCopyRatio: endToEndRatioSmall === undefined ? null : Number(endToEndRatioSmall.toFixed(3)),
        copyEndToEndToCopyRatioLarge: bigEndToEndRatio === undefined ? null : Number(bigEndToEndRatio.toFixed(3)),
        goal: 'PostgreSQL NDJSON import rate ≥ 0.5 × the rate of a plain COPY of the same JSONB rows (issue 2)',
        ...(exact ? { exact } : {}),
        harnessPeakRssMiB: peakRssMiB(),
        table: rows,
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
} satisfies Benchmark;

/** The FHIR bundles a `--data` path names: the file, or every .json file of the folder. */
export function bundleFiles(data: string): string[] {
  return statSync(data).isDirectory()
    ? readdirSync(data)
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(data, f))
    : [data];
}

/** Resources of the bundles, references resolved, one per line; `repeat` copies with suffixed ids. */
export async function writeNdjson(
  bundles: readonly string[],
  out: string,
  repeat: number,
): Promise<{ resources: number; bytes: number; bundleBytes: number }> {
  const stream = createWriteStream(out);
  let resources = 0;
  let bundleBytes = 0;
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const file of bundles) {
    const text = readFileSync(file, 'utf8');
    bundleBytes += Buffer.byteLength(text);
    const doc = JSON.parse(text) as { entry?: { fullUrl?: string; resource: { resourceType: string; id?: string } }[] };
    const map = new Map<string, string>();
    for (const e of doc.entry ?? [])
      if (e.fullUrl && e.resource.id) map.set(e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`);
    for (const e of doc.entry ?? []) {
      // Bulk Data files hold each resource once (bundles share Organizations and Practitioners).
      const key = `${e.resource.resourceType}/${e.resource.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(
        JSON.stringify(e.resource, (k, v) =>
          k === 'reference' && typeof v === 'string' && map.has(v) ? map.get(v) : v,
        ),
      );
    }
  }
  for (let r = 0; r < repeat; r++) {
    for (const line of lines) {
      const text = r === 0 ? line : suffixIds(line, `-r${r}`);
      if (!stream.write(`${text}\n`)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      resources++;
    }
  }
  await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return { resources, bytes: statSync(out).size, bundleBytes };
}

function suffixIds(line: string, suffix: string): string {
  return line
    .replace(/("id":"[^"]{1,50})"/, `$1${suffix}"`)
    .replace(/("reference":"[A-Za-z]+\/[^"]{1,50})"/g, `$1${suffix}"`);
}

/** Digests of a store's dump: row count and SHA-256 of its sorted lines, per table. */
type StoreDigest = Record<'resources' | 'history' | 'searchValues' | 'searchPending', { rows: number; sha256: string }>;

/**
 * Imports three files in turn through each path and compares the stores: the NDJSON; a copy with a
 * fifth of its resources given one more identifier (new versions, changed search values) followed by
 * the NDJSON again with suffixed ids (new resources); the NDJSON again (the changed ones changed back).
 * Every column is dumped but `last_updated` (the time of writing).
 */
async function checkExact(
  bundles: readonly string[],
  work: string,
  adminUrl: string | undefined,
  log: (line: string) => void,
): Promise<{ identical: boolean; digests: Record<string, StoreDigest> }> {
  const { importPath } = await import('../src/ingest/index.js');
  const { migrate, openDatabase, openCopySink, refreshSearchIndex, resourceSink } = await import(
    '../src/store/index.js'
  );
  const first = join(work, 'check-1.ndjson');
  await writeNdjson(bundles, first, 1);
  const second = join(work, 'check-2.ndjson');
  await writeNdjson(bundles, second, 2);
  const lines = readFileSync(second, 'utf8').split('\n');
  const half = (lines.length - 1) / 2;
  const changed = lines.map((line, i) => {
    if (i >= half || i % 5 !== 0 || !line) return line;
    const r = JSON.parse(line) as { resourceType: string; identifier?: unknown[] };
    // Provenance has no identifier element.
    if (r.resourceType === 'Provenance') return line;
    r.identifier = [...(r.identifier ?? []), { system: 'urn:medseek:check', value: `v2-${i}` }];
    return JSON.stringify(r);
  });
  writeFileSync(second, changed.join('\n'));
  const files = [first, second, first];
  const options = { batchSize: 500, concurrency: 2 };
  const digests: Record<string, StoreDigest> = {};
  const run = async (name: string, db: Database, sink: () => Promise<Sink>) => {
    await migrate(db);
    for (const file of files) {
      const s = await sink();
      try {
        await importPath(file, s, options);
      } finally {
        await s.close?.();
      }
      await refreshSearchIndex(db);
    }
    digests[name] = await digest(db);
    log(`exact check, ${name}: ${JSON.stringify(digests[name])}`);
  };
  if (adminUrl) {
    await withScratchDatabase(adminUrl, async (url) => {
      const db = await openDatabase({ databaseUrl: url });
      try {
        // The first file goes into an empty store: a fresh load (indexes dropped and built again) from its first batch.
        await run('postgres COPY sink', db, () => openCopySink(url, { connections: 2, freshLoadAfter: 0 }));
      } finally {
        await db.close();
      }
    });
    await withScratchDatabase(adminUrl, async (url) => {
      const db = await openDatabase({ databaseUrl: url });
      try {
        await run('postgres batched writes', db, async () => resourceSink(db));
      } finally {
        await db.close();
      }
    });
  }
  const pglite = await openDatabase();
  try {
    await run('pglite batched writes', pglite, async () => resourceSink(pglite));
  } finally {
    await pglite.close();
  }
  const all = Object.values(digests).map((d) => JSON.stringify(d));
  const identical = all.every((d) => d === all[0]);
  log(`exact check: ${identical ? 'every store identical' : 'STORES DIFFER'}`);
  return { identical, digests };
}

type Database = Awaited<ReturnType<typeof import('../src/store/index.js')['openDatabase']>>;
type Sink = Parameters<typeof import('../src/ingest/index.js')['importPath']>[1] & { close?: () => Promise<void> };

/** Times as UTC text whatever the session's zone; numbers and JSON as the server writes them. */
const DUMPS = {
  resources: `select resource_type, id, version_id, deleted, content_hash, patient_id, codes::text,
    identifiers::text, (date_start at time zone 'UTC')::text, (date_end at time zone 'UTC')::text, resource::text
    from fhir_resources`,
  history: `select resource_type, id, version_id, deleted, patient_id, resource::text from fhir_resource_history`,
  searchValues: `select resource_type, id, param, system, code, text, exact, qualifier, (lo at time zone 'UTC')::text,
    (hi at time zone 'UTC')::text, num_lo::text, num_hi::text, ref, ref_type, ref_id from fhir_search_values`,
  searchPending: 'select resource_type, id from fhir_search_pending',
} as const;

async function digest(db: Database): Promise<StoreDigest> {
  const out = {} as StoreDigest;
  for (const [name, sql] of Object.entries(DUMPS) as [keyof StoreDigest, string][]) {
    const { rows } = await db.query<Record<string, unknown>>(sql);
    // Sorted here, not by the server: the two backends may collate text differently.
    const lines = rows.map((r) => JSON.stringify(Object.values(r))).sort();
    const hash = createHash('sha256');
    for (const line of lines) hash.update(`${line}\n`);
    out[name] = { rows: lines.length, sha256: hash.digest('hex') };
  }
  return out;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type Pair = [number, number, number];

/** The plain COPY's CPU seconds (client and server) over the import's: NaN when the server's are unknown. */
function cpuRatio(run: RunResult, copy: RunResult): number {
  if (run.serverCpuSeconds === undefined || copy.serverCpuSeconds === undefined) return Number.NaN;
  return (copy.cpuSeconds + copy.serverCpuSeconds) / (run.cpuSeconds + run.serverCpuSeconds);
}

function finite(n: number | undefined): number | null {
  return n === undefined || !Number.isFinite(n) ? null : Number(n.toFixed(3));
}

/** The rate of an import and its search index together, over the rate of the plain COPY. */
function endToEndRatio(run: RunResult, copy: RunResult): number {
  return run.resources / (run.seconds + (run.searchIndexSeconds ?? 0)) / (copy.resources / copy.seconds);
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/**
 * CPU seconds used so far by each server backend of the database `url` names but the asking one, read
 * from /proc: on a shared machine the clock says little, the work done says more. Empty when the
 * server is not on this machine.
 */
async function backendCpu(url: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    for (const { pid } of rows) {
      try {
        // utime and stime, in clock ticks (100 a second on Linux), after the command name.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
      } catch {
        return new Map();
      }
    }
  } finally {
    await client.end();
  }
  return out;
}

/** Server CPU seconds between two `backendCpu` readings (backends started since count from zero). */
function serverCpuSince(before: Map<number, number>, after: Map<number, number>): number | undefined {
  if (after.size === 0) return undefined;
  let sum = 0;
  for (const [pid, cpu] of after) sum += cpu - (before.get(pid) ?? 0);
  return sum;
}

/** Runs a job in a child process (its own peak RSS) and returns its figures. */
function child(job: Job): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = fork(self, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, MEDSEEK_BENCH_INGEST_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: RunResult | undefined;
    p.on('message', (m) => {
      result = m as RunResult;
    });
    p.on('error', reject);
    p.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`bench job ${job.kind}/${job.backend} exited with ${code}`)),
    );
  });
}

async function runJob(job: Job): Promise<RunResult> {
  if (job.kind === 'copy') return copyJob(job);
  const { importPath } = await import('../src/ingest/index.js');
  const { migrate, openDatabase, refreshSearchIndex, resourceSink } = await import('../src/store/index.js');
  const { openCopySink } = await import('../src/store/index.js');
  const db = await openDatabase(job.backend === 'postgres' ? { databaseUrl: job.url! } : { dataDir: job.dataDir! });
  let copySink =
    job.kind === 'copy-import' ? await openCopySink(job.url!, { connections: job.concurrency ?? 2 }) : undefined;
  try {
    await migrate(db);
    const baseRssMiB = peakRssMiB();
    const server = job.backend === 'postgres' ? await backendCpu(job.url!) : undefined;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const s = await importPath(job.path, copySink ?? resourceSink(db), {
      batchSize: job.batch ?? 500,
      concurrency: job.concurrency ?? 2,
    });
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = cpuSince(cpu);
    const serverCpuSeconds = server ? serverCpuSince(server, await backendCpu(job.url!)) : undefined;
    const peak = peakRssMiB();
    const indexStarted = performance.now();
    // The COPY sink indexes as it writes and analyzes when it closes: both count with the index.
    await copySink?.close();
    copySink = undefined;
    if (job.searchIndex) await refreshSearchIndex(db);
    const searchIndexSeconds = job.searchIndex ? (performance.now() - indexStarted) / 1000 : undefined;
    return {
      seconds,
      resources: s.read,
      rejected: s.rejected,
      peakRssMiB: peak,
      baseRssMiB,
      cpuSeconds,
      ...(serverCpuSeconds === undefined ? {} : { serverCpuSeconds }),
      ...(searchIndexSeconds === undefined ? {} : { searchIndexSeconds }),
    };
  } finally {
    await copySink?.close();
    await db.close();
  }
}

/** The ceiling: parse each line for its type and id, then COPY (type, id, resource::jsonb) rows. */
async function copyJob(job: Job): Promise<RunResult> {
  const client = new pg.Client({ connectionString: job.url! });
  await client.connect();
  try {
    await client.query(
      'create table copy_target (resource_type text not null, id text not null, resource jsonb not null, primary key (resource_type, id))',
    );
    const baseRssMiB = peakRssMiB();
    const server = await backendCpu(job.url!);
    const cpu = process.cpuUsage();
    const started = performance.now();
    let resources = 0;
    const rows = (async function* () {
      let rest = '';
      for await (const chunk of createReadStream(job.path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        let out = '';
        for (const line of parts) {
          if (!line) continue;
          const r = JSON.parse(line) as { resourceType: string; id: string };
          out += `${r.resourceType}\t${r.id}\t${line.replace(/\\/g, '\\\\')}\n`;
          resources++;
        }
        yield out;
      }
    })();
    await pipeline(rows, client.query(copyFrom('copy copy_target (resource_type, id, resource) from stdin')));
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = cpuSince(cpu);
    const serverCpuSeconds = serverCpuSince(server, await backendCpu(job.url!));
    return {
      seconds,
      resources,
      rejected: 0,
      peakRssMiB: peakRssMiB(),
      baseRssMiB,
      cpuSeconds,
      ...(serverCpuSeconds === undefined ? {} : { serverCpuSeconds }),
    };
  } finally {
    await client.end();
  }
}

if (process.env.MEDSEEK_BENCH_INGEST_JOB && process.send) {
  const job = JSON.parse(process.env.MEDSEEK_BENCH_INGEST_JOB) as Job;
  runJob(job).then(
    (r) => process.send!(r, () => process.exit(0)),
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
