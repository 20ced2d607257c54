import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import type { QueryResult, Sql } from '../core/index.js';
import { invalid, MedSeekError } from '../core/index.js';
import { lockDataDir } from './lock.js';
import { migrate } from './migrate.js';

/** An open database: the `Sql` interface plus lifecycle. */
export interface Database extends Sql {
  /** Where it lives, for messages (no password). */
  readonly description: string;
  close(): Promise<void>;
  /**
   * Embedded PGlite only: a consistent copy of the whole data directory (a gzipped tarball, as
   * PGlite's `dumpDataDir` makes it), taken between queries while the database stays open.
   */
  dump?(): Promise<Blob>;
}

export interface OpenOptions {
  /** `postgres://…`: a PostgreSQL server. Otherwise embedded PGlite. */
  readonly databaseUrl?: string;
  /** PGlite data folder; omitted = in memory. */
  readonly dataDir?: string;
  /** Pool size for the server path. */
  readonly maxConnections?: number;
  /** PGlite: a data directory tarball (`Database.dump()`) to load into an empty new directory. */
  readonly loadDataDir?: Blob;
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.maxConnections ?? 10);
  return openPglite(options.dataDir, options.loadDataDir);
}

/**
 * The empty cluster that initdb made for this process's first in-memory database, copied before anything was
 * written to it. Later in-memory databases load this copy instead of running initdb again: the result is the
 * same empty cluster, for about a third of the CPU (initdb costs ≈ 4 s; the test suite opens hundreds).
 */
let freshCluster: Promise<Blob | undefined> | undefined;

async function openPglite(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<Database> {
  // PGlite does not create parent folders itself.
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // Two PGlite instances on one folder corrupt it: the second process is refused, naming the first.
  const lock = dataDir ? await lockDataDir(dataDir) : undefined;
  let db: PGlite;
  try {
    const template = loadDataDir ?? (dataDir ? undefined : await freshCluster);
    db = await PGlite.create(dataDir ?? 'memory://', {
      extensions: { pg_trgm },
      ...(template ? { loadDataDir: template } : {}),
    });
    // Queued before any query of the caller's, so the copy is the empty cluster; a failed copy means initdb each time.
    if (!dataDir && !loadDataDir && !freshCluster) freshCluster = db.dumpDataDir('none').catch(() => undefined);
  } catch (e) {
    await lock?.release();
    throw e;
  }
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>, inTx: boolean): Sql => ({
    dialect: 'pglite',
    async exec(script: string) {
      await q.exec(script);
    },
    async query<T>(text: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const r = await q.query<T>(text, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      if (inTx) return fn(this);
      return db.transaction((tx) => fn(wrap(tx, true)));
    },
  });
  const base = wrap(db, false);
  return {
    ...base,
    description: dataDir ? `PGlite at ${dataDir}` : 'PGlite in memory',
    async close() {
      try {
        await db.close();
      } finally {
        await lock?.release();
      }
    },
    async dump() {
      return db.dumpDataDir('gzip');
    },
  };
}

/**
 * Loads a backup (`Database.dump()`, `medseek backup`) into `dataDir`, which must be empty or
 * absent: a restore never overwrites a database. A backup from an older MedSeek gets the newer migrations.
 */
export async function restoreDataDir(file: string, dataDir: string): Promise<void> {
  if (!existsSync(file)) throw invalid(`no file ${file}`, { field: 'file' });
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw invalid(`${dataDir} is not empty: restore into a new directory (a restore never overwrites a database)`, {
      field: '--data-dir',
    });
  }
  const db = await openDatabase({ dataDir, loadDataDir: new Blob([readFileSync(file)]) });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (e) {
    await pool.end().catch(() => {});
    throw new MedSeekError(
      'unavailable',
      `cannot connect to PostgreSQL: ${(e as Error).message}`,
      { field: 'DATABASE_URL' },
      { cause: e },
    );
  }
  const wrapClient = (client: pg.PoolClient): Sql => ({
    dialect: 'postgres',
    async exec(script: string) {
      await client.query(script);
    },
    async query<T>(text: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const r = await client.query(text, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
    },
    transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      return fn(this);
    },
  });
  return {
    dialect: 'postgres',
    async exec(script: string) {
      await pool.query(script);
    },
    description: `PostgreSQL at ${url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}`,
    async query<T>(text: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const r = await pool.query(text, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrapClient(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
