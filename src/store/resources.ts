import * as crypto from 'node:crypto';
import type { Sql } from '../core/index.js';
import { invalid, MedSeekError } from '../core/index.js';
import { indexResource, withoutVersionMeta } from './resource-index.js';
import type {
  FhirResource,
  PutOutcome,
  PutResult,
  ResourceRepository,
  SearchQuery,
  SearchResult,
  StoredResource,
} from './resource-store.js';
import { buildWhere, orderBy } from './search-sql.js';

/**
 * The FHIR resource store over `fhir_resources` (current versions) and `fhir_resource_history`
 * (superseded ones), on either backend. Writes go in batches: one statement upserts a whole batch
 * with `unnest`, moves superseded versions to history and reports per resource whether it was
 * created, updated or unchanged (identical content, compared by hash, makes no new version).
 */
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const TYPE = /^[A-Z][A-Za-z]{1,63}$/;
/** Rows per statement, and the JSON text per statement, before a batch is split. */
const MAX_ROWS = 1000;
const MAX_CHARS = 16 * 1024 * 1024;
export const SEP = '\u001f';

/** A row of `fhir_resources` or `fhir_resource_history` as read (toStored makes it a StoredResource). */
export interface ResourceRow {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: Date | string;
  patient_id: string | null;
  deleted: boolean;
  resource: Record<string, unknown>;
}

const COLUMNS = 'resource_type, id, version_id, last_updated, patient_id, deleted, resource';

/**
 * One statement per batch. The rows arrive as one JSON array parameter (parsed once by the server:
 * faster than `unnest` over text arrays, which the server must unescape and then parse again).
 * `old` reads the current versions; changed ones are copied to history; the upsert skips rows
 * whose content is unchanged; the final select reports each row's outcome. "Unchanged" is an equal
 * hash of the JSON text (the common case, cheap) or, failing that, equal JSONB (which ignores key
 * order and whitespace, so a re-ordered but identical resource makes no new version either).
 */
const JSON_INPUT = `select x->>'t' as resource_type, x->>'i' as id, x->>'h' as content_hash, x->>'p' as patient_id,
    string_to_array(x->>'c', chr(31)) as codes, string_to_array(x->>'d', chr(31)) as identifiers,
    (x->>'s')::timestamptz as date_start, (x->>'e')::timestamptz as date_end, x->'r' as resource
  from jsonb_array_elements($1::jsonb) x`;

/**
 * The merge of a batch of new versions into the store in one statement: `input` is a query with the
 * input columns (the JSON array parameter here, the COPY staging table in copy.ts), `now` the
 * parameter holding the time written.
 */
export function mergeStatement(input: string, now: string): string {
  return `
with input as (
  ${input}
),
old as (
  select r.resource_type, r.id, r.version_id, r.last_updated, r.deleted,
    (r.content_hash <> i.content_hash and r.resource <> i.resource) or r.deleted as changed
  from fhir_resources r join input i on r.resource_type = i.resource_type and r.id = i.id
),
moved as (
  insert into fhir_resource_history (resource_type, id, version_id, last_updated, deleted, patient_id, resource)
  select r.resource_type, r.id, r.version_id, r.last_updated, r.deleted, r.patient_id, r.resource
  from fhir_resources r join old o on r.resource_type = o.resource_type and r.id = o.id
  where o.changed
),
up as (
  insert into fhir_resources (resource_type, id, version_id, last_updated, deleted, content_hash, patient_id, codes, identifiers, date_start, date_end, resource)
  select resource_type, id, 1, ${now}::timestamptz, false, content_hash, patient_id, codes, identifiers, date_start, date_end, resource
  from input
  on conflict (resource_type, id) do update set
    version_id = fhir_resources.version_id + 1, last_updated = excluded.last_updated, deleted = false,
    content_hash = excluded.content_hash, patient_id = excluded.patient_id, codes = excluded.codes,
    identifiers = excluded.identifiers, date_start = excluded.date_start, date_end = excluded.date_end,
    resource = excluded.resource
  where (fhir_resources.content_hash <> excluded.content_hash and fhir_resources.resource <> excluded.resource) or fhir_resources.deleted
  returning resource_type, id, version_id, last_updated
)
select i.resource_type, i.id,
  coalesce(u.version_id, o.version_id) as version_id,
  coalesce(u.last_updated, o.last_updated) as last_updated,
  case when u.id is null then 'unchanged' when o.id is null then 'created' else 'updated' end as outcome
from input i
  left join up u on u.resource_type = i.resource_type and u.id = i.id
  left join old o on o.resource_type = i.resource_type and o.id = i.id`;
}

