import type { Lang, Sql } from '../core/index.js';
import { invalid, newId } from '../core/index.js';
import { BatchBuilder } from './batch.js';
import type { ConceptType, RelationType } from './model.js';
import { KnowledgeGraph } from './queries.js';
import { activeReleaseId, releaseWithBatch, writeBatch } from './releases.js';

/**
 * A hospital curator's edit: relations added, relations overridden (new attributes or a new
 * target, with the curator's source), relations retracted. Each edit is a batch of its own and
 * makes a new release (base + edit), so releases stay immutable and every conclusion can name the
 * release it used; `curationHistory` lists every edit with who, when and why.
 */
export interface CurationEdit {
  readonly author: string;
  readonly reason: string;
  /** The local guideline or decision that asserts the change. */
  readonly source: {
    readonly id: string;
    readonly name: string;
    readonly document?: string;
    readonly version?: string;
    readonly url?: string;
    readonly date?: string;
    readonly licence?: string;
  };
  readonly concepts?: readonly {
    readonly id: string;
    readonly type: ConceptType;
    readonly en?: string;
    readonly zh?: string;
    readonly synonyms?: readonly { term: string; lang: Lang }[];
  }[];
  readonly add?: readonly {
    readonly type: RelationType;
    readonly from: string;
    readonly to?: string;
    readonly attrs?: Record<string, unknown>;
  }[];
  readonly override?: readonly {
    readonly relationId: string;
    readonly attrs?: Record<string, unknown>;
    readonly to?: string;
  }[];
  readonly retract?: readonly string[];
}

export async function curate(
  sql: Sql,
  edit: CurationEdit,
  options: { readonly base?: number; readonly activate?: boolean } = {},
): Promise<{ releaseId: number; batchId: number; relationIds: string[] }> {
  if (!edit.author?.trim()) throw invalid('author is required', { field: 'author' });
  if (!edit.reason?.trim()) throw invalid('reason is required', { field: 'reason' });
  if (!edit.add?.length && !edit.override?.length && !edit.retract?.length)
    throw invalid('nothing to change: give add, override or retract', { field: 'add' });
  const active = await activeReleaseId(sql);
  const base = options.base ?? active;
  if (base === undefined) throw invalid('no release to edit: import or activate one first', { field: 'base' });
  const kg = new KnowledgeGraph(sql);
  const b = new BatchBuilder();
  const src = b.source({ ...edit.source, id: `local:${edit.source.id}`, shippable: true });
  for (const c of edit.concepts ?? []) b.concept(c.id, c.type, { en: c.en, zh: c.zh }, { synonyms: c.synonyms ?? [] });
  const ids: string[] = [];
  const stamp = new Date().toISOString();
  for (const [i, a] of (edit.add ?? []).entries()) {
    const known = await kg.concepts([a.from, ...(a.to ? [a.to] : [])], { release: base });
    for (const id of [a.from, a.to])
      if (id && !known.has(id) && !b.concepts.has(id)) throw invalid(`unknown concept '${id}'`, { where: `add[${i}]` });
    ids.push(b.relation(a.type, a.from, a.to, src, { ...(a.attrs ?? {}), curatedBy: edit.author, curatedAt: stamp }));
  }
  for (const [i, o] of (edit.override ?? []).entries()) {
    const orig = await kg.relation(o.relationId, { release: base });
    if (!orig)
      throw invalid(`relation '${o.relationId}' is not in release ${base}`, {
        where: `override[${i}]`,
        field: 'relationId',
      });
    ids.push(
      b.relation(
        orig.type,
        orig.from,
        o.to ?? orig.to,
        src,
        { ...orig.attrs, ...(o.attrs ?? {}), curatedBy: edit.author, curatedAt: stamp, replacesSource: orig.source.id },
        { overrides: orig.id },
      ),
    );
  }
  for (const [i, id] of (edit.retract ?? []).entries()) {
    const orig = await kg.relation(id, { release: base });
    if (!orig) throw invalid(`relation '${id}' is not in release ${base}`, { where: `retract[${i}]` });
    ids.push(
      b.relation(
        orig.type,
        orig.from,
        orig.to,
        src,
        { curatedBy: edit.author, curatedAt: stamp, retractedSource: orig.source.id },
        { overrides: orig.id, retracted: true },
      ),
    );
  }
  const batch = b.build({
    kind: 'curation',
    key: 'curation',
    contentHash: newId(),
    author: edit.author,
    reason: edit.reason,
    external: true,
  });
  const written = await writeBatch(sql, batch);
  const release = await releaseWithBatch(sql, written.batchId, {
    base,
    activate: options.activate ?? base === active,
    label: `curation by ${edit.author}: ${edit.reason}`,
  });
  return { releaseId: release.releaseId, batchId: written.batchId, relationIds: ids };
}

export interface CurationRecord {
  readonly batchId: number;
  readonly author: string;
  readonly reason: string;
  readonly at: string;
  readonly relations: readonly {
    readonly id: string;
    readonly type: string;
    readonly from: string;
    readonly to?: string;
    readonly overrides?: string;
    readonly retracted: boolean;
    readonly attrs: Record<string, unknown>;
  }[];
  /** Releases that contain this edit. */
  readonly releases: readonly number[];
}

/** Every curator edit ever made, oldest first (edits are never deleted). */
export async function curationHistory(sql: Sql): Promise<CurationRecord[]> {
  const batches = await sql.query<{ id: number; author: string; reason: string; created_at: Date | string }>(
    `select id, author, reason, created_at from kg_batch where kind = 'curation' order by id`,
  );
  const out: CurationRecord[] = [];
  for (const b of batches.rows) {
    const rels = await sql.query<{
      id: string;
      type: string;
      from_id: string;
      to_id: string | null;
      overrides: string | null;
      retracted: boolean;
      attrs: Record<string, unknown>;
    }>(
      'select id, type, from_id, to_id, overrides, retracted, attrs from kg_relation where batch_id = $1 order by id',
      [b.id],
    );
    const rel = await sql.query<{ id: number }>('select id from kg_release where $1 = any(batch_ids) order by id', [
      b.id,
    ]);
    out.push({
      batchId: Number(b.id),
      author: b.author,
      reason: b.reason,
      at: new Date(b.created_at).toISOString(),
      relations: rels.rows.map((r) => ({
        id: r.id,
        type: r.type,
        from: r.from_id,
        ...(r.to_id ? { to: r.to_id } : {}),
        ...(r.overrides ? { overrides: r.overrides } : {}),
        retracted: r.retracted,
        attrs: r.attrs,
      })),
      releases: rel.rows.map((r) => Number(r.id)),
    });
  }
  return out;
}
