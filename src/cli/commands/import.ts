import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { invalid, loadConfig, type Sql } from '../../core/index.js';
import {
  type Hl7ImportSummary,
  type Hl7Store,
  hl7FilesIn,
  type ImportProgress,
  type ImportSummary,
  importHl7File,
  importPath,
  isHl7File,
  importVcfFile,
  isVcfFile,
  pgxDefinitionsFrom,
  vcfTextSummary,
} from '../../ingest/index.js';
import { activePgxAlleles } from '../../knowledge/index.js';
import {
  type Database,
  migrate,
  openCopySink,
  openDatabase,
  refreshSearchIndex,
  resourceSink,
} from '../../store/index.js';
import { textSummary as hl7TextSummary } from './hl7.js';

interface ImportOpts {
  format: string;
  progress?: boolean;
  maxResourceMb: string;
  batch: string;
  concurrency: string;
  patient?: string;
  sample?: string;
}

export function register(program: Command): void {
  program
    .command('import <path>')
    .description(
      'import FHIR R4 JSON bundles (transaction, batch, collection…), Bulk Data NDJSON and HL7 v2 message files from a file or directory',
    )
    .option('--format <format>', "summary format: 'text' or 'json'", 'text')
    .option('--progress', 'show a progress bar even without a terminal')
    .option('--no-progress', 'never show a progress bar')
    .option('--max-resource-mb <n>', 'largest resource (NDJSON line or bundle entry) accepted, MiB', '16')
    .option('--batch <n>', 'resources per database write', '500')
    .option('--concurrency <n>', 'database writes in flight at once (PostgreSQL uses that many connections)', '2')
    .option('--patient <id>', 'for a .vcf[.gz] file: the Patient id the genome belongs to (required)')
    .option('--sample <name>', 'for a multi-sample VCF: the sample column to read')
    .action(async (path: string, opts: ImportOpts) => {
      if (opts.format !== 'text' && opts.format !== 'json')
        throw invalid(`--format must be 'text' or 'json', not '${opts.format}'`, { field: '--format' });
      const maxResourceMb = Number(opts.maxResourceMb);
      const batch = Number(opts.batch);
      if (!(maxResourceMb > 0))
        throw invalid('--max-resource-mb must be a positive number', { field: '--max-resource-mb' });
      if (!Number.isInteger(batch) || batch < 1)
        throw invalid('--batch must be a positive integer', { field: '--batch' });
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
        throw invalid('--concurrency must be an integer from 1 to 16', { field: '--concurrency' });

      const config = loadConfig();
      const db = await openDatabase({
        ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir }),
      });
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile() && isVcfFile(path)) {
        // One VCF: PGx star alleles called and written as Genomics Reporting Observations (src/ingest/vcf).
        if (!opts.patient) {
          await db.close();
          throw invalid('a VCF names samples, not patients: give --patient <id>', { field: '--patient' });
        }
        try {
          await migrate(db);
          // The active release's allele definitions; the bundled files only where no release holds them.
          const release = await activePgxAlleles(db);
          const { calls: _calls, ...summary } = await importVcfFile(path, resourceSink(db), {
            ...(release ? { definitions: pgxDefinitionsFrom(release) } : {}),
            patient: opts.patient,
            ...(opts.sample !== undefined ? { sample: opts.sample } : {}),
          });
          await refreshSearchIndex(db);
          process.stdout.write(
            opts.format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : vcfTextSummary(summary),
          );
        } finally {
          await db.close();
        }
        return;
      }
      if (info?.isFile() && (await isHl7File(path))) {
        // One HL7 v2 file: each message processed and acknowledged as `medseek hl7 import` does.
        let summary: Hl7ImportSummary;
        try {
          await migrate(db);
          summary = await importHl7File(path, hl7Store(db));
          await refreshSearchIndex(db);
        } finally {
          await db.close();
        }
        process.stdout.write(
          opts.format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : hl7TextSummary(summary),
        );
        if (summary.rejected > 0) process.exitCode = 1;
        return;
      }
      const showBar = opts.progress === true || (opts.progress !== false && process.stderr.isTTY === true);
      const bar = showBar ? progressBar() : undefined;
      let summary: ImportSummary;
      let hl7: DirectoryHl7Summary | undefined;
      try {
        await migrate(db);
        // On a PostgreSQL server each batch goes in by COPY into a staging table and one merge (store/copy.ts).
        const copy = config.databaseUrl
          ? await openCopySink(config.databaseUrl, { connections: concurrency })
          : undefined;
        try {
          summary = await importPath(path, copy ?? resourceSink(db), {
            maxResourceBytes: Math.round(maxResourceMb * 1024 * 1024),
            batchSize: batch,
            concurrency,
            ...(bar ? { onProgress: bar.update } : {}),
          });
        } finally {
          await copy?.close();
        }
        bar?.stop();
        if (info?.isDirectory()) {
          hl7 = await importHl7Directory(path, hl7Store(db));
          // The FHIR import counted the .hl7 files as skipped: they were imported here.
          if (hl7) summary = { ...summary, skippedFiles: summary.skippedFiles - hl7.files };
        }
        // The search index is brought up to date now, not by the first search after a large import.
        if (showBar) process.stderr.write('indexing for search…\n');
        await refreshSearchIndex(db);
      } finally {
        bar?.stop();
        await db.close();
      }
      process.stdout.write(
        opts.format === 'json'
          ? `${JSON.stringify(hl7 ? { ...summary, hl7 } : summary, null, 2)}\n`
          : `${textSummary(summary)}${hl7 ? `HL7 v2: ${hl7.files} file(s), ${hl7TextSummary(hl7)}` : ''}`,
      );
      if (summary.rejected > 0 || (hl7?.rejected ?? 0) > 0) process.exitCode = 1;
    });
}

