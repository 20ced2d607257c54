import type { BundleEntry } from 'fhir/r4.js';
import { operationOutcome } from '../operation-outcome.js';
import type { WriteResult } from './engine.js';
import type { PreferReturn } from './headers.js';

/**
 * How a write is answered (https://hl7.org/fhir/R4/http.html#ops): Location (with the version),
 * ETag `W/"n"` and Last-Modified, and a body as `Prefer: return=` asks: the resource
 * (representation, the default), nothing (minimal) or an OperationOutcome saying what happened.
 * A delete answers 204 with no body, or 200 with the OperationOutcome when asked for one.
 */
export interface WriteAnswer {
  readonly status: 200 | 201 | 204;
  readonly headers: Record<string, string>;
  /** JSON text, or undefined for no body. */
  readonly body: string | undefined;
}

export function writeAnswer(base: string, r: WriteResult, prefer: PreferReturn): WriteAnswer {
  const headers: Record<string, string> = {};
  const s = r.stored;
  if (s) {
    headers.ETag = `W/"${s.versionId}"`;
    headers['Last-Modified'] = new Date(s.lastUpdated).toUTCString();
    if (r.interaction !== 'delete') headers.Location = `${base}/${s.resourceType}/${s.id}/_history/${s.versionId}`;
  }
  const outcome = () => JSON.stringify(operationOutcome('informational', r.message, { severity: 'information' }));
  if (r.interaction === 'delete')
    return prefer === 'OperationOutcome'
      ? { status: 200, headers, body: outcome() }
      : { status: 204, headers, body: undefined };
  const status = r.status === 204 ? 200 : r.status;
  if (prefer === 'minimal') return { status, headers, body: undefined };
  if (prefer === 'OperationOutcome') return { status, headers, body: outcome() };
  return { status, headers, body: s ? JSON.stringify(s.resource) : undefined };
}

/** A Bundle response entry: status, location, etag, lastModified; the resource or outcome as Prefer asks. */
export function entryResponse(base: string, r: WriteResult, prefer: PreferReturn): BundleEntry {
  const s = r.stored;
  const status = r.interaction === 'delete' ? 204 : r.status === 204 ? 200 : r.status;
  const entry: BundleEntry = {
    ...(s && r.interaction !== 'delete' ? { fullUrl: `${base}/${s.resourceType}/${s.id}` } : {}),
    response: {
      status: `${status} ${status === 201 ? 'Created' : status === 204 ? 'No Content' : 'OK'}`,
      ...(s && r.interaction !== 'delete' ? { location: `${s.resourceType}/${s.id}/_history/${s.versionId}` } : {}),
      ...(s ? { etag: `W/"${s.versionId}"`, lastModified: s.lastUpdated } : {}),
      ...(prefer === 'OperationOutcome'
        ? { outcome: operationOutcome('informational', r.message, { severity: 'information' }) }
        : {}),
    },
  };
  if (prefer === 'representation' && s && r.interaction !== 'delete')
    return { ...entry, resource: s.resource as unknown as BundleEntry['resource'] };
  return entry;
}
