import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { MedSeekError } from '../core/index.js';
import { clientSql } from './client-sql.js';
import { type CopyText, copyField, copyRows } from './copy-text.js';
import { beginFreshLoad, FRESH_LOAD_MAX_STORED, type FreshLoad, recoverFreshLoad } from './fresh-load.js';
import type { FhirResource, PutOutcome } from './resource-store.js';
import { mergeStatement, type OutcomeRow, type Prepared, prepareWrite, SEP } from './resources.js';
import { searchValuesOf } from './search/extract.js';
import { SEARCH_VALUE_COLUMNS } from './search/index-queue.js';
import { loadSearchDefinitions } from './search/registry.js';

/**
 * Import at COPY speed on a PostgreSQL server (issue 20), batch by batch, so memory holds one batch
 * whatever the file size. In each batch's transaction:
 * - resources the store does not hold yet (the bulk of a first import) are streamed with `COPY … FROM
 *   STDIN` straight into `fhir_resources` as version 1, the row the merge would write for them;
 * - the others are copied into a temporary staging table and merged by the same one statement as every
 *   other write (resources.ts `mergeStatement`): changed ones given a new version with the old one
 *   moved to history, identical ones unchanged;
 * - every resource written is indexed for search from the object already parsed, its values copied
 *   into `fhir_search_values` (a rewritten one loses its old values first), so the search index needs
 *   no second pass that reads the resources back; the transaction says so (`medseek.search_indexed`,
 *   migration 0013) and the trigger leaves them off the queue.
 * Should another writer create one of the "new" resources meanwhile, the COPY fails on the primary key
 * and the whole batch is merged instead. `pg-copy-streams` is loaded when the sink opens; without it,
 * `openCopySink` says so.
 *
 * A large import into an empty store is a fresh load (fresh-load.ts): once the sink has written
 * FRESH_LOAD_AFTER resources into a store that was nearly empty when it opened, it drops the secondary
 * indexes, and `close` builds them again (on two connections). A smaller import keeps them: building
 * them again costs more than it saves below a thousand resources or so (see FRESH_LOAD_AFTER). A
 * resource written twice meanwhile is queued for the search index rather than indexed at once (its old
 * values would be found by a scan of the whole table), and the queue indexes it once the indexes are
 * back. A fresh load that died (a crash between the drop and the build) is mended when the next sink
 * opens, before it writes.
 */
const STAGING = 'medseek_copy_staging';
const STAGING_DDL = `create temporary table if not exists ${STAGING} (
  resource_type text not null, id text not null, content_hash text not null, patient_id text,
  codes text, identifiers text, date_start timestamptz, date_end timestamptz, resource jsonb not null
) on commit delete rows`;
const STAGING_INPUT = `select resource_type, id, content_hash, patient_id,
    coalesce(string_to_array(codes, chr(31)), '{}') as codes,
    coalesce(string_to_array(identifiers, chr(31)), '{}') as identifiers, date_start, date_end, resource
  from ${STAGING}`;
const MERGE = mergeStatement(STAGING_INPUT, '$1');
const COPY_STAGING = `copy ${STAGING} (resource_type, id, content_hash, patient_id, codes, identifiers, date_start,
  date_end, resource) from stdin`;
const COPY_NEW = `copy fhir_resources (resource_type, id, version_id, last_updated, deleted, content_hash, patient_id,
  codes, identifiers, date_start, date_end, resource) from stdin`;
/** The keys of a batch the store already holds (deleted ones too: the merge gives them a new version). */
const EXISTING = `select r.resource_type, r.id from fhir_resources r
  join unnest($1::text[], $2::text[]) k(resource_type, id) on r.resource_type = k.resource_type and r.id = k.id`;
const UNIQUE_VIOLATION = '23505';
/**
 * A batch's transaction opened in one round trip: its rows indexed for search here (migration 0013), and
 * committed without waiting for the WAL to reach the disk. A crash may then lose the last batches
 * committed (never half of one: the store stays consistent); `close` waits for the WAL of every batch
 * before it returns, as the one commit of a plain COPY would.
 */
