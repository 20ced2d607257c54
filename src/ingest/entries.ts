import { shown, stableId } from '../core/index.js';
import { canonicalJson } from './canonical.js';
import { FHIR_ID, R4_RESOURCE_TYPES } from './resource-types.js';
import type { FhirResource, IngestIssue } from './types.js';
import { validationErrors } from './validation/index.js';

/**
 * Turns bundle entries (or NDJSON lines) into resources ready to store: each gets an id, and
 * references to other entries (`urn:uuid:…` fullUrls, conditional `Type?identifier=…`) are
 * rewritten to `Type/id`. Ids are deterministic so that importing the same data again finds the
 * same resources: the resource's own id, else the id in a PUT url, else the uuid of a
 * `urn:uuid:` fullUrl, else the id of a stored resource with the same identifier, else one derived
 * from the identifiers or (for a POST) the content.
 * See https://hl7.org/fhir/R4/bundle.html#references and https://hl7.org/fhir/R4/http.html#trules.
 */
export interface RawEntry {
  /** Position in the bundle (or line number for NDJSON). */
  readonly index: number;
  readonly where: string;
  readonly fullUrl?: string;
  readonly resource: unknown;
  readonly request?: { readonly method?: unknown; readonly url?: unknown; readonly ifNoneExist?: unknown };
  /** `Bundle.entry.search.mode` of a searchset: `outcome` entries are messages, not data. */
  readonly searchMode?: string;
  /** Set when the resource is over the import's size limit. */
  readonly tooLarge?: { readonly bytes: number; readonly limit: number };
}

export interface PreparedEntry {
  readonly index: number;
  readonly where: string;
  readonly key: string;
  readonly resource: FhirResource;
}

export interface PreparedEntries {
  readonly ok: PreparedEntry[];
  /** Every problem, each naming its entry; entries with a problem are not in `ok`. */
  readonly issues: (IngestIssue & { readonly index: number })[];
  /** resourceType of each rejected entry (where known), for counting. */
  readonly rejectedTypes: Map<number, string>;
}

export interface PrepareContext {
  /** `transaction`, `batch`, `collection`, … or `ndjson`. */
  readonly kind: string;
  readonly file?: string;
  readonly findByIdentifier?: (resourceType: string, identifiers: readonly string[]) => Promise<string | undefined>;
  /**
   * fullUrl → `Type/id` and `Type/id` → where, shared across the windows of one file when a large
   * file is prepared a window at a time (a reference may then point back, not forward).
   */
  readonly fullUrls?: Map<string, string>;
  readonly keys?: Map<string, string>;
}

type Json = Record<string, unknown>;
const UUID = /^urn:uuid:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
const RELATIVE = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