/** The HL7 v2 part of a directory import: every message of every `.hl7` file, `where` naming the file. */
type DirectoryHl7Summary = Hl7ImportSummary & { readonly files: number };

async function importHl7Directory(dir: string, store: Hl7Store): Promise<DirectoryHl7Summary | undefined> {
  const files = await hl7FilesIn(dir);
  if (files.length === 0) return undefined;
  const parts: Hl7ImportSummary[] = [];
  for (const file of files) {
    const part = await importHl7File(file, store);
    parts.push({ ...part, outcomes: part.outcomes.map((o) => ({ ...o, where: `${file} ${o.where}` })) });
  }
  const sum = (key: 'messages' | 'accepted' | 'duplicates' | 'rejected') => parts.reduce((n, p) => n + p[key], 0);
  return {
    files: files.length,
    messages: sum('messages'),
    accepted: sum('accepted'),
    duplicates: sum('duplicates'),
    rejected: sum('rejected'),
    outcomes: parts.flatMap((p) => p.outcomes),
  };
}

function hl7Store(db: Database): Hl7Store {
  return { sql: db, sinkFor: (tx: Sql) => resourceSink(tx) };
}

function progressBar(): { update: (p: ImportProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      format: 'importing [{bar}] {percentage}% | {mib}/{totalMib} MiB | {resources} resources',
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 2000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  return {
    update(p) {
      const payload = { mib: mib(p.bytesDone), totalMib: mib(p.bytesTotal), resources: p.resources };
      if (!started) {
        bar.start(Math.max(p.bytesTotal, 1), p.bytesDone, payload);
        started = true;
      } else bar.update(p.bytesDone, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function textSummary(s: ImportSummary): string {
  const lines = [
    `${s.files} file(s): ${s.read} resources read, ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected`,
  ];
  for (const [type, c] of Object.entries(s.byType).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(
      `  ${type.padEnd(28)} ${String(c.read).padStart(7)} read ${String(c.created).padStart(7)} created ${String(c.updated).padStart(6)} updated ${String(c.unchanged).padStart(7)} unchanged ${String(c.rejected).padStart(6)} rejected`,
    );
  }
  if (s.errors.length > 0) lines.push('errors:');
  for (const e of s.errors) {
    const at = [e.file, e.where, e.entry && `(${e.entry})`, e.field && `field ${e.field}`].filter(Boolean).join(' ');
    lines.push(`  - ${e.code}: ${at ? `${at}: ` : ''}${e.message}`);
  }
  if (s.errorsOmitted > 0) lines.push(`  … and ${s.errorsOmitted} more`);
  return `${lines.join('\n')}\n`;
}
