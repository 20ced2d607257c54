import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, OperationOutcome } from 'fhir/r4.js';
import type { Sql } from '../../../core/index.js';
import { invalid, isMedSeekError, MedSeekError, shown } from '../../../core/index.js';
import type { ResourceRepository } from '../../../store/index.js';
import { outcomeForError } from '../operation-outcome.js';
import type { WriteAccess } from './access.js';
import { conditionalMatches } from './conditional.js';
import { executeWrite, type WriteRequest, type WriteResult } from './engine.js';
import { locatedAt, WriteFailure } from './failure.js';
import { conditionQuery, ifMatchVersion, type PreferReturn } from './headers.js';
import { isWritableType, PATCH_FORMATS } from './interactions.js';
import { entryResponse } from './response.js';

/**
 * Transaction and batch Bundles whose entries use the full set of write interactions
 * (https://hl7.org/fhir/R4/http.html#transaction): POST (with `ifNoneExist`), PUT (to an id or a
 * condition, with `ifMatch`), PATCH (a Binary holding a JSON Patch) and DELETE, each run by the same
 * engine as the REST routes. A transaction runs in one database transaction in FHIR's order
 * (DELETE, POST, PUT, PATCH), after ids are assigned so that `urn:uuid:` fullUrls and conditional
 * references resolve; the first failure rolls everything back and is answered with its status and
 * an OperationOutcome naming the entry. A batch runs each entry in a transaction of its own and
 * answers each with its own status.
 */
type Json = Record<string, unknown>;

/** The statuses a Bundle POST answers with: 200, or a failed transaction's. */
export type BundleStatus = 200 | 400 | 401 | 403 | 404 | 409 | 410 | 412 | 413 | 422 | 500 | 503;

interface ParsedEntry {
  readonly index: number;
  readonly where: string;
  readonly fullUrl?: string;
  readonly request: WriteRequest;
}

export interface EngineBundleResult {
  readonly status: BundleStatus;
  readonly body: Bundle | OperationOutcome;
  readonly patients: string[];
}

const ORDER: Record<WriteRequest['kind'], number> = {
  delete: 0,
  create: 1,
  update: 2,
  'conditional-update': 2,
  patch: 3,
};

/** True when a Bundle needs this engine: an entry uses more than the plain POST/PUT an import knows. */
export function needsWriteEngine(entries: readonly unknown[]): boolean {
  return entries.some((e) => {
    const req = (e as Json | null)?.request as Json | undefined;
    if (!req) return false;
    return (
      (req.method !== undefined && req.method !== 'POST' && req.method !== 'PUT') ||
      (typeof req.url === 'string' && req.url.includes('?')) ||
      req.ifMatch !== undefined ||
      req.ifNoneExist !== undefined ||
      req.ifNoneMatch !== undefined ||
      req.ifModifiedSince !== undefined
    );
  });
}

export async function runBundle(
  db: Sql,
  repo: ResourceRepository,
  access: WriteAccess,
  kind: 'transaction' | 'batch',
  entries: readonly unknown[],
  base: string,
  prefer: PreferReturn,
): Promise<EngineBundleResult> {
  if (kind === 'batch') return runBatch(db, repo, access, entries, base, prefer);
  let parsed: ParsedEntry[];
  try {
    parsed = entries.map((e, i) => parseEntry(e, i, base));
  } catch (e) {
    return failure(e);
  }
  try {
    const results = await db.transaction(async (tx) => {
      const requests = await assignIds(tx, parsed);
      const out = new Map<number, WriteResult>();
      const order = [...requests].sort((a, b) => ORDER[a.request.kind] - ORDER[b.request.kind] || a.index - b.index);
      for (const e of order) {
        try {
          out.set(e.index, await executeWrite({ repo, tx, access, where: e.where }, e.request));
        } catch (err) {
          throw locatedAt(err, e.where);
        }
      }
      return parsed.map((e) => out.get(e.index)!);
    });
    return {
      status: 200,
      body: {
        resourceType: 'Bundle',
        type: 'transaction-response',
        entry: results.map((r) => entryResponse(base, r, prefer)),
      },
      patients: [...new Set(results.flatMap((r) => r.patients))],
    };
  } catch (e) {
    return failure(e);
  }
}

