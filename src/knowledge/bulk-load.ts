import type { Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { BatchData } from './batch.js';
import { insertBatch, type ProgressFn, storedBatchId, type WriteResult } from './releases.js';

/** The tables a batch writes (the order indexes are rebuilt in: small first). */
const KG_TABLES = ['kg_code', 'kg_concept', 'kg_term', 'kg_relation'] as const;

/**
 * Below this many rows a load is written as `writeBatch` writes. Measured on PGlite (CPU seconds, loaded machine):
 * the demo release (≈ 130,000 rows) 3.9 s plain, 2.7 s bulk; the broad release (≈ 800,000 rows) 16 s, 10 s.
 */
export const BULK_MIN_ROWS = 50_000;

/** The index rebuild's share of a load, for the progress bar (broad release: ≈ 6 s of inserts, 3 s of index builds). */
const INDEX_SHARE = 0.5;

/**
 * Stores several batches in the caller's transaction `tx` (reusing those already stored), as fast as the store
 * allows. A large load into embedded PGlite (one process, one connection: nobody else reads meanwhile) is a bulk
 * load: the indexes of the knowledge tables (primary keys included) are dropped and built again after the inserts
 * (when the load is larger than what the tables hold already), and the per-row foreign-key triggers are off while
 * inserting, their check done once per load by a query instead; the tables are analysed after (PGlite runs no autovacuum,
 * so its planner would otherwise see empty tables). Everything stays in `tx`: a load that fails rolls back the
 * rows, the dropped indexes and the settings together. PostgreSQL servers keep the plain path (a dropped index
 * would lock out the readers of the active release).
 */
export async function writeBatchesBulk(
  tx: Sql,
  batches: readonly BatchData[],
  options: { readonly progress?: ProgressFn; readonly minRows?: number } = {},
): Promise<WriteResult[]> {
  const { progress, minRows = BULK_MIN_ROWS } = options;
  const key = (b: BatchData) => `${b.kind}|${b.contentHash}`;
  const results = new Map<string, WriteResult>();
  const fresh: { batch: BatchData; rows: number }[] = [];
  for (const batch of batches) {
    if (results.has(key(batch)) || fresh.some((f) => key(f.batch) === key(batch))) continue;
    const existing = await storedBatchId(tx, batch);
    if (existing !== undefined) results.set(key(batch), { batchId: existing, created: false });
    else fresh.push({ batch, rows: batchRows(batch) });
  }
  const rows = fresh.reduce((n, f) => n + f.rows, 0);
  const bulk = tx.dialect === 'pglite' && rows >= minRows;
  const indexes = bulk && rows > (await storedRows(tx)) ? await rebuildableIndexes(tx) : [];
  const total = rows + (indexes.length ? Math.round(rows * INDEX_SHARE) : 0);
  if (bulk) await tx.exec('set local session_replication_role = replica');
  for (const ix of indexes) await tx.exec(ix.drop);
  let before = 0;
  const created: number[] = [];
  for (const f of fresh) {
    const batchId = await insertBatch(tx, f.batch, (done, all, phase) =>
      progress?.(before + Math.round((done / Math.max(all, 1)) * f.rows), total, `${f.batch.kind}: ${phase}`),
    );
    before += f.rows;
    progress?.(before, total, `${f.batch.kind}: stored`);
    results.set(key(f.batch), { batchId, created: true });
    created.push(batchId);
  }
  if (bulk) {
    await tx.exec('set local session_replication_role = origin');
    await checkReferences(tx, created);
    // Index builds sort in memory up to this much (PGlite's default, 64 MB, spills the trigram index to disk).
    await tx.exec(`set local maintenance_work_mem = '256MB'`);
    for (const [k, ix] of indexes.entries()) {
      progress?.(before + Math.round(((rows * INDEX_SHARE) / indexes.length) * k), total, `indexing ${ix.table}`);
      await tx.exec(ix.create);
    }
    await tx.exec(`analyze ${KG_TABLES.join(', ')}`);
    progress?.(total, total, 'indexed');
  }
  return batches.map((b) => results.get(key(b))!);
}

/** Rows a batch writes (concepts, names, codes, relations): the progress bar's unit. */
export function batchRows(b: BatchData): number {
  let n = b.concepts.length + b.relations.length;
  for (const c of b.concepts) n += c.terms.size + c.codes.size;
  return n;
}

async function storedRows(tx: Sql): Promise<number> {
  const r = await tx.query<{ n: string | number }>(
    `select ${KG_TABLES.map((t) => `(select count(*) from ${t})`).join(' + ')} as n`,
  );
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * The knowledge tables' indexes, with the statements that drop and build them again: plain indexes, and the
 * primary keys (dropped as constraints and added back, which checks the ids are still unique) unless a foreign
 * key leans on them. A btree built by sorting is several times faster than the same rows inserted one by one.
 */
async function rebuildableIndexes(tx: Sql): Promise<{ table: string; drop: string; create: string }[]> {
  const r = await tx.query<{ table: string; index: string; constraint: string | null; def: string }>(
    `select quote_ident(t.relname) as table, quote_ident(n.nspname) || '.' || quote_ident(ic.relname) as index,
       quote_ident(c.conname) as constraint,
       coalesce(pg_get_constraintdef(c.oid), pg_get_indexdef(i.indexrelid)) as def
     from pg_index i
     join pg_class ic on ic.oid = i.indexrelid
     join pg_class t on t.oid = i.indrelid
     join pg_namespace n on n.oid = t.relnamespace
     left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = t.oid and c.contype in ('p', 'u')
     where n.nspname = current_schema() and t.relname = any($1::text[])
       and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = i.indexrelid)
     order by array_position($1::text[], t.relname::text), c.conname is null, ic.relname`,
    [KG_TABLES],
  );
  return r.rows.map((x) =>
    x.constraint
      ? {
          table: x.table,
          drop: `alter table ${x.table} drop constraint ${x.constraint}`,
          create: `alter table ${x.table} add constraint ${x.constraint} ${x.def}`,
        }
      : { table: x.table, drop: `drop index ${x.index}`, create: x.def },
  );
}

/**
 * The foreign keys the triggers did not check while they were off: every relation of the new batches names a
 * stored source (the batch ids come from the `kg_batch` rows this load inserted).
 */
async function checkReferences(tx: Sql, batchIds: readonly number[]): Promise<void> {
  const r = await tx.query<{ source_id: string }>(
    `select distinct r.source_id from kg_relation r
     where r.batch_id = any($1::int[]) and not exists (select 1 from kg_source s where s.id = r.source_id)
     limit 5`,
    [batchIds],
  );
  if (r.rows.length)
    throw invalid(`relations name unknown sources: ${r.rows.map((x) => x.source_id).join(', ')}`, { field: 'source' });
}
