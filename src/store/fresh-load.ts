import { randomUUID } from 'node:crypto';
import type { Sql } from '../core/index.js';

/**
 * A fresh load: an import into an empty (or nearly empty) store drops the secondary indexes of
 * `fhir_resources` and `fhir_search_values`, writes, and builds them again at the end, each one once
 * over all the rows rather than row by row (issue 20). Primary keys stay: the import looks resources
 * up by them and merges on them.
 *
 * Crash safety: the transaction that drops the indexes writes one row per index, with its definition,
 * into `medseek_fresh_load` (migration 0014); each index is built again in a transaction that deletes
 * its row. A load that dies in between leaves rows, and `recoverFreshLoad` (run when the store is
 * opened, and by every COPY import before it writes) builds what they name before anything is served.
 * A live load is told from a dead one by its lock: on PostgreSQL the load's connection holds a session
 * advisory lock, which the server releases when that connection goes, however the process ended; on
 * PGlite (one process per data directory, lock.ts) the load is live while its database handle says so.
 */
export const FRESH_LOAD_LOCK = 727_273;
/**
 * A store holding at most this many resources is "nearly empty": building its indexes again costs
 * about a second more than keeping them, which the first 10,000 rows of a load save several times over.
 */
export const FRESH_LOAD_MAX_STORED = 10_000;
const VALUES = 'fhir_search_values';
const TABLES = ['fhir_resources', VALUES] as const;

/** The load's rows, per database handle (PGlite liveness: the handle that began a load is in this process). */
const live = new WeakMap<object, Set<string>>();

export interface FreshLoad {
  /** The indexes dropped (schema-qualified names as PostgreSQL prints them). */
  readonly indexes: readonly string[];
  /**
   * Builds every dropped index again (each in its own transaction, its marker row deleted with it) and
   * analyzes; with `helper`, a second connection, two indexes are built at once, one on each.
   */
  end(options?: { readonly helper?: Sql }): Promise<void>;
}

interface Marker {
  readonly index_name: string;
  readonly table_name: string;
  readonly definition: string;
  readonly owner: string;
}

/** Indexes of the two tables that are neither unique nor a primary key (a constraint), as `create` text. */
const DROPPABLE = `select i.indexrelid::regclass::text as index_name, t.relname::text as table_name,
    pg_get_indexdef(i.indexrelid) as definition
  from pg_index i join pg_class t on t.oid = i.indrelid
  where i.indrelid in (${TABLES.map((t) => `'${t}'::regclass`).join(', ')})
    and not i.indisunique and not i.indisprimary
  order by 1`;

/**
 * Starts a fresh load when the store holds at most `maxStored` resources and no other load runs:
 * the secondary indexes dropped, their definitions recorded. Returns undefined (nothing changed) when
 * the store is fuller, another load holds the lock, or a reader keeps the tables busy past `lockTimeoutMs`.
 * `db` must be one connection (a PGlite database, or one PostgreSQL client) kept open for the whole load:
 * on PostgreSQL its session holds the lock that says the load is alive.
 */
export async function beginFreshLoad(
  db: Sql,
  options: { readonly maxStored?: number; readonly lockTimeoutMs?: number } = {},
): Promise<FreshLoad | undefined> {
  const maxStored = options.maxStored ?? FRESH_LOAD_MAX_STORED;
  if (!(await migrated(db))) return undefined;
  const { rows: locked } = await db.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [FRESH_LOAD_LOCK]);
  if (!locked[0]?.ok) return undefined;
  const owner = randomUUID();
  const unlock = () => db.query('select pg_advisory_unlock($1)', [FRESH_LOAD_LOCK]).then(() => undefined);
  let indexes: string[] | undefined;
  try {
    // Left over from a load that died (we hold the lock: none lives elsewhere): built again first.
    await rebuild(db, deadOnes(db, await markers(db)));
    indexes = await db.transaction(async (tx) => {
      if (tx.dialect === 'postgres')
        await tx.query(`set local lock_timeout = '${Math.max(1, options.lockTimeoutMs ?? 5000)}ms'`);
      const { rows } = await tx.query<{ n: number }>(
        'select count(*)::int as n from (select 1 from fhir_resources limit $1) s',
        [maxStored + 1],
      );
      if ((rows[0]?.n ?? 0) > maxStored) return undefined;
      const { rows: found } = await tx.query<Omit<Marker, 'owner'>>(DROPPABLE);
      for (const m of found) {
        await tx.query(
          'insert into medseek_fresh_load (index_name, table_name, definition, owner) values ($1, $2, $3, $4)',
          [m.index_name, m.table_name, m.definition, owner],
        );
        await tx.query(`drop index ${m.index_name}`);
      }
      return found.map((m) => m.index_name);
    });
  } catch (e) {
    await unlock().catch(() => {});
    // A reader held a table past the lock timeout: the import goes on with the indexes in place.
    if ((e as { code?: string }).code === '55P03') return undefined;
    throw e;
  }
  // Fuller than nearly empty, or nothing left to drop (a load of this session's own holds them dropped).
  if (!indexes?.length) {
    await unlock();
    return undefined;
  }
  const owners = live.get(db) ?? new Set<string>();
  live.set(db, owners);
  owners.add(owner);
  const dropped = indexes;
  return {
    indexes: dropped,
    async end({ helper } = {}) {
      try {
        const rows = await markers(db, owner);
        if (helper) {
          // Each connection takes the next index of one list, the values table's (the larger) first: both
          // stay busy to the end, where one table per connection left one idle for most of the build.
          const queue = [...rows].sort((a, b) => Number(b.table_name === VALUES) - Number(a.table_name === VALUES));
          const take = async (sql: Sql) => {
            try {
              for (let m = queue.shift(); m; m = queue.shift()) await rebuild(sql, [m]);
            } catch (e) {
              // The rest stays dropped, its markers kept: built again by the next recovery.
              queue.length = 0;
              throw e;
            }
          };
          // Both connections done before the lock goes, whichever failed.
          const built = await Promise.allSettled([take(helper), take(db)]);
          for (const b of built) if (b.status === 'rejected') throw b.reason;
          await Promise.all([helper.query(`analyze ${VALUES}`), db.query('analyze fhir_resources')]);
        } else {
          await rebuild(db, rows);
          await db.query(`analyze fhir_resources, ${VALUES}`);
        }
      } finally {
        owners.delete(owner);
        await unlock();
      }
    },
  };
}

