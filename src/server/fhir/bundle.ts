import type { Bundle, BundleEntry, BundleLink, FhirResource as R4Resource } from 'fhir/r4.js';
import type { StoredResource } from '../../store/index.js';

/**
 * Bundles the FHIR API returns: `searchset` (search, $everything) with `total`, `fullUrl`,
 * `search.mode` and offset paging links (https://hl7.org/fhir/R4/http.html#paging: the server
 * chooses the link format; MedSeek's are plain `_count`/`_offset` searches, so they stay valid
 * across processes and restarts), and `history` for an instance's versions.
 */
export interface PageInfo {
  /** Absolute URL of the search without paging parameters, e.g. `http://h/fhir/Observation`. */
  readonly url: string;
  /** The search parameters to repeat in every link (no `_count`/`_offset`). */
  readonly echo: readonly (readonly [string, string])[];
  readonly count: number;
  readonly offset: number;
  readonly total: number;
}

export function fullUrl(base: string, r: { resourceType: string; id: string }): string {
  return `${base}/${r.resourceType}/${r.id}`;
}

export function searchsetBundle(base: string, page: PageInfo, entries: readonly StoredResource[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: page.total,
    link: pageLinks(page),
    entry: entries.map(
      (e): BundleEntry => ({
        fullUrl: fullUrl(base, e),
        resource: e.resource as unknown as R4Resource,
        search: { mode: 'match' },
      }),
    ),
  };
}

export function pageLinks(page: PageInfo): BundleLink[] {
  const link = (relation: string, offset: number): BundleLink => {
    const u = new URL(page.url);
    for (const [k, v] of page.echo) u.searchParams.append(k, v);
    u.searchParams.set('_count', String(page.count));
    if (offset > 0) u.searchParams.set('_offset', String(offset));
    return { relation, url: u.toString() };
  };
  const links = [link('self', page.offset)];
  if (page.count > 0) {
    links.push(link('first', 0));
    if (page.offset > 0) links.push(link('previous', Math.max(page.offset - page.count, 0)));
    if (page.offset + page.count < page.total) links.push(link('next', page.offset + page.count));
    links.push(link('last', page.total > 0 ? Math.floor((page.total - 1) / page.count) * page.count : 0));
  }
  return links;
}

/** An instance's versions, newest first (https://hl7.org/fhir/R4/http.html#history). */
export function historyBundle(base: string, selfUrl: string, versions: readonly StoredResource[]): Bundle {
  const sorted = [...versions].sort((a, b) => b.versionId - a.versionId);
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: sorted.length,
    link: [{ relation: 'self', url: selfUrl }],
    entry: sorted.map((v): BundleEntry => {
      const url = `${v.resourceType}/${v.id}`;
      return {
        fullUrl: fullUrl(base, v),
        ...(v.deleted ? {} : { resource: v.resource as unknown as R4Resource }),
        request: {
          method: v.deleted ? 'DELETE' : v.versionId === 1 ? 'POST' : 'PUT',
          url: v.deleted || v.versionId > 1 ? url : v.resourceType,
        },
        response: {
          status: v.deleted ? '410' : v.versionId === 1 ? '201' : '200',
          etag: `W/"${v.versionId}"`,
          lastModified: v.lastUpdated,
        },
      };
    }),
  };
}