async function runBatch(
  db: Sql,
  repo: ResourceRepository,
  access: WriteAccess,
  entries: readonly unknown[],
  base: string,
  prefer: PreferReturn,
): Promise<EngineBundleResult> {
  const out: BundleEntry[] = [];
  const patients = new Set<string>();
  // Batch entries are independent: each in its own transaction, in the order sent.
  for (const [i, raw] of entries.entries()) {
    try {
      const e = parseEntry(raw, i, base);
      const r = await db.transaction((tx) => executeWrite({ repo, tx, access, where: e.where }, e.request));
      for (const p of r.patients) patients.add(p);
      out.push(entryResponse(base, r, prefer));
    } catch (err) {
      const f = failure(locatedAt(err, `Bundle.entry[${i}]`));
      out.push({ response: { status: statusLine(f.status), outcome: f.body as OperationOutcome } });
    }
  }
  return { status: 200, body: { resourceType: 'Bundle', type: 'batch-response', entry: out }, patients: [...patients] };
}

/** An entry's request as a WriteRequest; anything this server does not do is a 400 naming the field. */
function parseEntry(raw: unknown, index: number, base: string): ParsedEntry {
  const where = `Bundle.entry[${index}]`;
  const bad = (message: string, field: string) => invalid(message, { where, field });
  if (!raw || typeof raw !== 'object') throw bad('the entry is not an object', 'Bundle.entry');
  const e = raw as Json;
  const req = e.request as Json | undefined;
  if (!req || typeof req !== 'object') throw bad('the entry has no request', 'Bundle.entry.request');
  const method = req.method;
  if (typeof req.url !== 'string' || req.url === '') throw bad('request.url is missing', 'Bundle.entry.request.url');
  const url = relativeUrl(req.url, base);
  const m = /^([A-Z][A-Za-z]+)(?:\/([A-Za-z0-9\-.]{1,64}))?(?:\?(.*))?$/.exec(url);
  if (!m) throw bad(`request.url '${req.url}' is not Type, Type/id or Type?search`, 'Bundle.entry.request.url');
  const [, type, id, query] = m as unknown as [string, string, string | undefined, string | undefined];
  if (!isWritableType(type)) throw bad(`${type} cannot be written through this API`, 'Bundle.entry.request.url');
  const ifMatch = ifMatchVersion(optionalString(req.ifMatch, where, 'ifMatch'), `Bundle.entry.request.ifMatch`);
  if (req.ifNoneMatch !== undefined || req.ifModifiedSince !== undefined)
    throw new MedSeekError(
      'unsupported',
      'ifNoneMatch and ifModifiedSince apply to reads, which a Bundle here does not carry',
      {
        where,
        field: 'Bundle.entry.request',
      },
    );
  const fullUrl = typeof e.fullUrl === 'string' ? e.fullUrl : undefined;
  const withUrl = (request: WriteRequest): ParsedEntry => ({ index, where, ...(fullUrl ? { fullUrl } : {}), request });
  const needsOnly = (what: string) =>
    bad(`a ${method} needs request.url '${what}', not '${req.url}'`, 'Bundle.entry.request.url');
  switch (method) {
    case 'POST': {
      if (id !== undefined || query !== undefined) throw needsOnly('Type');
      const ifNoneExist = conditionQuery(optionalString(req.ifNoneExist, where, 'ifNoneExist'));
      return withUrl({ kind: 'create', type, resource: e.resource, ...(ifNoneExist ? { ifNoneExist } : {}) });
    }
    case 'PUT':
      if (query !== undefined && id === undefined)
        return withUrl({ kind: 'conditional-update', type, query, resource: e.resource, ...opt(ifMatch) });
      if (id === undefined || query !== undefined) throw needsOnly('Type/id or Type?search');
      return withUrl({ kind: 'update', type, id, resource: withId(e.resource, id), ...opt(ifMatch) });
    case 'PATCH':
      if (id === undefined || query !== undefined) throw needsOnly('Type/id');
      return withUrl({ kind: 'patch', type, id, patch: patchOf(e.resource, where), ...opt(ifMatch) });
    case 'DELETE':
      if (id === undefined || query !== undefined)
        throw new MedSeekError('unsupported', 'conditional delete is not supported: delete by Type/id', {
          where,
          field: 'Bundle.entry.request.url',
        });
      return withUrl({ kind: 'delete', type, id, ...opt(ifMatch) });
    default:
      throw new MedSeekError(
        'unsupported',
        `request.method '${shown(method)}' is not supported in a Bundle here (POST, PUT, PATCH and DELETE are)`,
        { where, field: 'Bundle.entry.request.method' },
      );
  }
}