export async function prepareEntries(entries: readonly RawEntry[], ctx: PrepareContext): Promise<PreparedEntries> {
  const issues: (IngestIssue & { index: number })[] = [];
  const rejectedTypes = new Map<number, string>();
  const bad = new Set<number>();
  const problem = (e: RawEntry, message: string, field?: string, code: IngestIssue['code'] = 'invalid'): void => {
    bad.add(e.index);
    const entry = e.fullUrl ?? keyOf(e.resource);
    issues.push({
      index: e.index,
      code,
      message,
      where: e.where,
      ...(ctx.file ? { file: ctx.file } : {}),
      ...(entry ? { entry } : {}),
      ...(field ? { field } : {}),
    });
  };

  // 1. Shape, type and id of every entry; the fullUrl → Type/id map.
  const byFullUrl = ctx.fullUrls ?? new Map<string, string>();
  const byIdentifier = new Map<string, string>();
  const keys = ctx.keys ?? new Map<string, string>();
  const ids = new Map<number, string>();
  for (const e of entries) {
    const r = e.resource;
    if (!r || typeof r !== 'object' || Array.isArray(r)) {
      problem(e, 'the entry has no resource object', ctx.kind === 'ndjson' ? undefined : 'Bundle.entry.resource');
      continue;
    }
    const type = (r as Json).resourceType;
    if (e.tooLarge) {
      if (typeof type === 'string') rejectedTypes.set(e.index, type);
      problem(
        e,
        `the resource is ${e.tooLarge.bytes} bytes, over the limit of ${e.tooLarge.limit} (maxResourceBytes)`,
        undefined,
        'too-large',
      );
      continue;
    }
    if (typeof type !== 'string' || type === '') {
      problem(e, 'resourceType is missing', 'resourceType');
      continue;
    }
    rejectedTypes.set(e.index, type);
    if (!R4_RESOURCE_TYPES.has(type)) {
      problem(e, `'${type}' is not a FHIR R4 resource type`, 'resourceType');
      continue;
    }
    if (type === 'Bundle' && ctx.kind !== 'ndjson') {
      problem(
        e,
        'a Bundle inside a bundle is not imported; import it as a file of its own',
        'resourceType',
        'unsupported',
      );
      continue;
    }
    const method = e.request?.method;
    if (method !== undefined && method !== 'POST' && method !== 'PUT') {
      problem(
        e,
        `request.method '${String(method)}' is not supported by import (POST and PUT are)`,
        'Bundle.entry.request.method',
        'unsupported',
      );
      continue;
    }
    if (e.fullUrl !== undefined && byFullUrl.has(e.fullUrl)) {
      problem(
        e,
        `fullUrl ${e.fullUrl} is used twice (also by ${byFullUrl.get(e.fullUrl)})`,
        'Bundle.entry.fullUrl',
        'conflict',
      );
      continue;
    }
    const id = await assignId(e, r as Json, type, ctx, problem);
    if (id === undefined) continue;
    const key = `${type}/${id}`;
    const prior = keys.get(key);
    if (prior) {
      problem(e, `${key} appears twice (also ${prior})`, `${type}.id`, 'conflict');
      continue;
    }
    keys.set(own(key), e.where);
    ids.set(e.index, id);
    if (e.fullUrl) byFullUrl.set(own(e.fullUrl), own(key));
    for (const token of identifierTokens(r as Json)) byIdentifier.set(`${type}|${token}`, key);
  }

  // 2. References: to other entries by fullUrl, conditional ones by identifier; urn: left dangling is an error.
  const ok: PreparedEntry[] = [];
  for (const e of entries) {
    const id = ids.get(e.index);
    if (id === undefined || bad.has(e.index)) continue;
    const r = e.resource as Json;
    const type = r.resourceType as string;
    const pending: { holder: Json; path: string; ref: string }[] = [];
    collectReferences(r, [type], pending);
    for (const p of pending) {
      const target = byFullUrl.get(p.ref) ?? (await resolveConditional(p.ref, byIdentifier, ctx));
      if (target) p.holder.reference = target;
      else if (p.ref.startsWith('urn:') || p.ref.includes('?')) {
        problem(
          e,
          `reference ${p.ref} points at no entry of this ${ctx.kind === 'ndjson' ? 'file' : 'bundle'}`,
          p.path,
        );
      }
    }
    if (bad.has(e.index)) continue;
    const resource = (r.id === id ? r : { ...r, id }) as FhirResource;
    // 3. The resource against the R4 definitions (references are resolved by now).
    const invalid = validationErrors(resource, { inBundle: true });
    for (const i of invalid) problem(e, i.message, i.expression);
    if (invalid.length > 0) continue;
    ok.push({ index: e.index, where: e.where, key: `${type}/${id}`, resource });
  }
  return { ok, issues, rejectedTypes };
}