const UPSERT = mergeStatement(JSON_INPUT, '$2');

export function createResourceRepository(sql: Sql): ResourceRepository {
  const state: WriteState = { existing: 0 };
  const repo: ResourceRepository = {
    async put(resource, tx) {
      const [result] = await repo.putMany([resource], tx);
      return result!;
    },

    async putMany(resources, tx) {
      if (resources.length === 0) return [];
      const prepared = prepareWrite(resources);
      const batches = chunk(prepared);
      const run = async (db: Sql): Promise<PutResult[]> => {
        const out: PutResult[] = [];
        for (const batch of batches) out.push(...(await upsert(db, batch, state)));
        return out;
      };
      const db = tx ?? sql;
      return batches.length === 1 ? run(db) : db.transaction(run);
    },

    async delete(resourceType, id, tx) {
      const db = tx ?? sql;
      return db.transaction(async (t) => {
        const { rows } = await t.query<ResourceRow>(
          `select ${COLUMNS} from fhir_resources where resource_type = $1 and id = $2 for update`,
          [resourceType, id],
        );
        const current = rows[0];
        if (!current || current.deleted) return undefined;
        await t.query(
          `insert into fhir_resource_history (resource_type, id, version_id, last_updated, deleted, patient_id, resource)
           select resource_type, id, version_id, last_updated, deleted, patient_id, resource from fhir_resources where resource_type = $1 and id = $2`,
          [resourceType, id],
        );
        const updated = await t.query<ResourceRow>(
          `update fhir_resources set deleted = true, version_id = version_id + 1, last_updated = $3::timestamptz
           where resource_type = $1 and id = $2 returning ${COLUMNS}`,
          [resourceType, id, new Date().toISOString()],
        );
        return toStored(updated.rows[0]!);
      });
    },

    async findByIdentifier(resourceType, identifiers, tx) {
      if (identifiers.length === 0) return undefined;
      const { rows } = await (tx ?? sql).query<{ id: string }>(
        'select id from fhir_resources where resource_type = $1 and cardinality(identifiers) > 0 and identifiers && $2::text[] and not deleted order by id limit 1',
        [resourceType, [...identifiers]],
      );
      return rows[0]?.id;
    },

    async read(resourceType, id, options = {}) {
      // `for update` holds the row until the caller's transaction ends (version-aware writes).
      const lock = options.lock ? ' for update' : '';
      const { rows } = await (options.tx ?? sql).query<ResourceRow>(
        `select ${COLUMNS} from fhir_resources where resource_type = $1 and id = $2${lock}`,
        [resourceType, id],
      );
      return rows[0] ? toStored(rows[0]) : undefined;
    },

    async vread(resourceType, id, versionId) {
      const { rows } = await sql.query<ResourceRow>(
        `select ${COLUMNS} from fhir_resources where resource_type = $1 and id = $2 and version_id = $3
         union all
         select ${COLUMNS} from fhir_resource_history where resource_type = $1 and id = $2 and version_id = $3`,
        [resourceType, id, versionId],
      );
      return rows[0] ? toStored(rows[0]) : undefined;
    },

    async history(resourceType, id) {
      const { rows } = await sql.query<ResourceRow>(
        `select ${COLUMNS} from fhir_resources where resource_type = $1 and id = $2
         union all
         select ${COLUMNS} from fhir_resource_history where resource_type = $1 and id = $2
         order by version_id desc`,
        [resourceType, id],
      );
      return rows.map(toStored);
    },

    async search(resourceType, query: SearchQuery, tx?: Sql): Promise<SearchResult> {
      const db = tx ?? sql;
      const where = buildWhere(resourceType, query);
      const count = query.count ?? 20;
      const offset = query.offset ?? 0;
      const total = await db.query<{ n: number | string }>(
        `select count(*) as n from fhir_resources where ${where.text}`,
        where.params,
      );
      const n = Number(total.rows[0]?.n ?? 0);
      if (count === 0 || offset >= n) return { total: n, entries: [] };
      const page = await db.query<ResourceRow>(
        `select ${COLUMNS} from fhir_resources where ${where.text} order by ${orderBy(query.sort)} limit ${Number(count)} offset ${Number(offset)}`,
        where.params,
      );
      return { total: n, entries: page.rows.map(toStored) };
    },

    async everything(patientId) {
      const { rows } = await sql.query<ResourceRow>(
        `select ${COLUMNS} from fhir_resources where patient_id = $1 and not deleted
         order by (resource_type <> 'Patient'), resource_type, date_start nulls last, id`,
        [patientId],
      );
      return rows.map(toStored);
    },
  };
  return repo;
}

