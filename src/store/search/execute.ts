import type { Sql } from '../../core/index.js';
import type { StoredResource } from '../resource-store.js';
import { type ResourceRow, toStored } from '../resources.js';
import { buildSearchWhere } from '../search-sql.js';
import { refreshSearchIndex } from './index-queue.js';
import type { FhirSearch, IncludeSpec } from './query.js';

/** Most resources `_include`/`_revinclude` add to one page, and rounds of `:iterate`. */
export const MAX_INCLUDED = 1000;
export const MAX_ITERATIONS = 3;

export interface SearchOutcome {
  /** Undefined when `_total=none`. */
  readonly total?: number;
  readonly matches: readonly StoredResource[];
  /** Resources `_include`/`_revinclude` brought in (search mode `include`), never a match again. */
  readonly included: readonly StoredResource[];
  /** True when includes stopped at MAX_INCLUDED. */
  readonly includeTruncated: boolean;
}

const COLUMNS = 'r.resource_type, r.id, r.version_id, r.last_updated, r.patient_id, r.deleted, r.resource';

/** Runs a FHIR search: the index brought up to date, the count, the page, then its includes. */
export async function runFhirSearch(sql: Sql, resourceType: string, search: FhirSearch): Promise<SearchOutcome> {
  await refreshSearchIndex(sql);
  const where = buildSearchWhere(resourceType, search);
  const count = async () => {
    const { rows } = await sql.query<{ n: number | string }>(
      `select count(*) as n from fhir_resources r where ${where.text}`,
      where.params,
    );
    return Number(rows[0]?.n ?? 0);
  };
  if (search.count === 0) {
    const total = search.total === 'none' ? undefined : await count();
    return { ...(total !== undefined ? { total } : {}), matches: [], included: [], includeTruncated: false };
  }
  // The total comes with the page (a window count over every match): one round trip, not two.
  const counted = search.total !== 'none';
  const page = await sql.query<ResourceRow & { total?: number | string }>(
    `select ${COLUMNS}${counted ? ', count(*) over () as total' : ''} from fhir_resources r where ${where.text}
     order by ${where.orderBy} limit ${Number(search.count)} offset ${Number(search.offset)}`,
    where.params,
  );
  // A page past the end has no row to carry the total.
  const total = !counted
    ? undefined
    : page.rows.length > 0
      ? Number(page.rows[0]!.total)
      : search.offset > 0
        ? await count()
        : 0;
  const matches = page.rows.map(toStored);
  const { included, truncated } = await includes(sql, matches, search);
  return { ...(total !== undefined ? { total } : {}), matches, included, includeTruncated: truncated };
}

async function includes(
  sql: Sql,
  matches: readonly StoredResource[],
  search: FhirSearch,
): Promise<{ included: StoredResource[]; truncated: boolean }> {
  const seen = new Set(matches.map(key));
  const included: StoredResource[] = [];
  if (search.include.length === 0 && search.revinclude.length === 0) return { included, truncated: false };
  let frontier: readonly StoredResource[] = matches;
  for (let round = 0; round < MAX_ITERATIONS && frontier.length > 0; round++) {
    const found: StoredResource[] = [];
    const take = (rows: ResourceRow[]) => {
      for (const row of rows) {
        const s = toStored(row);
        if (seen.has(key(s))) continue;
        seen.add(key(s));
        found.push(s);
      }
    };
    // The first round starts from the matches; later rounds only for `:iterate`, from what the last one added.
    const active = (specs: readonly IncludeSpec[]) => specs.filter((s) => round === 0 || s.iterate);
    for (const spec of active(search.include)) {
      const ids = frontier.filter((s) => s.resourceType === spec.source).map((s) => s.id);
      if (ids.length === 0) continue;
      const { rows } = await sql.query<ResourceRow>(
        `select distinct on (r.resource_type, r.id) ${COLUMNS} from fhir_search_values v
         join fhir_resources r on r.resource_type = v.ref_type and r.id = v.ref_id and not r.deleted
         where v.resource_type = $1 and v.id = any($2::text[]) and v.param = $3
           ${spec.target ? 'and v.ref_type = $4' : ''}
         limit ${MAX_INCLUDED + 1}`,
        [spec.source, ids, spec.param, ...(spec.target ? [spec.target] : [])],
      );
      take(rows);
    }
    for (const spec of active(search.revinclude)) {
      const byType = new Map<string, string[]>();
      for (const s of frontier) {
        if (spec.target && s.resourceType !== spec.target) continue;
        byType.set(s.resourceType, [...(byType.get(s.resourceType) ?? []), s.id]);
      }
      for (const [type, ids] of byType) {
        const { rows } = await sql.query<ResourceRow>(
          `select distinct on (r.resource_type, r.id) ${COLUMNS} from fhir_search_values v
           join fhir_resources r on r.resource_type = v.resource_type and r.id = v.id and not r.deleted
           where v.resource_type = $1 and v.param = $2 and v.ref_type = $3 and v.ref_id = any($4::text[])
           limit ${MAX_INCLUDED + 1}`,
          [spec.source, spec.param, type, ids],
        );
        take(rows);
      }
    }
    included.push(...found);
    if (included.length > MAX_INCLUDED) return { included: included.slice(0, MAX_INCLUDED), truncated: true };
    frontier = found;
  }
  return { included, truncated: false };
}

const key = (s: { resourceType: string; id: string }) => `${s.resourceType}/${s.id}`;