async function assignId(
  e: RawEntry,
  r: Json,
  type: string,
  ctx: PrepareContext,
  problem: (e: RawEntry, message: string, field?: string, code?: IngestIssue['code']) => void,
): Promise<string | undefined> {
  const url = typeof e.request?.url === 'string' ? e.request.url : undefined;
  if (url !== undefined) {
    const urlType = url.split(/[/?]/)[0];
    if (urlType !== type) {
      problem(e, `request.url '${url}' does not match resourceType ${type}`, 'Bundle.entry.request.url');
      return undefined;
    }
  }
  if (r.id !== undefined) {
    if (typeof r.id !== 'string' || !FHIR_ID.test(r.id)) {
      problem(e, `id ${JSON.stringify(r.id)} is not a FHIR id ([A-Za-z0-9-.]{1,64})`, `${type}.id`);
      return undefined;
    }
  }
  const putId = e.request?.method === 'PUT' && url ? /^[A-Z][A-Za-z]+\/([^/?]+)$/.exec(url)?.[1] : undefined;
  if (e.request?.method === 'PUT' && !putId) {
    problem(e, `a PUT needs request.url 'Type/id', not '${url ?? ''}'`, 'Bundle.entry.request.url');
    return undefined;
  }
  if (putId !== undefined && r.id !== undefined && r.id !== putId) {
    problem(e, `id '${shown(r.id)}' differs from the id '${putId}' in request.url`, `${type}.id`, 'conflict');
    return undefined;
  }
  if (typeof r.id === 'string') return r.id;
  if (putId !== undefined) return putId;
  const uuid = e.fullUrl ? UUID.exec(e.fullUrl)?.[1] : undefined;
  if (uuid) return uuid.toLowerCase();
  if (e.fullUrl && !e.fullUrl.startsWith('urn:')) {
    const m = RELATIVE.exec(e.fullUrl);
    if (m && m[1] === type) return m[2];
  }
  const identifiers = identifierTokens(r);
  if (identifiers.length > 0) {
    const existing = await ctx.findByIdentifier?.(type, identifiers);
    return existing ?? stableId(type, ...identifiers.sort());
  }
  if (e.fullUrl?.startsWith('urn:')) return stableId(type, e.fullUrl);
  if (e.request?.method === 'POST') return stableId(type, canonicalJson(r));
  problem(e, 'the resource has no id, no identifier and no fullUrl to derive one from', `${type}.id`);
  return undefined;
}

/**
 * A copy of a string that shares no memory with its source. Strings that stream-json parses are
 * slices of its read chunks; kept in a map for the whole file they would keep every chunk alive.
 */
function own(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

function keyOf(r: unknown): string | undefined {
  if (!r || typeof r !== 'object') return undefined;
  const { resourceType, id } = r as Json;
  return typeof resourceType === 'string' && typeof id === 'string' ? `${resourceType}/${id}` : undefined;
}

export function identifierTokens(r: Json): string[] {
  const ids = r.identifier;
  if (!Array.isArray(ids)) return [];
  const out: string[] = [];
  for (const i of ids) {
    if (i && typeof i === 'object' && typeof (i as Json).value === 'string') {
      out.push(
        `${typeof (i as Json).system === 'string' ? ((i as Json).system as string) : ''}|${(i as Json).value as string}`,
      );
    }
  }
  return out;
}

/**
 * Every `reference` string that points at a urn, a conditional, or an absolute URL; with its path. The
 * path is a stack of steps joined only for a reference found: most resources have none to rewrite.
 */
function collectReferences(node: unknown, path: string[], out: { holder: Json; path: string; ref: string }[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectReferences(item, path, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Json;
  for (const k in o) {
    const v = o[k];
    if (k === 'reference' && typeof v === 'string') {
      if (v.startsWith('urn:') || v.includes('?') || v.includes('://'))
        out.push({ holder: o, path: `${path.join('.')}.reference`, ref: v });
    } else if (v && typeof v === 'object' && k !== 'text') {
      path.push(k);
      collectReferences(v, path, out);
      path.pop();
    }
  }
}

/** `Patient?identifier=system|value` → the entry or stored resource carrying that identifier. */
async function resolveConditional(
  ref: string,
  byIdentifier: Map<string, string>,
  ctx: PrepareContext,
): Promise<string | undefined> {
  const m = /^([A-Z][A-Za-z]+)\?identifier=(.+)$/.exec(ref);
  if (!m) return undefined;
  const type = m[1]!;
  const raw = decodeURIComponent(m[2]!);
  const token = raw.includes('|') ? raw : `|${raw}`;
  const inBundle = byIdentifier.get(`${type}|${token}`);
  if (inBundle) return inBundle;
  const stored = await ctx.findByIdentifier?.(type, [token]);
  return stored ? `${type}/${stored}` : undefined;
}