export interface Prepared {
  readonly resource: FhirResource;
  readonly hash: string;
  readonly json: string;
  readonly index: ReturnType<typeof indexResource>;
}

/** A write's resources prepared, refused whole when one resource appears twice (one version each per write). */
export function prepareWrite(resources: readonly FhirResource[]): Prepared[] {
  const prepared = resources.map((r, i) => prepare(r, resources.length > 1 ? i : undefined));
  const seen = new Set<string>();
  for (const p of prepared) {
    const key = `${p.resource.resourceType}/${p.resource.id}`;
    if (seen.has(key))
      throw new MedSeekError('conflict', `${key} appears twice in one write`, { entry: key, field: 'id' });
    seen.add(key);
  }
  return prepared;
}

export function prepare(input: FhirResource, position: number | undefined): Prepared {
  const where = position === undefined ? undefined : `resources[${position}]`;
  if (!input || typeof input !== 'object' || typeof input.resourceType !== 'string' || !TYPE.test(input.resourceType)) {
    throw invalid('resourceType is missing or not a FHIR resource type', { where, field: 'resourceType' });
  }
  if (typeof input.id !== 'string' || !ID.test(input.id)) {
    throw invalid(`id is missing or not a FHIR id ([A-Za-z0-9-.]{1,64})`, {
      where,
      entry: input.resourceType,
      field: `${input.resourceType}.id`,
    });
  }
  const resource = withoutVersionMeta(input);
  const json = JSON.stringify(resource);
  return { resource, hash: sha256(json), json, index: indexResource(resource) };
}

/** Base64 SHA-256 of the JSON text; one call where Node has `crypto.hash` (20.12+), not a Hash object per resource. */
const sha256: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'base64')
    : (text) => crypto.createHash('sha256').update(text).digest('base64');