const BEGIN_BATCH = "begin; set local medseek.search_indexed = 'on'; set local synchronous_commit = off";
/** A transaction with an id, committed synchronously: its commit flushes the WAL of every batch before it. */
const FLUSH = 'select txid_current()';
const COPY_VALUES = `copy fhir_search_values (${SEARCH_VALUE_COLUMNS.join(', ')}) from stdin`;
const KEYS = 'unnest($1::text[], $2::text[]) k(resource_type, id)';
/**
 * A rewritten resource's queue entry, then its old values. The dequeue comes first: should
 * `refreshSearchIndex` hold the entry, it waits for it, so the values it writes are replaced here.
 */
const DEQUEUE = `delete from fhir_search_pending p using ${KEYS}
  where p.resource_type = k.resource_type and p.id = k.id`;
const UNINDEX = `delete from fhir_search_values v using ${KEYS}
  where v.resource_type = k.resource_type and v.id = k.id`;
/** Resources indexed by one sink after which the planner's statistics are renewed when it closes. */
const ANALYZE_AFTER = 200;
/**
 * Resources this sink writes before it starts a fresh load: an import of a few small batches keeps its
 * indexes. Measured (bench ingest, 74,000 resources, 2 busy cores): started at once the load ran at
 * 0.13-0.16 of a plain COPY end to end; started after 20,000 resources, 0.11-0.12; never, 0.06-0.16. On
 * 7,400 resources (90,000 search values) the values copied into their six indexes took 2.0 s, into none
 * 0.3 s and the six built after 1.0 s (PostgreSQL 15, 2 busy cores): by that measure the load pays from
 * about a thousand resources on.
 */
export const FRESH_LOAD_AFTER = 1_000;
const ENQUEUE = `insert into fhir_search_pending (resource_type, id) select resource_type, id from ${KEYS}
  on conflict do nothing`;

/** The store as an import sink over COPY (the shape of ingest's IngestSink), with its own connections. */
export interface CopySink {
  write(resources: readonly FhirResource[], options: { readonly atomic: boolean }): Promise<PutOutcome[]>;
  findByIdentifier(resourceType: string, identifiers: readonly string[]): Promise<string | undefined>;
  close(): Promise<void>;
}

type CopyFrom = (text: string) => NodeJS.WritableStream & pg.Submittable;

/** One staging row. */
export function stagingRow(out: CopyText, p: Prepared): void {
  const { patientId, codes, identifiers, dateStart, dateEnd } = p.index;
  out.field(p.resource.resourceType).field(p.resource.id).field(p.hash).field(patientId);
  out.field(codes.length ? codes.join(SEP) : null).field(identifiers.length ? identifiers.join(SEP) : null);
  out.field(dateStart).field(dateEnd).lastJson(p.json);
}

/** One `fhir_resources` row of a new resource (version 1, written `now`). */
export function newRow(out: CopyText, p: Prepared, now: string): void {
  const { patientId, codes, identifiers, dateStart, dateEnd } = p.index;
  out.field(p.resource.resourceType).field(p.resource.id).field('1').field(now).field('f').field(p.hash);
  out
    .field(patientId)
    .field(arrayLiteral(asMerged(codes)))
    .field(arrayLiteral(asMerged(identifiers)));
  out.field(dateStart).field(dateEnd).lastJson(p.json);
}

/** The array the merge stores: it splits the staged text on SEP, so an element holding SEP splits there too. */
function asMerged(values: readonly string[]): readonly string[] {
  for (const v of values) if (v.includes(SEP)) return values.join(SEP).split(SEP);
  return values;
}

/** A text[] literal: every element quoted, its backslashes and double quotes escaped. */
export function arrayLiteral(values: readonly string[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out += `${i > 0 ? ',' : ''}"${v.includes('\\') || v.includes('"') ? v.replace(/[\\"]/g, '\\$&') : v}"`;
  }
  return `${out}}`;
}

/** The search values of a resource as `fhir_search_values` rows (search/extract.ts, as the queue indexes it). */
export function searchValueRows(out: CopyText, p: Prepared): void {
  const values = searchValuesOf(p.resource);
  if (values.length === 0) return;
  // Encoded once: copying bytes costs less than encoding the text again for every row.
  const key = Buffer.from(`${copyField(p.resource.resourceType)}\t${copyField(p.resource.id)}\t`);
  for (const v of values) {
    out.bytes(key).field(v.param).field(v.system).field(v.code).field(v.text).field(v.exact).field(v.qualifier);
    out.field(v.lo).field(v.hi).field(numeric(v.num_lo)).field(numeric(v.num_hi));
    out.field(v.ref).field(v.ref_type).last(v.ref_id);
  }
}

