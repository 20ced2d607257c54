import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invalid, loadConfig, MedSeekError } from '../../core/index.js';
import { openDatabase, restoreDataDir } from '../../store/index.js';

/**
 * `medseek backup` and `medseek restore`: the embedded database as one consistent file (PGlite's
 * data-directory tarball). While a server runs it holds the database, so the backup is asked of it
 * (`--server`, an admin key in MEDSEEK_API_KEY); otherwise the directory is opened and dumped here.
 * On PostgreSQL use pg_dump / pg_restore.
 */
export function register(program: Command): void {
  program
    .command('backup')
    .description('write a consistent copy of the embedded database to a file (while the server runs: --server URL)')
    .requiredOption('--out <file>', 'where to write the backup (.tar.gz)')
    .option(
      '--server <url>',
      'back up through this running MedSeek server (admin key in MEDSEEK_API_KEY; none in demo mode)',
    )
    .action(async (opts: { out: string; server?: string }) => {
      const out = resolve(opts.out);
      const bytes = opts.server
        ? await backupThroughServer(opts.server, process.env.MEDSEEK_API_KEY)
        : await backupDirectly();
      writeFileSync(out, bytes);
      process.stdout.write(`backup written to ${out} (${bytes.length} bytes)\n`);
    });

  program
    .command('restore <file>')
    .description('load a backup into a new, empty data directory (default MEDSEEK_DATA_DIR)')
    .option('--data-dir <dir>', 'the directory to restore into (must be empty or absent)')
    .action(async (file: string, opts: { dataDir?: string }) => {
      const config = loadConfig();
      if (config.databaseUrl && !opts.dataDir)
        throw invalid(
          'DATABASE_URL names a PostgreSQL server: restore it with pg_restore (or pass --data-dir for an embedded copy)',
          { field: 'DATABASE_URL' },
        );
      const dataDir = resolve(opts.dataDir ?? config.dataDir);
      await restoreDataDir(resolve(file), dataDir);
      process.stdout.write(`restored ${file} into ${dataDir}\n`);
    });
}

async function backupThroughServer(server: string, key: string | undefined): Promise<Buffer> {
  let url: URL;
  try {
    url = new URL('/api/backup', server);
  } catch {
    throw invalid(`'${server}' is not a URL (http://127.0.0.1:8080)`, { field: '--server' });
  }
  const res = await fetch(url, { headers: key ? { Authorization: `Bearer ${key}` } : {} }).catch((e: Error) => {
    throw new MedSeekError(
      'unavailable',
      `cannot reach ${url.origin}: ${(e.cause as Error | undefined)?.message ?? e.message}`,
      { field: '--server' },
    );
  });
  if (!res.ok) {
    const body = await res.text();
    const said = /"diagnostics"\s*:\s*"([^"]*)"/.exec(body)?.[1] ?? body.slice(0, 200);
    throw new MedSeekError(
      res.status === 401 || res.status === 403 ? 'forbidden' : 'unavailable',
      `the server refused the backup (${res.status}): ${said}`,
      { field: res.status === 401 || res.status === 403 ? 'MEDSEEK_API_KEY' : '--server' },
    );
  }
  return Buffer.from(await res.arrayBuffer());
}

async function backupDirectly(): Promise<Buffer> {
  const config = loadConfig();
  if (config.databaseUrl)
    throw invalid('DATABASE_URL names a PostgreSQL server: back it up with pg_dump', { field: 'DATABASE_URL' });
  if (!existsSync(config.dataDir)) throw invalid(`no database at ${config.dataDir}`, { field: 'MEDSEEK_DATA_DIR' });
  const db = await openDatabase({ dataDir: config.dataDir }).catch((e: unknown) => {
    if (e instanceof MedSeekError && e.code === 'conflict')
      throw new MedSeekError(
        'conflict',
        `${e.message}. To back up while the server runs: medseek backup --server http://127.0.0.1:<port> --out FILE`,
        e.location,
      );
    throw e;
  });
  try {
    await db.exec('CHECKPOINT');
    return Buffer.from(await (await db.dump!()).arrayBuffer());
  } finally {
    await db.close();
  }
}