/** A store not migrated yet (migration 0014) has had no fresh load. */
async function migrated(db: Sql): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>("select to_regclass('medseek_fresh_load') is not null as ok");
  return rows[0]?.ok === true;
}

/** Markers not of a load this process runs on this handle (a session re-enters its own advisory lock). */
function deadOnes(db: Sql, rows: readonly Marker[]): Marker[] {
  const ours = live.get(db);
  return rows.filter((m) => !ours?.has(m.owner));
}

async function markers(db: Sql, owner?: string): Promise<Marker[]> {
  const { rows } = await db.query<Marker>(
    `select index_name, table_name, definition, owner from medseek_fresh_load
     ${owner ? 'where owner = $1' : ''} order by index_name`,
    owner ? [owner] : [],
  );
  return rows;
}

/** Each index built again (if not there already) in the transaction that deletes its marker row. */
async function rebuild(db: Sql, rows: readonly Marker[]): Promise<string[]> {
  for (const m of rows) {
    await db.transaction(async (tx) => {
      // Sorting for a btree (or a GIN's entries) in memory rather than on disk, on the server only.
      if (tx.dialect === 'postgres') await tx.query("set local maintenance_work_mem = '256MB'");
      await tx.query(ifNotExists(m.definition));
      await tx.query('delete from medseek_fresh_load where index_name = $1', [m.index_name]);
    });
  }
  return rows.map((m) => m.index_name);
}

/** `CREATE INDEX name ON …` as pg_get_indexdef prints it, made idempotent. */
function ifNotExists(definition: string): string {
  return definition.replace(
    /^CREATE (UNIQUE )?INDEX (?!IF NOT EXISTS )/i,
    (_, u = '') => `CREATE ${u}INDEX IF NOT EXISTS `,
  );
}

export interface FreshLoadState {
  /** A live load's indexes are dropped: the store is being loaded and is not complete yet. */
  readonly loading: boolean;
  /** Indexes built again now, left over from a load that died. */
  readonly rebuilt: readonly string[];
}

/**
 * Builds the indexes a dead fresh load left dropped (see above); reports a live load as `loading`,
 * touching nothing of it. Run when the store opens, before anything is served. On PostgreSQL the
 * transaction-scoped advisory lock both tells a dead load from a live one and keeps a new load from
 * starting while the indexes are built.
 */
export async function recoverFreshLoad(db: Sql): Promise<FreshLoadState> {
  if (!(await migrated(db))) return { loading: false, rebuilt: [] };
  const left = await markers(db);
  if (left.length === 0) return { loading: false, rebuilt: [] };
  if (db.dialect !== 'postgres') {
    const dead = deadOnes(db, left);
    return { loading: dead.length < left.length, rebuilt: await rebuild(db, dead) };
  }
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [FRESH_LOAD_LOCK]);
    if (!rows[0]?.ok) return { loading: true, rebuilt: [] };
    // Read again under the lock: a load that ended meanwhile has built its indexes and deleted its rows.
    const all = await markers(tx);
    const dead = deadOnes(db, all);
    await tx.query("set local maintenance_work_mem = '256MB'");
    for (const m of dead) {
      await tx.query(ifNotExists(m.definition));
      await tx.query('delete from medseek_fresh_load where index_name = $1', [m.index_name]);
    }
    return { loading: dead.length < all.length, rebuilt: dead.map((m) => m.index_name) };
  });
}
