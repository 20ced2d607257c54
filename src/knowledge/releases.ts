import type { Sql } from '../core/index.js';
import { MedSeekError, notFound } from '../core/index.js';
import type { BatchData } from './batch.js';
import { normalizeTerm } from './batch.js';
import type { ReleaseInfo } from './model.js';

/** The `medseek_settings` key holding the active release id. */
export const ACTIVE_RELEASE_SETTING = 'knowledge.activeRelease';

/** Rows per multi-row insert (arrays through `unnest`, one round trip each). */
const CHUNK = 5000;

export type ProgressFn = (done: number, total: number, phase: string) => void;

export interface WriteResult {
  readonly batchId: number;
  /** false when an identical batch (same kind and content) was already stored and reused. */
  readonly created: boolean;
}

/**
 * Stores a batch unless the same kind and content is already stored (idempotent). All or nothing:
 * one transaction.
 */
export async function writeBatch(sql: Sql, batch: BatchData, progress?: ProgressFn): Promise<WriteResult> {
  const existing = await storedBatchId(sql, batch);
  if (existing !== undefined) return { batchId: existing, created: false };
  return sql.transaction(async (tx) => ({ batchId: await insertBatch(tx, batch, progress), created: true }));
}

/** The id of the stored batch with the same kind and content, if any. */
export async function storedBatchId(sql: Sql, batch: BatchData): Promise<number | undefined> {
  const r = await sql.query<{ id: number }>('select id from kg_batch where kind = $1 and content_hash = $2', [
    batch.kind,
    batch.contentHash,
  ]);
  return r.rows[0] ? Number(r.rows[0].id) : undefined;
}

/**
 * Inserts a batch's rows (sources upserted) and returns its new id; `tx` must be a transaction. Each table is
 * written with multi-row inserts of `CHUNK` rows (arrays through `unnest`: one round trip per chunk).
 */
export async function insertBatch(tx: Sql, batch: BatchData, progress?: ProgressFn): Promise<number> {
  for (const s of batch.sources) {
    await tx.query(
      `insert into kg_source (id, name, document, version, url, licence, date, note, shippable)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (id) do update set name = excluded.name, document = excluded.document, version = excluded.version,
         url = excluded.url, licence = excluded.licence, date = excluded.date, note = excluded.note, shippable = excluded.shippable`,
      [
        s.id,
        s.name,
        s.document ?? null,
        s.version ?? null,
        s.url ?? null,
        s.licence ?? null,
        s.date ?? null,
        s.note ?? null,
        s.shippable,
      ],
    );
  }
  const terms = batch.concepts.flatMap((c) => [...c.terms.values()].map((t) => ({ c: c.id, ...t })));
  const codes = batch.concepts.flatMap((c) => [...c.codes.values()].map((k) => ({ c: c.id, ...k })));
  const counts = {
    concepts: batch.concepts.length,
    terms: terms.length,
    codes: codes.length,
    relations: batch.relations.length,
  };
  const inserted = await tx.query<{ id: number }>(
    `insert into kg_batch (kind, key, content_hash, path, counts, author, reason) values ($1, $2, $3, $4, $5::jsonb, $6, $7) returning id`,
    [
      batch.kind,
      batch.key,
      batch.contentHash,
      batch.path ?? null,
      JSON.stringify(counts),
      batch.author ?? null,
      batch.reason ?? null,
    ],
  );
  const batchId = inserted.rows[0]!.id;
  const total = counts.concepts + counts.terms + counts.codes + counts.relations;
  let done = 0;
  const step = (n: number, phase: string) => {
    done += n;
    progress?.(done, total, phase);
  };
  for (const part of chunks(batch.concepts)) {
    await tx.query(
      `insert into kg_concept (batch_id, id, type, name_en, name_zh, attrs)
       select $1, id, type, en, zh, attrs::jsonb from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as t(id, type, en, zh, attrs)`,
      [
        batchId,
        part.map((c) => c.id),
        part.map((c) => c.type),
        part.map((c) => c.nameEn ?? null),
        part.map((c) => c.nameZh ?? null),
        part.map((c) => JSON.stringify(c.attrs)),
      ],
    );
    step(part.length, 'concepts');
  }
  for (const part of chunks(terms)) {
    await tx.query(
      `insert into kg_term (batch_id, concept_id, term, norm, lang, kind)
       select $1, c, term, norm, lang, kind from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as t(c, term, norm, lang, kind)`,
      [
        batchId,
        part.map((t) => t.c),
        part.map((t) => t.term),
        part.map((t) => normalizeTerm(t.term)),
        part.map((t) => t.lang),
        part.map((t) => t.kind),
      ],
    );
    step(part.length, 'names');
  }
  for (const part of chunks(codes)) {
    await tx.query(
      `insert into kg_code (batch_id, concept_id, system, code, norm)
       select $1, c, system, code, norm from unnest($2::text[], $3::text[], $4::text[], $5::text[]) as t(c, system, code, norm)`,
      [
        batchId,
        part.map((k) => k.c),
        part.map((k) => k.system),
        part.map((k) => k.code),
        part.map((k) => normalizeTerm(k.code)),
      ],
    );
    step(part.length, 'codes');
  }
  for (const part of chunks(batch.relations)) {
    await tx.query(
      `insert into kg_relation (batch_id, id, type, from_id, to_id, attrs, source_id, overrides, retracted)
       select $1, id, type, f, t, attrs::jsonb, s, o, r
       from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[]) as x(id, type, f, t, attrs, s, o, r)`,
      [
        batchId,
        part.map((r) => r.id),
        part.map((r) => r.type),
        part.map((r) => r.from),
        part.map((r) => r.to ?? null),
        part.map((r) => JSON.stringify(r.attrs)),
        part.map((r) => r.sourceId),
        part.map((r) => r.overrides ?? null),
        part.map((r) => r.retracted ?? false),
      ],
    );
    step(part.length, 'relations');
  }
  return batchId;
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}