/** A PUT entry's resource may leave its id to request.url (as ingest allows). */
function withId(resource: unknown, id: string): unknown {
  const r = resource as Json | undefined;
  return r && typeof r === 'object' && !Array.isArray(r) && r.id === undefined ? { ...r, id } : resource;
}

const opt = (ifMatch: number | undefined) => (ifMatch === undefined ? {} : { ifMatch });

function optionalString(v: unknown, where: string, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string')
    throw invalid(`request.${name} must be a string`, { where, field: `Bundle.entry.request.${name}` });
  return v;
}

/** `Patient/1`, `/Patient/1` or `{base}/Patient/1` → `Patient/1`. */
function relativeUrl(url: string, base: string): string {
  if (url.startsWith(`${base}/`)) return url.slice(base.length + 1);
  return url.replace(/^\/+/, '');
}

/** The JSON Patch of a PATCH entry: a Binary with contentType application/json-patch+json. */
function patchOf(resource: unknown, where: string): unknown {
  const r = resource as Json | undefined;
  const field = 'Bundle.entry.resource';
  if (r?.resourceType === 'Parameters')
    throw new MedSeekError(
      'unsupported',
      'FHIRPath Patch (Parameters) is not supported: send a JSON Patch in a Binary',
      {
        where,
        field,
      },
    );
  if (r?.resourceType !== 'Binary' || !PATCH_FORMATS.includes(r.contentType as (typeof PATCH_FORMATS)[number]))
    throw invalid(`a PATCH entry carries a Binary with contentType ${PATCH_FORMATS[0]}`, { where, field });
  if (typeof r.data !== 'string')
    throw invalid('the Binary has no data (the base64 JSON Patch)', { where, field: 'Binary.data' });
  try {
    return JSON.parse(Buffer.from(r.data, 'base64').toString('utf8'));
  } catch (e) {
    throw invalid(`Binary.data is not a base64 JSON Patch: ${(e as Error).message}`, { where, field: 'Binary.data' });
  }
}

/**
 * Gives each entry its target id before anything is written, so that references between entries
 * resolve: a POST a new id (or its If-None-Exist match's), a conditional PUT its match's (or a new
 * one); then `urn:uuid:` references and conditional references (`Patient?identifier=…`) are
 * rewritten to `Type/id`.
 */
