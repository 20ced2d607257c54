import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { invalid, loadConfig } from '../../core/index.js';
import { type ImportProgress, type ImportSummary, importPath } from '../../ingest/index.js';
import { migrate, openDatabase, refreshSearchIndex, resourceSink } from '../../store/index.js';

interface ImportOpts {
  format: string;
  progress?: boolean;
  maxResourceMb: string;
  batch: string;
  concurrency: string;
}

export function register(program: Command): void {
  program
    .command('import <path>')
    .description(
      'import FHIR R4 JSON bundles (transaction, batch, collection…) and Bulk Data NDJSON from a file or directory',
    )
    .option('--format <format>', "summary format: 'text' or 'json'", 'text')
    .option('--progress', 'show a progress bar even without a terminal')
    .option('--no-progress', 'never show a progress bar')
    .option('--max-resource-mb <n>', 'largest resource (NDJSON line or bundle entry) accepted, MiB', '16')
    .option('--batch <n>', 'resources per database write', '500')
    .option('--concurrency <n>', 'database writes in flight at once (PostgreSQL uses that many connections)', '2')
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
      const showBar = opts.progress === true || (opts.progress !== false && process.stderr.isTTY === true);
      const bar = showBar ? progressBar() : undefined;
      let summary: ImportSummary;
      try {
        await migrate(db);
        summary = await importPath(path, resourceSink(db), {
          maxResourceBytes: Math.round(maxResourceMb * 1024 * 1024),
          batchSize: batch,
          concurrency,
          ...(bar ? { onProgress: bar.update } : {}),
        });
        // The search index is brought up to date now, not by the first search after a large import.
        bar?.stop();
        if (showBar) process.stderr.write('indexing for search…\n');
        await refreshSearchIndex(db);
      } finally {
        bar?.stop();
        await db.close();
      }
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : textSummary(summary));
      if (summary.rejected > 0) process.exitCode = 1;
    });
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