export interface CreateReleaseOptions {
  readonly label?: string;
  /** Start from this release (default: the active one; `null`: from nothing). */
  readonly base?: number | null;
  readonly activate?: boolean;
}

/**
 * Makes the release `base + batches` (a batch with the same key as one in the base replaces it;
 * curation batches accumulate). If a release with exactly those batches exists, returns it instead
 * of making a new one (idempotent).
 */
export async function releaseWithBatch(
  sql: Sql,
  batch: number | readonly number[],
  options: CreateReleaseOptions = {},
): Promise<{ releaseId: number; created: boolean }> {
  const added = typeof batch === 'number' ? [batch] : [...batch];
  return sql.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('select pg_advisory_xact_lock(727273)');
    const batches = await tx.query<{ id: number; key: string }>(
      'select id, key from kg_batch where id = any($1::int[])',
      [added],
    );
    for (const id of added)
      if (!batches.rows.some((r) => Number(r.id) === id))
        throw notFound(`knowledge batch ${id} not found`, { field: 'batch' });
    const baseId = options.base === undefined ? await activeReleaseId(tx) : options.base;
    let baseBatches: number[] = [];
    if (baseId !== null && baseId !== undefined) {
      const base = await tx.query<{ batch_ids: number[] }>('select batch_ids from kg_release where id = $1', [baseId]);
      if (!base.rows[0]) throw notFound(`knowledge release ${baseId} not found`, { field: 'base' });
      baseBatches = base.rows[0].batch_ids.map(Number);
    }
    const keys = await tx.query<{ id: number; key: string }>('select id, key from kg_batch where id = any($1::int[])', [
      baseBatches,
    ]);
    const replaced = new Set(batches.rows.map((r) => r.key).filter((k) => k !== 'curation'));
    const kept = keys.rows.filter((r) => !replaced.has(r.key)).map((r) => Number(r.id));
    const batchIds = [...new Set([...kept, ...added])].sort((a, b) => a - b);
    const same = await tx.query<{ id: number }>(
      `select id from kg_release where batch_ids @> $1::int[] and batch_ids <@ $1::int[] and cardinality(batch_ids) = $2 order by id limit 1`,
      [batchIds, batchIds.length],
    );
    let releaseId = same.rows[0]?.id;
    const created = releaseId === undefined;
    if (releaseId === undefined) {
      const shippable = await tx.query<{ ok: boolean }>(
        `select coalesce(bool_and(s.shippable), true) as ok from kg_relation r join kg_source s on s.id = r.source_id where r.batch_id = any($1::int[])`,
        [batchIds],
      );
      const label = options.label ?? (await defaultLabel(tx, batchIds));
      const r = await tx.query<{ id: number }>(
        'insert into kg_release (label, batch_ids, base_release, shippable) values ($1, $2::int[], $3, $4) returning id',
        [label, batchIds, baseId ?? null, shippable.rows[0]?.ok ?? true],
      );
      releaseId = r.rows[0]!.id;
    }
    if (options.activate) await setActive(tx, Number(releaseId));
    return { releaseId: Number(releaseId), created };
  });
}