async function assignIds(tx: Sql, entries: readonly ParsedEntry[]): Promise<ParsedEntry[]> {
  const byFullUrl = new Map<string, string>();
  const targets = new Map<string, string>();
  const assigned: ParsedEntry[] = [];
  for (const e of entries) {
    const r = e.request;
    let request = r;
    let target: string | undefined;
    try {
      if (r.kind === 'create') {
        const found = r.ifNoneExist ? await conditionalMatches(tx, r.type, r.ifNoneExist, 'ifNoneExist') : [];
        const id = found.length === 1 ? found[0]!.id : randomUUID();
        request = { ...r, id };
        target = `${r.type}/${id}`;
      } else if (r.kind === 'conditional-update') {
        const found = await conditionalMatches(tx, r.type, r.query, 'Bundle.entry.request.url');
        const own =
          typeof (r.resource as Json | undefined)?.id === 'string' ? ((r.resource as Json).id as string) : undefined;
        const id = found.length === 1 ? found[0]!.id : (own ?? randomUUID());
        request = { ...r, id };
        target = `${r.type}/${id}`;
      } else target = `${r.type}/${r.id}`;
    } catch (err) {
      throw locatedAt(err, e.where);
    }
    // One resource, one entry (https://hl7.org/fhir/R4/http.html#trules): a second would depend on the order.
    const first = targets.get(target);
    if (first)
      throw new MedSeekError('conflict', `${target} is the target of ${first} too`, {
        where: e.where,
        field: 'Bundle.entry.request.url',
      });
    targets.set(target, e.where);
    if (e.fullUrl) {
      if (byFullUrl.has(e.fullUrl))
        throw new MedSeekError('conflict', `fullUrl ${e.fullUrl} is used twice`, {
          where: e.where,
          field: 'Bundle.entry.fullUrl',
        });
      byFullUrl.set(e.fullUrl, target);
    }
    assigned.push({ ...e, request });
  }
  const out: ParsedEntry[] = [];
  for (const e of assigned) {
    const r = e.request;
    if (r.kind === 'delete' || r.kind === 'patch' || !r.resource || typeof r.resource !== 'object') {
      out.push(e);
      continue;
    }
    const resource = structuredClone(r.resource) as Json;
    await resolveReferences(resource, resource.resourceType as string, byFullUrl, tx, e.where);
    out.push({ ...e, request: { ...r, resource } as WriteRequest });
  }
  return out;
}

async function resolveReferences(
  node: unknown,
  path: string,
  byFullUrl: ReadonlyMap<string, string>,
  tx: Sql,
  where: string,
): Promise<void> {
  if (Array.isArray(node)) {
    for (const item of node) await resolveReferences(item, path, byFullUrl, tx, where);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Json;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (k === 'reference' && typeof v === 'string') {
      const target = byFullUrl.get(v);
      if (target) o.reference = target;
      else if (v.startsWith('urn:'))
        throw invalid(`reference ${v} points at no entry of this Bundle`, { where, field: `${path}.reference` });
      else if (/^[A-Z][A-Za-z]+\?/.test(v)) o.reference = await conditionalReference(v, tx, `${path}.reference`);
    } else if (v && typeof v === 'object' && k !== 'contained') {
      await resolveReferences(v, `${path}.${k}`, byFullUrl, tx, where);
    }
  }
}

/** `Patient?identifier=…`: exactly one match is the target (https://hl7.org/fhir/R4/http.html#trules). */
async function conditionalReference(ref: string, tx: Sql, field: string): Promise<string> {
  const [type, query] = [ref.slice(0, ref.indexOf('?')), ref.slice(ref.indexOf('?') + 1)];
  const found = await conditionalMatches(tx, type, query, field);
  if (found.length === 1) return `${type}/${found[0]!.id}`;
  throw new WriteFailure(
    found.length === 0 ? 404 : 412,
    `the conditional reference ${ref} matches ${found.length === 0 ? 'nothing' : 'more than one resource'}`,
    { expression: field },
  );
}

function failure(e: unknown): { status: BundleStatus; body: OperationOutcome; patients: string[] } {
  if (e instanceof WriteFailure) return { status: e.status, body: e.outcome, patients: [] };
  if (isMedSeekError(e)) {
    const { status, body } = outcomeForError(e);
    return { status: status as BundleStatus, body, patients: [] };
  }
  throw e;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
};

export function statusLine(status: number): string {
  return `${status} ${REASONS[status] ?? ''}`.trim();
}
