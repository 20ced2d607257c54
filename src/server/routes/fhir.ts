import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Context } from 'hono';
import { invalid, MedSeekError, notFound } from '../../core/index.js';
import { validationError, validationErrors } from '../../ingest/index.js';
import { type FhirResource, patientIdFromReference, type StoredResource } from '../../store/index.js';
import { auditEvents } from '../audit/request.js';
import type { AppContext } from '../context.js';
import { ANY_ROLE, refusePatient, STAFF } from '../auth/authorize.js';
import { refuse } from '../auth/middleware.js';
import { forAudience, patientAudience } from '../auth/physician-only.js';
import { type Interaction, permits } from '../auth/smart-scopes.js';
import type { AppEnv, Principal, RoutePolicies } from '../env.js';
import { fullUrl, historyBundle, searchsetBundle } from '../fhir/bundle.js';
import { postBundle } from '../fhir/bundle-post.js';
import { capabilityStatement } from '../fhir/capability.js';
import { FHIR_JSON, operationOutcome } from '../fhir/operation-outcome.js';
import { referencedOutsideCompartments } from '../fhir/referenced.js';
import { MAX_COUNT, parseSearch } from '../fhir/search-params.js';
import { fhirParams, parseFhir } from '../fhir/validate.js';
import { VERSION } from '../version.js';
import {
  OperationParams,
  ReadParams,
  resourceBody as resourceBodySchema,
  TypeParams,
  VersionParams,
  WriteParams,
} from './schemas/fhir.js';

/** Largest Bundle accepted by POST /fhir; bigger files go through `medseek import` (streamed). */
const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/**
 * Reads and searches: every role, limited to the patients the caller may see (a patient: their own
 * compartment only; physician-only content never reaches them). Writes (transaction and batch
 * Bundles): clinicians and admins. SMART tokens are held to their scopes as well.
 */
