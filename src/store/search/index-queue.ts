import type { Sql } from '../../core/index.js';
import type { FhirResource } from '../resource-store.js';
import { type SearchValue, searchValuesOf } from './extract.js';

/**
 * Keeps `fhir_search_values` in step with `fhir_resources`. A trigger queues every written
 * resource in `fhir_search_pending` (migration 0010), whatever wrote it — an import, a transaction,
 * a REST write — and `refreshSearchIndex` indexes the queue; the search runs it before it answers,
 * so a search always sees what was written before it. The REST writes may also index a resource
 * at once, in their own transaction, with `indexForSearch` / `deindexForSearch`.
 */
const BATCH = 500;
/** Resources indexed in one refresh after which the table is analyzed. */
const ANALYZE_AFTER = 200;

/** The columns of `fhir_search_values`, in the order the writers give them. */
export const SEARCH_VALUE_COLUMNS = [
  'resource_type',
  'id',
  'param',
  'system',
  'code',
  'text',
  'exact',
  'qualifier',
  'lo',
  'hi',
  'num_lo',
  'num_hi',
  'ref',
  'ref_type',
  'ref_id',
] as const;
const RECORD = `x(resource_type text, id text, param text, system text, code text, text text, exact text,
  qualifier text, lo timestamptz, hi timestamptz, num_lo numeric, num_hi numeric,
  ref text, ref_type text, ref_id text)`;

type Key = { readonly resource_type: string; readonly id: string };

async function removeValues(tx: Sql, keys: readonly Key[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.query(
    `delete from fhir_search_values v using jsonb_to_recordset($1::jsonb) as k(resource_type text, id text)
     where v.resource_type = k.resource_type and v.id = k.id`,
    [JSON.stringify(keys)],
  );
}

async function insertValues(tx: Sql, resources: readonly FhirResource[]): Promise<number> {
  const rows: (SearchValue & Key)[] = [];
  for (const r of resources) {
    if (!r.id) continue;
    for (const v of searchValuesOf(r)) rows.push({ resource_type: r.resourceType, id: r.id, ...v });
  }
  for (let i = 0; i < rows.length; i += 5000) {
    await tx.query(
      `insert into fhir_search_values (${SEARCH_VALUE_COLUMNS.join(', ')})
       select ${SEARCH_VALUE_COLUMNS.join(', ')} from jsonb_to_recordset($1::jsonb) as ${RECORD}`,
      [JSON.stringify(rows.slice(i, i + 5000))],
    );
  }
  return rows.length;
}

/** (Re)indexes resources now (e.g. in the transaction that writes them); their queue entries are done. */
export async function indexForSearch(sql: Sql, resources: readonly FhirResource[]): Promise<void> {
  const keys = resources.filter((r) => r.id).map((r) => ({ resource_type: r.resourceType, id: r.id! }));
  if (keys.length === 0) return;
  await sql.transaction(async (tx) => {
    await removeValues(tx, keys);
    await insertValues(tx, resources);
    await dequeue(tx, keys);
  });
}

/** Removes a deleted resource's search values now. */
export async function deindexForSearch(sql: Sql, resourceType: string, id: string): Promise<void> {
  const keys = [{ resource_type: resourceType, id }];
  await sql.transaction(async (tx) => {
    await removeValues(tx, keys);
    await dequeue(tx, keys);
  });
}

async function dequeue(tx: Sql, keys: readonly Key[]): Promise<void> {
  await tx.query(
    `delete from fhir_search_pending p using jsonb_to_recordset($1::jsonb) as k(resource_type text, id text)
     where p.resource_type = k.resource_type and p.id = k.id`,
    [JSON.stringify(keys)],
  );
}

/**
 * Indexes every queued resource (a deleted one loses its values); returns how many were indexed.
 * Several processes may run it at once: each takes rows the others have not locked.
 */
export async function refreshSearchIndex(sql: Sql): Promise<number> {
  // Checked once, not per batch: the entries indexed so far lie dead at the head of the table until
  // it is vacuumed, and a scan would read past them every time.
  const pending = await sql.query<{ n: number }>('select 1 as n from fhir_search_pending limit 1');
  if (pending.rows.length === 0) return 0;
  let done = 0;
  for (;;) {
    const n = await sql.transaction(async (tx) => {
      const { rows } = await tx.query<Key & { resource: FhirResource | null; deleted: boolean | null }>(
        // The batch is taken first and its resources looked up one by one (the lateral `limit 1` keeps
        // that a nested loop): a merge join read fhir_resources from its start up to the batch every
        // time, so indexing a large import cost time quadratic in its size.
        `select p.resource_type, p.id, r.resource, r.deleted
         from (select resource_type, id from fhir_search_pending
               order by resource_type, id limit ${BATCH} for update skip locked) p
         left join lateral (select resource, deleted from fhir_resources r
                            where r.resource_type = p.resource_type and r.id = p.id limit 1) r on true
         order by p.resource_type, p.id`,
      );
      if (rows.length === 0) return 0;
      const keys = rows.map(({ resource_type, id }) => ({ resource_type, id }));
      await removeValues(tx, keys);
      await insertValues(
        tx,
        rows
          .filter((r) => r.resource && !r.deleted)
          .map((r) => ({ ...r.resource!, resourceType: r.resource_type, id: r.id })),
      );
      await dequeue(tx, keys);
      return rows.length;
    });
    // Everything left is locked by another process indexing it.
    if (n === 0) break;
    done += n;
  }
  // After a large batch (the first start, an import) the planner needs fresh statistics to pick the indexes.
  if (done >= ANALYZE_AFTER) await sql.query('analyze fhir_search_values, fhir_resources');
  return done;
}