/** A number as the text JSON gives it (what the queue's `jsonb_to_recordset` reads). */
function numeric(n: number | null | undefined): string | null {
  if (n === null || n === undefined) return null;
  return Number.isFinite(n) ? String(n) : 'null';
}

export interface CopySinkOptions {
  readonly connections?: number;
  /** A large load into a nearly empty store drops and rebuilds the secondary indexes (default true). */
  readonly freshLoad?: boolean;
  /** Resources written before the fresh load starts (default FRESH_LOAD_AFTER). */
  readonly freshLoadAfter?: number;
}

export async function openCopySink(databaseUrl: string, options: CopySinkOptions = {}): Promise<CopySink> {
  let copyFrom: CopyFrom;
  try {
    copyFrom = ((await import('pg-copy-streams')) as unknown as { from: CopyFrom }).from;
  } catch (e) {
    throw new MedSeekError('unavailable', 'COPY import needs the pg-copy-streams package', {}, { cause: e });
  }
  // The search parameters' definitions, read once per process (a second or so): now, not in the first batch.
  loadSearchDefinitions();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.connections ?? 2 });
  pool.on('error', () => {});
  // The fresh load's own connection: its session holds the load's lock for as long as the load lives.
  const control = new pg.Client({ connectionString: databaseUrl });
  control.on('error', () => {});
  await control.connect();
  const controlSql = clientSql(control);
  try {
    // A fresh load that died left its indexes dropped: built again before anything is written.
    await recoverFreshLoad(controlSql);
  } catch (e) {
    await control.end().catch(() => {});
    await pool.end().catch(() => {});
    throw e;
  }
  /** Resources in the store (up to the fresh load's limit) when this sink first writes; undefined: not migrated. */
  const countStored = async (): Promise<number | undefined> => {
    const { rows: table } = await control.query<{ ok: boolean }>(
      "select to_regclass('fhir_resources') is not null as ok",
    );
    if (!table[0]?.ok) return undefined;
    const { rows } = await control.query<{ n: number }>(
      'select count(*)::int as n from (select 1 from fhir_resources limit $1) s',
      [FRESH_LOAD_MAX_STORED + 1],
    );
    return rows[0]?.n;
  };
  let storedAtStart: Promise<number | undefined> | undefined;
  const freshAfter = options.freshLoadAfter ?? FRESH_LOAD_AFTER;
  let fresh: Promise<FreshLoad | undefined> | undefined;
  let written = 0;
  const inflight = new Set<Promise<unknown>>();
  /** The fresh load, started once enough is written; writes already under way finish first (the drop would wait). */
  const freshLoad = async (size: number): Promise<FreshLoad | undefined> => {
    written += size;
    if (options.freshLoad === false) return undefined;
    storedAtStart ??= countStored().catch(() => undefined);
    const stored = await storedAtStart;
    const nearlyEmpty = stored !== undefined && stored <= FRESH_LOAD_MAX_STORED;
    if (!fresh && nearlyEmpty && written > freshAfter) {
      const before = [...inflight];
      fresh = Promise.allSettled(before).then(() =>
        beginFreshLoad(controlSql, { maxStored: FRESH_LOAD_MAX_STORED + written }),
      );
    }
    return fresh;
  };
  const staged = new WeakSet<pg.PoolClient>();
  let indexedCount = 0;
  /** Batches committed without waiting for their WAL (flushed by `close`). */
  let committed = 0;
  const copy = (client: pg.PoolClient, statement: string, chunks: Iterable<Buffer>): Promise<void> =>
    pipeline(Readable.from(chunks), client.query(copyFrom(statement)));

  /** Merges `prepared` through the staging table; the outcome of each by `Type/id`. */
  const merge = async (client: pg.PoolClient, prepared: readonly Prepared[], now: string) => {
    if (!staged.has(client)) {
      await client.query(STAGING_DDL);
      staged.add(client);
    }
    await copy(client, COPY_STAGING, copyRows(prepared, stagingRow));
    // Statistics for the batch just copied: without them the planner takes the staging table for
    // empty or huge and joins it to fhir_resources by a scan of the whole store.
    await client.query(`analyze ${STAGING}`);
    const { rows } = await client.query<OutcomeRow>(MERGE, [now]);
    return new Map(rows.map((r) => [`${r.resource_type}/${r.id}`, r.outcome]));
  };

  /** One transaction: the new resources copied in, the others merged, what was written indexed for search. */
  const writeBatch = async (
    client: pg.PoolClient,
    prepared: readonly Prepared[],
    mergeAll: boolean,
    load: FreshLoad | undefined,
  ) => {
    const now = new Date().toISOString();
    await client.query(BEGIN_BATCH);
    let fresh: Prepared[] = [];
    let known: readonly Prepared[] = prepared;
    if (!mergeAll) {
      const { rows } = await client.query<{ resource_type: string; id: string }>(EXISTING, [
        prepared.map((p) => p.resource.resourceType),
        prepared.map((p) => p.resource.id),
      ]);
      const existing = new Set(rows.map((r) => `${r.resource_type}/${r.id}`));
      fresh = prepared.filter((p) => !existing.has(keyOf(p)));
      known = prepared.filter((p) => existing.has(keyOf(p)));
    }
    if (fresh.length > 0)
      await copy(
        client,
        COPY_NEW,
        copyRows(fresh, (out, p) => newRow(out, p, now)),
      );
    const merged = known.length > 0 ? await merge(client, known, now) : new Map<string, PutOutcome>();
    // A resource new to the store has no search values yet; one merged and written again has its old ones.
    const rewritten = known.filter((p) => merged.get(keyOf(p)) !== 'unchanged');
    if (rewritten.length > 0) {
      const keys = [rewritten.map((p) => p.resource.resourceType), rewritten.map((p) => p.resource.id)];
      if (load) await client.query(ENQUEUE, keys);
      else {
        await client.query(DEQUEUE, keys);
        await client.query(UNINDEX, keys);
      }
    }
    const indexed = load ? fresh : [...fresh, ...rewritten];
    if (indexed.length > 0) await copy(client, COPY_VALUES, copyRows(indexed, searchValueRows));
    await client.query('commit');
    committed++;
    indexedCount += indexed.length;
    const created = new Set(fresh);
    return prepared.map((p): PutOutcome => {
      const outcome = merged.get(keyOf(p)) ?? (created.has(p) ? 'created' : undefined);
      if (!outcome) throw new MedSeekError('internal', `no result for ${keyOf(p)}`);
      return outcome;
    });
  };

  return {
    async write(resources) {
      if (resources.length === 0) return [];
      const prepared = prepareWrite(resources);
      const load = await freshLoad(prepared.length);
      let done: () => void = () => {};
      const running = new Promise<void>((resolve) => {
        done = resolve;
      });
      inflight.add(running);
      const client = await pool.connect().catch((e) => {
        inflight.delete(running);
        done();
        throw e;
      });
      const rollback = async () => {
        await client.query('rollback').catch(() => {});
        // A staging table created in the rolled-back transaction is gone with it.
        staged.delete(client);
      };
      try {
        try {
          return await writeBatch(client, prepared, false, load);
        } catch (e) {
          await rollback();
          // Another writer created one of the new resources since they were looked up: merge them all.
          if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
          return await writeBatch(client, prepared, true, load);
        }
      } catch (e) {
        await rollback();
        throw e;
      } finally {
        client.release();
        inflight.delete(running);
        done();
      }
    },
    async findByIdentifier(resourceType, identifiers) {
      if (identifiers.length === 0) return undefined;
      const { rows } = await pool.query<{ id: string }>(
        `select id from fhir_resources where resource_type = $1 and cardinality(identifiers) > 0
         and identifiers && $2::text[] and not deleted order by id limit 1`,
        [resourceType, [...identifiers]],
      );
      return rows[0]?.id;
    },
    async close() {
      try {
        // Writes still in flight finish on the pool; the indexes are built once they have.
        const load = await fresh?.catch(() => undefined);
        if (load) {
          // Half the indexes built on a second connection while the control connection builds the rest.
          const helper = await pool.connect();
          try {
            await load.end({ helper: clientSql(helper) });
          } finally {
            helper.release();
          }
        }
        // After a large import the planner needs fresh statistics to pick the search indexes.
        else if (indexedCount >= ANALYZE_AFTER) await control.query('analyze fhir_search_values, fhir_resources');
        // The batches' WAL on disk before the import is reported done (the statements above flush it too).
        if (committed > 0) await control.query(FLUSH);
      } finally {
        await pool.end().catch(() => {});
        await control.end().catch(() => {});
      }
    },
  };
}

function keyOf(p: Prepared): string {
  return `${p.resource.resourceType}/${p.resource.id}`;
}