export const fhirPolicies: RoutePolicies = {
  'GET /fhir/metadata': 'public',
  'GET /fhir/:type': ANY_ROLE,
  'POST /fhir/:type/_search': ANY_ROLE,
  'GET /fhir/:type/:id': ANY_ROLE,
  'GET /fhir/:type/:id/_history': ANY_ROLE,
  'GET /fhir/:type/:id/_history/:vid': ANY_ROLE,
  'GET /fhir/:type/:id/:operation': ANY_ROLE,
  'POST /fhir': STAFF,
  'POST /fhir/:type': STAFF,
  'PUT /fhir/:type/:id': STAFF,
  // The 405 answer to every interaction not offered.
  'ALL /fhir/*': 'authenticated',
};

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

  app.get('/metadata', (c) =>
    fhirJson(
      c,
      capabilityStatement(baseOf(c), { software: 'MedSeek', version: VERSION, transaction: true, date: started }),
    ),
  );

  const search = async (c: Context<AppEnv>, type: string, params: URLSearchParams) => {
    const principal = c.get('principal');
    const denied = await scopeRefusal(ctx, c, type, 's');
    if (denied) return denied;
    const parsed = parseSearch(type, params);
    const scoped = await scopeSearch(ctx, principal, type, parsed.query);
    if ('refusePatient' in scoped) return refusePatient(ctx, c, scoped.refusePatient);
    if ('refuseSearch' in scoped) return refuse(ctx, c, 403, scoped.refuseSearch, principal.id);
    const found = scoped.empty ? { total: 0, entries: [] } : await ctx.resources.search(type, scoped.query);
    const shown = forPrincipal(principal, found.entries);
    const result = { total: found.total - (found.entries.length - shown.length), entries: shown };
    const base = baseOf(c);
    const patients = result.entries.map(patientOf);
    const query = params.toString();
    await audit(
      ctx,
      c,
      'search',
      `${type}${query ? `?${decodeURIComponent(query)}` : ''}`,
      200,
      parsed.patient !== undefined && patients.length === 0 ? [parsed.patient] : patients,
    );
    return fhirJson(
      c,
      searchsetBundle(
        base,
        {
          url: `${base}/${type}`,
          echo: parsed.echo,
          count: parsed.query.count,
          offset: parsed.query.offset,
          total: result.total,
        },
        result.entries,
      ),
    );
  };

  app.get('/:type', fhirParams(TypeParams), (c) =>
    search(c, c.req.valid('param').type, new URL(c.req.url).searchParams),
  );

  // Search by POST (https://hl7.org/fhir/R4/http.html#search): parameters form-encoded in the body
  // (and the query string), for searches too long or too private for a URL.
  app.post('/:type/_search', fhirParams(TypeParams), async (c) => {
    const { type } = c.req.valid('param');
    const contentType = c.req.header('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      throw new MedSeekError(
        'unsupported',
        `POST _search needs Content-Type application/x-www-form-urlencoded, got '${contentType || 'none'}'`,
        { field: 'Content-Type' },
      );
    }
    const params = new URLSearchParams(new URL(c.req.url).searchParams);
    for (const [k, v] of new URLSearchParams(await c.req.text())) params.append(k, v);
    return search(c, type, params);
  });

  app.get('/:type/:id', fhirParams(ReadParams), async (c) => {
    const { type, id } = c.req.valid('param');
    const denied = await scopeRefusal(ctx, c, type, 'r');
    if (denied) return denied;
    const stored = await ctx.resources.read(type, id);
    const refused = stored && (await readRefusal(ctx, c, [stored]));
    if (refused) return refused;
    const status = !stored ? 404 : stored.deleted ? 410 : 200;
    await audit(ctx, c, 'read', `${type}/${id}`, status, [
      stored ? patientOf(stored) : type === 'Patient' ? id : undefined,
    ]);
    if (!stored) throw notFound(`${type}/${id} is not known`, { field: 'id' });
    if (stored.deleted) return gone(c, `${type}/${id} was deleted`);
    return resourceResponse(c, forPrincipal(c.get('principal'), [stored])[0] ?? stored);
  });

  app.get('/:type/:id/_history', fhirParams(ReadParams), async (c) => {
    const { type, id } = c.req.valid('param');
    const denied = await scopeRefusal(ctx, c, type, 'r');
    if (denied) return denied;
    const all = await ctx.resources.history(type, id);
    const refused = await readRefusal(ctx, c, all);
    if (refused) return refused;
    const versions = forPrincipal(c.get('principal'), all);
    const status = versions.length ? 200 : 404;
    await audit(
      ctx,
      c,
      'history',
      `${type}/${id}/_history`,
      status,
      versions.length ? versions.map(patientOf) : [type === 'Patient' ? id : undefined],
    );
    if (!versions.length) throw notFound(`${type}/${id} is not known`, { field: 'id' });
    return fhirJson(c, historyBundle(baseOf(c), c.req.url, versions));
  });

  app.get('/:type/:id/_history/:vid', fhirParams(VersionParams), async (c) => {
    const { type, id, vid } = c.req.valid('param');
    const denied = await scopeRefusal(ctx, c, type, 'r');
    if (denied) return denied;
    const stored = await ctx.resources.vread(type, id, Number(vid));
    const refused = stored && (await readRefusal(ctx, c, [stored]));
    if (refused) return refused;
    const status = !stored ? 404 : stored.deleted ? 410 : 200;
    await audit(ctx, c, 'vread', `${type}/${id}/_history/${vid}`, status, [
      stored ? patientOf(stored) : type === 'Patient' ? id : undefined,
    ]);
    if (!stored) throw notFound(`${type}/${id} has no version ${vid}`, { field: 'vid' });
    if (stored.deleted) return gone(c, `version ${vid} of ${type}/${id} is a deletion`);
    return resourceResponse(c, forPrincipal(c.get('principal'), [stored])[0] ?? stored);
  });

  app.get('/:type/:id/:operation', fhirParams(OperationParams), async (c) => {
    const { id } = c.req.valid('param');
    const url = new URL(c.req.url);
    const paging = parseSearch('Patient', url.searchParams, {
      defaultCount: MAX_COUNT,
      params: ['_count', '_offset'],
      what: 'Patient/$everything',
    }).query;
    const denied = await scopeRefusal(ctx, c, 'Patient', 'r');
    if (denied) return denied;
    const principal = c.get('principal');
    if (!(await ctx.patientScope.allows(principal, id))) return refusePatient(ctx, c, id);
    const patient = await ctx.resources.read('Patient', id);
    const status = !patient ? 404 : patient.deleted ? 410 : 200;
    const compartment = status === 200 ? await ctx.resources.everything(id) : [];
    const everything = [...compartment, ...(await referencedOutsideCompartments(ctx.resources, compartment))];
    // A SMART token sees the types its scopes allow; a patient never a physician-only resource or element.
    const all = forPrincipal(
      principal,
      principal.scopes ? everything.filter((r) => permits(principal.scopes!, r.resourceType, 'r')) : everything,
    );
    await audit(ctx, c, 'everything', `Patient/${id}/$everything`, status, [id]);
    if (!patient) throw notFound(`Patient/${id} is not known`, { field: 'id' });
    if (patient.deleted) return gone(c, `Patient/${id} was deleted`);
    const base = baseOf(c);
    const page = all.slice(paging.offset, paging.offset + paging.count);
    return fhirJson(
      c,
      searchsetBundle(
        base,
        {
          url: `${base}/Patient/${id}/$everything`,
          echo: [],
          count: paging.count,
          offset: paging.offset,
          total: all.length,
        },
        page,
      ),
    );
  });

  // Transaction / batch Bundles, through ingest.
  app.post(
    '/',
    bodyLimit({
      maxSize: MAX_BUNDLE_BYTES,
      onError: (c) =>
        c.body(
          JSON.stringify(
            operationOutcome(
              'too-costly',
              `the body is over ${MAX_BUNDLE_BYTES} bytes; import large files with \`medseek import\``,
            ),
          ),
          413,
          { 'Content-Type': FHIR_JSON },
        ),
    }),
    async (c) => {
      const p = c.get('principal');
      if (p.scopes && !(permits(p.scopes, '*', 'c') && permits(p.scopes, '*', 'u')))
        return refuse(ctx, c, 403, 'a transaction needs the scopes user/*.cu (or system/*.cu)', p.id);
      // A clinician limited to units writes only through the workspace, where each patient is checked.
      if ((await ctx.patientScope.visible(p)) !== undefined)
        return refuse(
          ctx,
          c,
          403,
          'a transaction may touch any patient: it needs a credential that sees all patients',
          p.id,
        );
      const contentType = c.req.header('content-type') ?? '';
      if (!/^application\/(fhir\+)?json\b/i.test(contentType)) {
        throw new MedSeekError(
          'unsupported',
          `POST /fhir needs Content-Type application/fhir+json, got '${contentType || 'none'}'`,
          { field: 'Content-Type' },
        );
      }
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const result = await postBundle(ctx.db, ctx.resources, bytes, baseOf(c));
      await audit(ctx, c, result.kind, 'Bundle', result.status, result.patients);
      return c.body(JSON.stringify(result.body), result.status, { 'Content-Type': FHIR_JSON });
    },
  );

  /** The refusal for a write this caller may not make (SMART scope, patient scope), or undefined. */
  const writeRefusal = async (
    c: Context<AppEnv>,
    type: string,
    interaction: 'c' | 'u',
    resource: FhirResource,
  ): Promise<Response | undefined> => {
    const p = c.get('principal');
    if (p.scopes && !permits(p.scopes, type, interaction))
      return refuse(
        ctx,
        c,
        403,
        `the token's scopes do not allow ${interaction === 'c' ? 'create' : 'update'} of ${type}`,
        p.id,
      );
    const patient = patientIdOfResource(resource);
    if (patient && !(await ctx.patientScope.allows(p, patient))) return refusePatient(ctx, c, patient);
    if (!patient && (await ctx.patientScope.visible(p)) !== undefined)
      return refuse(
        ctx,
        c,
        403,
        `${type} is outside any patient's record: writing it needs a credential that sees all patients`,
        p.id,
      );
    return undefined;
  };
  const written = (c: Context<AppEnv>, stored: StoredResource, status: 200 | 201) => {
    c.header('Location', `${baseOf(c)}/${stored.resourceType}/${stored.id}/_history/${stored.versionId}`);
    c.header('ETag', `W/"${stored.versionId}"`);
    c.header('Last-Modified', new Date(stored.lastUpdated).toUTCString());
    return c.body(JSON.stringify(stored.resource), status, { 'Content-Type': FHIR_JSON });
  };

  // create (https://hl7.org/fhir/R4/http.html#create): validated against R4; the server assigns the id.
  app.post('/:type', fhirParams(TypeParams), async (c) => {
    const { type } = c.req.valid('param');
    const resource = { ...(await resourceBody(c, type)), id: randomUUID() } as FhirResource;
    // Who may write comes before what is wrong with the body: a refused caller learns nothing from validation.
    const refused = await writeRefusal(c, type, 'c', resource);
    if (refused) return refused;
    const errors = validationErrors(resource);
    if (errors.length > 0) throw validationError(errors, 'body');
    const { stored } = await ctx.resources.put(resource);
    await audit(ctx, c, 'create', `${type}/${stored.id}`, 201, [patientOf(stored)]);
    return written(c, stored, 201);
  });

  // update (https://hl7.org/fhir/R4/http.html#update): the body's id must be the URL's; creates when absent;
  // `If-Match: W/"n"` is checked and written in one transaction (412 when another write came first).
  app.put('/:type/:id', fhirParams(WriteParams), async (c) => {
    const { type, id } = c.req.valid('param');
    const resource = await resourceBody(c, type, id);
    const refused = await writeRefusal(c, type, 'u', resource);
    if (refused) return refused;
    const errors = validationErrors(resource);
    if (errors.length > 0) throw validationError(errors, 'body');
    // The record's current patient must be in scope too: an update must not move another patient's resource.
    const before = await ctx.resources.read(type, id);
    const beforePatient = before ? patientOf(before) : undefined;
    if (beforePatient && !(await ctx.patientScope.allows(c.get('principal'), beforePatient)))
      return refusePatient(ctx, c, beforePatient);
    const ifMatch = c.req.header('if-match');
    const result = await ctx.db.transaction(async (tx) => {
      if (ifMatch !== undefined) {
        const r = await tx.query<{ version_id: number }>(
          'select version_id from fhir_resources where resource_type = $1 and id = $2 and not deleted for update',
          [type, id],
        );
        const current = r.rows[0]?.version_id;
        if (current === undefined || ifMatch !== `W/"${current}"`)
          return { conflict: current === undefined ? 'none' : `W/"${current}"` };
      }
      return { put: await ctx.resources.put(resource, tx) };
    });
    if ('conflict' in result) {
      return c.body(
        JSON.stringify(
          operationOutcome('conflict', `If-Match ${ifMatch} is not the current version (${result.conflict})`, {
            expression: 'If-Match',
          }),
        ),
        412,
        { 'Content-Type': FHIR_JSON },
      );
    }
    const { outcome, stored } = result.put;
    const status = outcome === 'created' ? 201 : 200;
    await audit(ctx, c, 'update', `${type}/${id}`, status, [patientOf(stored), beforePatient]);
    return written(c, stored, status);
  });

  // Everything else (patch, delete of single resources) is not offered.
  app.all('*', (c) => {
    c.header(
      'Allow',
      c.req.path === '/fhir' || c.req.path === '/fhir/'
        ? 'POST'
        : /^\/fhir\/[^/]+\/?$/.test(c.req.path)
          ? 'GET, POST'
          : 'GET, PUT',
    );
    return c.body(
      JSON.stringify(
        operationOutcome(
          'not-supported',
          `${c.req.method} ${c.req.path} is not supported; this FHIR API reads, searches, creates (POST /fhir/{type}), updates (PUT /fhir/{type}/{id}) and takes transaction/batch Bundles at POST /fhir`,
        ),
      ),
      405,
      { 'Content-Type': FHIR_JSON },
    );
  });

  return app;
}