async function defaultLabel(sql: Sql, batchIds: readonly number[]): Promise<string> {
  const r = await sql.query<{ key: string }>('select key from kg_batch where id = any($1::int[]) order by id', [
    batchIds,
  ]);
  return [...new Set(r.rows.map((x) => x.key))].join(' + ');
}

export async function activeReleaseId(sql: Sql): Promise<number | undefined> {
  const r = await sql.query<{ value: unknown }>('select value from medseek_settings where key = $1', [
    ACTIVE_RELEASE_SETTING,
  ]);
  const v = r.rows[0]?.value;
  return typeof v === 'number' ? v : undefined;
}

async function setActive(sql: Sql, id: number): Promise<void> {
  await sql.query(
    `insert into medseek_settings (key, value, updated_at) values ($1, $2::jsonb, now())
     on conflict (key) do update set value = excluded.value, updated_at = now()`,
    [ACTIVE_RELEASE_SETTING, JSON.stringify(id)],
  );
}

/** Makes a release the active one. */
export async function activateRelease(sql: Sql, id: number): Promise<void> {
  const r = await sql.query('select 1 from kg_release where id = $1', [id]);
  if (!r.rows.length) throw notFound(`knowledge release ${id} not found`, { field: 'id' });
  await setActive(sql, id);
}

export async function listReleases(sql: Sql): Promise<ReleaseInfo[]> {
  const active = await activeReleaseId(sql);
  const rels = await sql.query<{
    id: number;
    label: string;
    batch_ids: number[];
    base_release: number | null;
    shippable: boolean;
    created_at: Date | string;
  }>('select id, label, batch_ids, base_release, shippable, created_at from kg_release order by id');
  const batches = await sql.query<{
    id: number;
    kind: string;
    key: string;
    path: string | null;
    counts: Record<string, number>;
    created_at: Date | string;
    author: string | null;
    reason: string | null;
  }>('select id, kind, key, path, counts, created_at, author, reason from kg_batch');
  const byId = new Map(batches.rows.map((b) => [Number(b.id), b]));
  return rels.rows.map((r) => ({
    id: Number(r.id),
    label: r.label,
    batches: r.batch_ids.map(Number).flatMap((id) => {
      const b = byId.get(id);
      if (!b) return [];
      return [
        {
          id,
          kind: b.kind,
          key: b.key,
          ...(b.path ? { path: b.path } : {}),
          counts: b.counts,
          createdAt: iso(b.created_at),
          ...(b.author ? { author: b.author } : {}),
          ...(b.reason ? { reason: b.reason } : {}),
        },
      ];
    }),
    ...(r.base_release !== null ? { baseRelease: Number(r.base_release) } : {}),
    shippable: r.shippable,
    active: Number(r.id) === active,
    createdAt: iso(r.created_at),
  }));
}

function iso(d: Date | string): string {
  return d instanceof Date ? d.toISOString() : new Date(d).toISOString();
}

/** The batch ids of a release (the active one when omitted). Throws when there is none. */
export async function releaseBatches(sql: Sql, release?: number): Promise<{ releaseId: number; batchIds: number[] }> {
  const id = release ?? (await activeReleaseId(sql));
  if (id === undefined)
    throw new MedSeekError(
      'not-found',
      'no active knowledge release: import one (medseek kg import …) or activate one',
      { field: 'release' },
    );
  const r = await sql.query<{ batch_ids: number[] }>('select batch_ids from kg_release where id = $1', [id]);
  if (!r.rows[0]) throw notFound(`knowledge release ${id} not found`, { field: 'release' });
  return { releaseId: id, batchIds: r.rows[0].batch_ids.map(Number) };
}
