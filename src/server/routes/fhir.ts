import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Context } from 'hono';
import { invalid, MedSeekError, notFound } from '../../core/index.js';
import type { StoredResource } from '../../store/index.js';
import { auditEvents } from '../audit/request.js';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { fullUrl, historyBundle, searchsetBundle } from '../fhir/bundle.js';
import { postBundle } from '../fhir/bundle-post.js';
import { capabilityStatement } from '../fhir/capability.js';
import { FHIR_JSON, operationOutcome } from '../fhir/operation-outcome.js';
import { referencedOutsideCompartments } from '../fhir/referenced.js';
import { FHIR_TYPES, READ_TYPES } from '../fhir/resource-types.js';
import { MAX_COUNT, parseSearch } from '../fhir/search-params.js';
import { VERSION } from '../version.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** Largest Bundle accepted by POST /fhir; bigger files go through `medseek import` (streamed). */
const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/**
 * The FHIR R4 REST subset (https://hl7.org/fhir/R4/http.html): capabilities, read, vread,
 * instance history, type search with offset paging, and Patient/$everything. Every response is
 * `application/fhir+json`; every error an OperationOutcome (via app.ts's error handler); every
 * read of patient data is audited before the response is sent (if the audit row cannot be written,
 * the caller gets an error instead of the data).
 */
export function fhirRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const started = new Date().toISOString();

  app.use('*', async (c, next) => {
    requireJsonAccept(c);
    await next();
  });

  app.get('/metadata', (c) => fhirJson(c, capabilityStatement(baseOf(c), { software: 'MedSeek', version: VERSION, transaction: true, date: started })));

  const search = async (c: Context<AppEnv>, type: string, params: URLSearchParams) => {
    const parsed = parseSearch(type, params);
    const result = await ctx.resources.search(type, parsed.query);
    const base = baseOf(c);
    const patients = result.entries.map(patientOf);
    const query = params.toString();
    await audit(ctx, c, 'search', `${type}${query ? `?${decodeURIComponent(query)}` : ''}`, 200, parsed.patient !== undefined && patients.length === 0 ? [parsed.patient] : patients);
    return fhirJson(
      c,
      searchsetBundle(base, { url: `${base}/${type}`, echo: parsed.echo, count: parsed.query.count, offset: parsed.query.offset, total: result.total }, result.entries),
    );
  };

  app.get('/:type', (c) => search(c, resourceType(c.req.param('type')), new URL(c.req.url).searchParams));

  // Search by POST (https://hl7.org/fhir/R4/http.html#search): parameters form-encoded in the body
  // (and the query string), for searches too long or too private for a URL.
  app.post('/:type/_search', async (c) => {
    const type = resourceType(c.req.param('type'));
    const contentType = c.req.header('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      throw new MedSeekError('unsupported', `POST _search needs Content-Type application/x-www-form-urlencoded, got '${contentType || 'none'}'`, { field: 'Content-Type' });
    }
    const params = new URLSearchParams(new URL(c.req.url).searchParams);
    for (const [k, v] of new URLSearchParams(await c.req.text())) params.append(k, v);
    return search(c, type, params);
  });

  app.get('/:type/:id', async (c) => {
    const type = readableType(c.req.param('type'));
    const id = resourceId(c.req.param('id'));
    const stored = await ctx.resources.read(type, id);
    const status = !stored ? 404 : stored.deleted ? 410 : 200;
    await audit(ctx, c, 'read', `${type}/${id}`, status, [stored ? patientOf(stored) : type === 'Patient' ? id : undefined]);
    if (!stored) throw notFound(`${type}/${id} is not known`, { field: 'id' });
    if (stored.deleted) return gone(c, `${type}/${id} was deleted`);
    return resourceResponse(c, stored);
  });

  app.get('/:type/:id/_history', async (c) => {
    const type = readableType(c.req.param('type'));
    const id = resourceId(c.req.param('id'));
    const versions = await ctx.resources.history(type, id);
    const status = versions.length ? 200 : 404;
    await audit(ctx, c, 'history', `${type}/${id}/_history`, status, versions.length ? versions.map(patientOf) : [type === 'Patient' ? id : undefined]);
    if (!versions.length) throw notFound(`${type}/${id} is not known`, { field: 'id' });
    return fhirJson(c, historyBundle(baseOf(c), c.req.url, versions));
  });

  app.get('/:type/:id/_history/:vid', async (c) => {
    const type = readableType(c.req.param('type'));
    const id = resourceId(c.req.param('id'));
    const vid = c.req.param('vid');
    if (!/^[1-9]\d{0,9}$/.test(vid)) throw invalid(`'${vid}' is not a version id`, { field: 'vid' });
    const stored = await ctx.resources.vread(type, id, Number(vid));
    const status = !stored ? 404 : stored.deleted ? 410 : 200;
    await audit(ctx, c, 'vread', `${type}/${id}/_history/${vid}`, status, [stored ? patientOf(stored) : type === 'Patient' ? id : undefined]);
    if (!stored) throw notFound(`${type}/${id} has no version ${vid}`, { field: 'vid' });
    if (stored.deleted) return gone(c, `version ${vid} of ${type}/${id} is a deletion`);
    return resourceResponse(c, stored);
  });

  app.get('/:type/:id/:operation', async (c) => {
    const type = resourceType(c.req.param('type'));
    const id = resourceId(c.req.param('id'));
    const operation = c.req.param('operation');
    if (operation !== '$everything' || type !== 'Patient') {
      throw new MedSeekError('unsupported', `operation '${operation}' is not supported on ${type}; supported: Patient/{id}/$everything`, { field: 'operation' });
    }
    const url = new URL(c.req.url);
    for (const name of url.searchParams.keys()) {
      if (name !== '_count' && name !== '_offset') throw invalid(`parameter '${name}' is not supported by $everything; supported: _count, _offset`, { field: name });
    }
    const paging = parseSearch('Patient', pagingOnly(url.searchParams), { defaultCount: MAX_COUNT }).query;
    const patient = await ctx.resources.read('Patient', id);
    const status = !patient ? 404 : patient.deleted ? 410 : 200;
    const compartment = status === 200 ? await ctx.resources.everything(id) : [];
    const all = [...compartment, ...(await referencedOutsideCompartments(ctx.resources, compartment))];
    await audit(ctx, c, 'everything', `Patient/${id}/$everything`, status, [id]);
    if (!patient) throw notFound(`Patient/${id} is not known`, { field: 'id' });
    if (patient.deleted) return gone(c, `Patient/${id} was deleted`);
    const base = baseOf(c);
    const page = all.slice(paging.offset, paging.offset + paging.count);
    return fhirJson(
      c,
      searchsetBundle(base, { url: `${base}/Patient/${id}/$everything`, echo: [], count: paging.count, offset: paging.offset, total: all.length }, page),
    );
  });

  // Transaction / batch Bundles, through ingest.
  app.post(
    '/',
    bodyLimit({
      maxSize: MAX_BUNDLE_BYTES,
      onError: (c) => c.body(JSON.stringify(operationOutcome('too-costly', `the body is over ${MAX_BUNDLE_BYTES} bytes; import large files with \`medseek import\``)), 413, { 'Content-Type': FHIR_JSON }),
    }),
    async (c) => {
      const contentType = c.req.header('content-type') ?? '';
      if (!/^application\/(fhir\+)?json\b/i.test(contentType)) {
        throw new MedSeekError('unsupported', `POST /fhir needs Content-Type application/fhir+json, got '${contentType || 'none'}'`, { field: 'Content-Type' });
      }
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const result = await postBundle(ctx.db, ctx.resources, bytes, baseOf(c));
      await audit(ctx, c, result.kind, 'Bundle', result.status, result.patients);
      return c.body(JSON.stringify(result.body), result.status, { 'Content-Type': FHIR_JSON });
    },
  );

  // Everything else (create, update, patch, delete of single resources) is not offered.
  app.all('*', (c) => {
    c.header('Allow', c.req.path === '/fhir' || c.req.path === '/fhir/' ? 'POST' : 'GET');
    return c.body(JSON.stringify(operationOutcome('not-supported', `${c.req.method} ${c.req.path} is not supported; this FHIR API reads, searches, and takes transaction/batch Bundles at POST /fhir`)), 405, { 'Content-Type': FHIR_JSON });
  });

  return app;
}