function chunk(items: readonly Prepared[]): Prepared[][] {
  const out: Prepared[][] = [];
  let current: Prepared[] = [];
  let chars = 0;
  for (const p of items) {
    if (current.length >= MAX_ROWS || (current.length > 0 && chars + p.json.length > MAX_CHARS)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(p);
    chars += p.json.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * New resources are the common case of an import: they go in with a lean insert first (no joins,
 * no history), and only those that already exist take the full upsert. Once most of a batch turns
 * out to exist (a re-import), later batches go straight to the upsert.
 */
const INSERT_NEW = `
insert into fhir_resources (resource_type, id, version_id, last_updated, deleted, content_hash, patient_id, codes, identifiers, date_start, date_end, resource)
select x->>'t', x->>'i', 1, $2::timestamptz, false, x->>'h', x->>'p',
  string_to_array(x->>'c', chr(31)), string_to_array(x->>'d', chr(31)),
  (x->>'s')::timestamptz, (x->>'e')::timestamptz, x->'r'
from jsonb_array_elements($1::jsonb) x
on conflict (resource_type, id) do nothing
returning resource_type, id`;

interface WriteState {
  /** Share of the last batch that already existed. */
  existing: number;
}

export interface OutcomeRow {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: Date | string;
  outcome: PutOutcome;
}

async function upsert(db: Sql, batch: readonly Prepared[], state: WriteState): Promise<PutResult[]> {
  const now = new Date().toISOString();
  const keyOf = (p: Prepared) => `${p.resource.resourceType}/${p.resource.id}`;
  const byKey = new Map<string, OutcomeRow>();
  const write = async (tx: Sql): Promise<void> => {
    let rest: readonly Prepared[] = batch;
    if (state.existing < 0.5) {
      const { rows } = await tx.query<{ resource_type: string; id: string }>(INSERT_NEW, [
        `[${batch.map(rowJson).join(',')}]`,
        now,
      ]);
      for (const r of rows)
        byKey.set(`${r.resource_type}/${r.id}`, { ...r, version_id: 1, last_updated: now, outcome: 'created' });
      rest = batch.filter((p) => !byKey.has(keyOf(p)));
    }
    state.existing = rest.length / batch.length;
    if (rest.length === 0) return;
    const { rows } = await tx.query<OutcomeRow>(UPSERT, [`[${rest.map(rowJson).join(',')}]`, now]);
    for (const r of rows) byKey.set(`${r.resource_type}/${r.id}`, r);
  };
  // Two statements may be needed: together they are one transaction.
  if (state.existing < 0.5) await db.transaction(write);
  else await write(db);
  return batch.map((p) => {
    const r = byKey.get(keyOf(p));
    if (!r) throw new MedSeekError('internal', `no result for ${keyOf(p)}`);
    const stored = toStored({
      resource_type: r.resource_type,
      id: r.id,
      version_id: r.version_id,
      last_updated: r.last_updated,
      patient_id: p.index.patientId,
      deleted: false,
      resource: p.resource,
    });
    return { outcome: r.outcome, stored };
  });
}

/** One input row as JSON text, the resource's own JSON spliced in as is. */
function rowJson(p: Prepared): string {
  const { patientId, codes, identifiers, dateStart, dateEnd } = p.index;
  const head = JSON.stringify({
    t: p.resource.resourceType,
    i: p.resource.id,
    h: p.hash,
    p: patientId,
    c: codes.join(SEP),
    d: identifiers.join(SEP),
    s: dateStart,
    e: dateEnd,
  });
  return `${head.slice(0, -1)},"r":${p.json}}`;
}

export function toStored(row: ResourceRow): StoredResource {
  const lastUpdated = new Date(row.last_updated).toISOString();
  const versionId = Number(row.version_id);
  const { resourceType: _t, id: _i, meta, ...rest } = row.resource as FhirResource;
  const resource = {
    resourceType: row.resource_type,
    id: row.id,
    meta: { ...(meta ?? {}), versionId: String(versionId), lastUpdated },
    ...rest,
  } as FhirResource;
  return {
    resourceType: row.resource_type,
    id: row.id,
    versionId,
    lastUpdated,
    ...(row.patient_id ? { patientId: row.patient_id } : {}),
    deleted: row.deleted,
    resource,
  };
}

/**
 * The store as an import sink (the shape `ingest`'s IngestSink expects, matched structurally so
 * that store need not import ingest): an atomic write is one database transaction.
 */
export function resourceSink(sql: Sql): {
  write(resources: readonly FhirResource[], options: { readonly atomic: boolean }): Promise<PutOutcome[]>;
  findByIdentifier(resourceType: string, identifiers: readonly string[]): Promise<string | undefined>;
} {
  const repo = createResourceRepository(sql);
  return {
    async write(resources, { atomic }) {
      const results = atomic
        ? await sql.transaction((tx) => repo.putMany(resources, tx))
        : await repo.putMany(resources);
      return results.map((r) => r.outcome);
    },
    findByIdentifier: (resourceType, identifiers) => repo.findByIdentifier(resourceType, identifiers),
  };
}
