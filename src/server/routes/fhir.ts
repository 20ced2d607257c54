import { Hono } from 'hono';
import type { Context } from 'hono';
import { MedSeekError, notFound } from '../../core/index.js';
import { type FhirSearch, MAX_INCLUDED, runFhirSearch, type StoredResource } from '../../store/index.js';
import type { AppContext } from '../context.js';
import { ANY_ROLE, refusePatient } from '../auth/authorize.js';
import { refuse } from '../auth/middleware.js';
import { forAudience, patientAudience } from '../auth/physician-only.js';
import { type Interaction, permits } from '../auth/smart-scopes.js';
import type { AppEnv, Principal, RoutePolicies } from '../env.js';
import { fullUrl, historyBundle, searchsetBundle } from '../fhir/bundle.js';
import { capabilityStatement } from '../fhir/capability.js';
import { auditFhir, baseOf, requireJsonAccept } from '../fhir/http.js';
import { FHIR_TYPES } from '../fhir/resource-types.js';
import { FHIR_JSON, operationOutcome } from '../fhir/operation-outcome.js';
import { referencedOutsideCompartments } from '../fhir/referenced.js';
import { MAX_COUNT, type ParsedFhirSearch, parseFhirSearch, parsePaging } from '../fhir/search/parse.js';
import { searchResultBundle } from '../fhir/search/bundle.js';
import { fhirParams } from '../fhir/validate.js';
import { VERSION } from '../version.js';
import { OperationParams, ReadParams, TypeParams, VersionParams } from './schemas/fhir.js';

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
    fhirJson(c, capabilityStatement(baseOf(c), { software: 'MedSeek', version: VERSION, date: started })),
  );

  const search = async (c: Context<AppEnv>, type: string, params: URLSearchParams) => {
    const principal = c.get('principal');
    const denied = await scopeRefusal(ctx, c, type, 's');
    if (denied) return denied;
    const base = baseOf(c);
    const lenient = /\bhandling\s*=\s*lenient\b/i.test(c.req.header('prefer') ?? '');
    const parsed = parseFhirSearch(type, params, { lenient, base });
    const scoped = await scopeSearch(ctx, principal, type, parsed);
    if ('refusePatient' in scoped) return refusePatient(ctx, c, scoped.refusePatient);
    if ('refuseSearch' in scoped) return refuse(ctx, c, 403, scoped.refuseSearch, principal.id);
    const found = scoped.empty
      ? { total: 0, matches: [], included: [], includeTruncated: false }
      : await runFhirSearch(ctx.db, type, scoped.search);
    const shown = forPrincipal(principal, found.matches);
    const included = forPrincipal(principal, await includedFor(ctx, principal, found.included));
    const total = found.total === undefined ? undefined : found.total - (found.matches.length - shown.length);
    const patients = [...shown, ...included].map(patientOf);
    const query = params.toString();
    await auditFhir(
      ctx,
      c,
      'search',
      `${type}${query ? `?${decodeURIComponent(query)}` : ''}`,
      200,
      parsed.patient !== undefined && patients.length === 0 ? [parsed.patient] : patients,
    );
    const warnings = parsed.ignored.map((i) => ({ name: i.name, message: `ignored: ${i.reason}` }));
    if (found.includeTruncated)
      warnings.push({ name: '_include', message: `includes stopped at ${MAX_INCLUDED} resources` });
    return fhirJson(
      c,
      searchResultBundle(
        {
          base,
          url: `${base}/${type}`,
          echo: parsed.echo,
          count: parsed.search.count,
          offset: parsed.search.offset,
          ...(total !== undefined ? { total } : {}),
          ...(parsed.summary ? { summary: parsed.summary } : {}),
          ...(parsed.elements ? { elements: parsed.elements } : {}),
          warnings,
        },
        shown,
        included,
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
    await auditFhir(ctx, c, 'read', `${type}/${id}`, status, [
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
    await auditFhir(
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
    await auditFhir(ctx, c, 'vread', `${type}/${id}/_history/${vid}`, status, [
      stored ? patientOf(stored) : type === 'Patient' ? id : undefined,
    ]);
    if (!stored) throw notFound(`${type}/${id} has no version ${vid}`, { field: 'vid' });
    if (stored.deleted) return gone(c, `version ${vid} of ${type}/${id} is a deletion`);
    return resourceResponse(c, forPrincipal(c.get('principal'), [stored])[0] ?? stored);
  });

  app.get('/:type/:id/:operation', fhirParams(OperationParams), async (c) => {
    const { id } = c.req.valid('param');
    const url = new URL(c.req.url);
    const paging = parsePaging(url.searchParams, 'Patient/$everything', MAX_COUNT);
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
    await auditFhir(ctx, c, 'everything', `Patient/${id}/$everything`, status, [id]);
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

  // Everything else is not offered (writes are routes/fhir-write.ts, mounted before these).
  app.all('*', (c) => {
    c.header(
      'Allow',
      c.req.path === '/fhir' || c.req.path === '/fhir/'
        ? 'POST'
        : /^\/fhir\/[^/]+\/?$/.test(c.req.path)
          ? 'GET, POST, PUT'
          : 'GET, PUT, PATCH, DELETE',
    );
    return c.body(
      JSON.stringify(
        operationOutcome(
          'not-supported',
          `${c.req.method} ${c.req.path} is not supported; this FHIR API reads, searches, creates (POST /fhir/{type}), updates (PUT), patches (PATCH), deletes (DELETE /fhir/{type}/{id}) and takes transaction/batch Bundles at POST /fhir`,
        ),
      ),
      405,
      { 'Content-Type': FHIR_JSON },
    );
  });

  return app;
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
  parsed: ParsedFhirSearch,
): Promise<{ search: FhirSearch; empty?: boolean } | { refusePatient: string } | { refuseSearch: string }> {
  const search: FhirSearch = { ...parsed.search, ...(parsed.patient !== undefined ? { patient: parsed.patient } : {}) };
  const visible = await ctx.patientScope.visible(p);
  if (visible === undefined) return { search };
  if (type !== 'Patient' && !FHIR_TYPES[type]?.compartment) {
    // Directory data (practitioners, organizations, locations, medications) is nobody's record: staff
    // limited to their units search it; a patient reads their own compartment only, as on read; a Group
    // lists patients, so it takes a credential that sees every patient.
    if (patientAudience(p) || (p.patientId && p.scopes))
      return { refuseSearch: `${type} is outside your record: a patient searches their own compartment` };
    if (type === 'Group')
      return { refuseSearch: 'a Group lists patients: searching Groups needs access to all patients' };
    return { search };
  }
  if (type === 'Patient') {
    const ids = parsed.ids ? parsed.ids.filter((id) => visible.has(id)) : [...visible];
    // No visible id left: nothing to find (an empty `onlyIds` would still be a filter, but say so plainly).
    return ids.length ? { search: { ...search, onlyIds: ids } } : { search, empty: true };
  }
  const hidden = parsed.patients.find((id) => !visible.has(id));
  if (hidden !== undefined) return { refusePatient: hidden };
  if (parsed.patient !== undefined) return { search };
  if (visible.size === 1) return { search: { ...search, patient: [...visible][0]! } };
  if (visible.size === 0) return { search, empty: true };
  return { refuseSearch: `your access is limited to some patients: search ${type} with patient=<id>` };
}

/**
 * What `_include`/`_revinclude` may add for this principal: types its SMART scopes read, resources
 * of patients it sees, and resources outside any compartment unless it is a patient (who reads their
 * own compartment only, as on read).
 */
async function includedFor(
  ctx: AppContext,
  p: Principal,
  included: readonly StoredResource[],
): Promise<StoredResource[]> {
  if (included.length === 0) return [];
  const visible = await ctx.patientScope.visible(p);
  const patientOnly = patientAudience(p) || !!(p.patientId && p.scopes);
  return included.filter((r) => {
    if (p.scopes && !permits(p.scopes, r.resourceType, 'r')) return false;
    const patient = patientOf(r);
    if (patient !== undefined) return visible === undefined || visible.has(patient);
    return !patientOnly;
  });
}

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

function patientOf(s: StoredResource): string | undefined {
  return s.resourceType === 'Patient' ? s.id : s.patientId;
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