function pagingOnly(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of params) if (k === '_count' || k === '_offset') out.append(k, v);
  return out;
}

async function audit(ctx: AppContext, c: Context<AppEnv>, action: string, resource: string, outcome: number, patients: readonly (string | undefined)[]): Promise<void> {
  await ctx.audit.record(auditEvents(c, { action, resource: resource.slice(0, 2000), outcome, patients }));
}

function patientOf(s: StoredResource): string | undefined {
  return s.resourceType === 'Patient' ? s.id : s.patientId;
}

/** The server's FHIR base as the caller addressed it: `http://host:port/fhir`. */
export function baseOf(c: Context): string {
  return `${new URL(c.req.url).origin}/fhir`;
}

/** A type this server searches (and reads). */
function resourceType(type: string): string {
  if (!(type in FHIR_TYPES)) {
    if (READ_TYPES.includes(type)) throw new MedSeekError('unsupported', `${type} can be read by id but not searched`, { field: 'type' });
    throw new MedSeekError('unsupported', `resource type '${type}' is not supported; supported: ${Object.keys(FHIR_TYPES).join(', ')}`, { field: 'type' });
  }
  return type;
}

/** A type this server reads: the searchable ones and the resources they reference. */
function readableType(type: string): string {
  return READ_TYPES.includes(type) ? type : resourceType(type);
}

function resourceId(id: string): string {
  if (id === '_history') throw new MedSeekError('unsupported', 'type-level _history is not supported; ask for an instance: {type}/{id}/_history', { field: '_history' });
  if (!ID.test(id)) throw invalid(`'${id}' is not a valid FHIR id ([A-Za-z0-9-.]{1,64})`, { field: 'id' });
  return id;
}

/** The server speaks JSON only; a client that accepts only XML gets 406 rather than JSON it cannot read. */
function requireJsonAccept(c: Context): void {
  const accept = c.req.header('accept');
  if (!accept) return;
  if (/json|\*\/\*|application\/\*/i.test(accept)) return;
  throw new MedSeekError('unsupported', `cannot answer in '${accept}'; this server speaks application/fhir+json`, { field: 'Accept' });
}

export function fhirJson(c: Context, body: unknown, status: 200 | 201 = 200): Response {
  return c.body(JSON.stringify(body), status, { 'Content-Type': FHIR_JSON });
}

function resourceResponse(c: Context, s: StoredResource): Response {
  c.header('ETag', `W/"${s.versionId}"`);
  c.header('Last-Modified', new Date(s.lastUpdated).toUTCString());
  c.header('Content-Location', `${fullUrl(baseOf(c), s)}/_history/${s.versionId}`);
  return fhirJson(c, s.resource);
}

function gone(c: Context, message: string): Response {
  return c.body(JSON.stringify(operationOutcome('deleted', message)), 410, { 'Content-Type': FHIR_JSON });
}