/**
 * A single-resource body: FHIR JSON, an object of the URL's type (and with the URL's id, for an
 * update); R4 validation follows in the route.
 */
async function resourceBody(c: Context<AppEnv>, type: string, id?: string): Promise<FhirResource> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/(fhir\+)?json\b/i.test(contentType)) {
    throw new MedSeekError('unsupported', `needs Content-Type application/fhir+json, got '${contentType || 'none'}'`, {
      field: 'Content-Type',
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch (e) {
    throw invalid(`the body is not valid JSON: ${(e as Error).message}`, { where: 'body' });
  }
  parseFhir(resourceBodySchema(type, id), body, 'body', type);
  // The body as sent, not zod's copy: R4 validation then sees every element, an unknown one included.
  return body as FhirResource;
}

/** The patient whose record a resource belongs to (the compartment the store indexes it under). */
function patientIdOfResource(r: FhirResource): string | undefined {
  if (r.resourceType === 'Patient') return r.id;
  const rec = r as unknown as Record<string, unknown>;
  return ['subject', 'patient', 'beneficiary'].map((k) => patientIdFromReference(rec[k])).find((p): p is string => !!p);
}

/** A SMART token without a scope for this interaction on this type: the 403 to send (audited). */
async function scopeRefusal(
  ctx: AppContext,
  c: Context<AppEnv>,
  type: string,
  interaction: Interaction,
): Promise<Response | undefined> {
  const p = c.get('principal');
  if (!p.scopes || permits(p.scopes, type, interaction)) return undefined;
  const verb = interaction === 's' ? 'search' : 'read';
  return refuse(
    ctx,
    c,
    403,
    `the token's scopes do not allow ${verb} of ${type} (e.g. patient/${type}.${interaction === 's' ? 's' : 'r'})`,
    p.id,
  );
}

/**
 * The search restricted to the patients the principal sees: Patient searches to those ids; other
 * types to the named patient (which must be visible) or, for a single-patient credential, its own.
 * A caller seeing several (but not all) patients must name one.
 */
async function scopeSearch(
  ctx: AppContext,
  p: Principal,
  type: string,
  query: ParsedSearchQuery,
): Promise<{ query: ParsedSearchQuery; empty?: boolean } | { refusePatient: string } | { refuseSearch: string }> {
  const visible = await ctx.patientScope.visible(p);
  if (visible === undefined) return { query };
  if (type === 'Patient') {
    const ids = query.ids ? query.ids.filter((id) => visible.has(id)) : [...visible];
    // No visible id left: nothing to find (an empty `ids` would mean no filter at all).
    return ids.length ? { query: { ...query, ids } } : { query, empty: true };
  }
  const named = query.patient?.replace(/^Patient\//, '');
  if (named !== undefined) return visible.has(named) ? { query } : { refusePatient: named };
  if (visible.size === 1) return { query: { ...query, patient: [...visible][0]! } };
  if (visible.size === 0) return { query, empty: true };
  return { refuseSearch: `your access is limited to some patients: search ${type} with patient=<id>` };
}

type ParsedSearchQuery = ReturnType<typeof parseSearch>['query'];

/**
 * A read of stored versions: the 403 to send when one belongs to a patient the principal may not
 * see, or (for a patient) is outside any patient's compartment or physician-only.
 */
async function readRefusal(
  ctx: AppContext,
  c: Context<AppEnv>,
  versions: readonly StoredResource[],
): Promise<Response | undefined> {
  const p = c.get('principal');
  for (const v of versions) {
    const patient = patientOf(v);
    if (patient !== undefined) {
      if (!(await ctx.patientScope.allows(p, patient))) return refusePatient(ctx, c, patient);
    } else if (patientAudience(p) || (p.patientId && p.scopes)) {
      return refuse(
        ctx,
        c,
        403,
        `${v.resourceType}/${v.id} is outside your record: a patient reads their own compartment (Patient/${p.patientId}/$everything includes what it references)`,
        p.id,
      );
    }
  }
  const current = versions[versions.length - 1];
  if (current && !current.deleted && patientAudience(p) && forAudience(p, current.resource) === undefined) {
    return refuse(
      ctx,
      c,
      403,
      `${current.resourceType}/${current.id} is for your physicians`,
      p.id,
      patientOf(current),
    );
  }
  return undefined;
}

/** What the principal receives of stored resources: for a patient, physician-only resources dropped and elements stripped. */
function forPrincipal(p: Principal, entries: readonly StoredResource[]): StoredResource[] {
  if (!patientAudience(p)) return [...entries];
  return entries.flatMap((e) => {
    if (e.deleted) return [e];
    const resource = forAudience(p, e.resource);
    return resource === undefined ? [] : [{ ...e, resource }];
  });
}

async function audit(
  ctx: AppContext,
  c: Context<AppEnv>,
  action: string,
  resource: string,
  outcome: number,
  patients: readonly (string | undefined)[],
): Promise<void> {
  await ctx.audit.record(auditEvents(c, { action, resource: resource.slice(0, 2000), outcome, patients }));
}

function patientOf(s: StoredResource): string | undefined {
  return s.resourceType === 'Patient' ? s.id : s.patientId;
}

/** The server's FHIR base as the caller addressed it: `http://host:port/fhir`. */
export function baseOf(c: Context): string {
  return `${new URL(c.req.url).origin}/fhir`;
}

/** The server speaks JSON only; a client that accepts only XML gets 406 rather than JSON it cannot read. */
function requireJsonAccept(c: Context): void {
  const accept = c.req.header('accept');
  if (!accept) return;
  if (/json|\*\/\*|application\/\*/i.test(accept)) return;
  throw new MedSeekError('unsupported', `cannot answer in '${accept}'; this server speaks application/fhir+json`, {
    field: 'Accept',
  });
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
