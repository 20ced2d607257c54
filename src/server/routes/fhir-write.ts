import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { invalid, MedSeekError } from '../../core/index.js';
import { STAFF } from '../auth/authorize.js';
import { refuse } from '../auth/middleware.js';
import { permits } from '../auth/smart-scopes.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { postBundle } from '../fhir/bundle-post.js';
import { auditFhir, baseOf, requireJsonAccept } from '../fhir/http.js';
import { FHIR_JSON, operationOutcome } from '../fhir/operation-outcome.js';
import { fhirParams } from '../fhir/validate.js';
import type { WriteAccess } from '../fhir/write/access.js';
import { executeWrite, type WriteRequest } from '../fhir/write/engine.js';
import { WriteFailure } from '../fhir/write/failure.js';
import { conditionQuery, ifMatchVersion, preferReturn } from '../fhir/write/headers.js';
import { needsWriteEngine } from '../fhir/write/bundle.js';
import { PATCH_FORMATS } from '../fhir/write/interactions.js';
import { writeAnswer } from '../fhir/write/response.js';
import { ReadParams, TypeParams } from './schemas/fhir.js';

/**
 * The FHIR R4 write interactions (https://hl7.org/fhir/R4/http.html): create (and conditional
 * create with If-None-Exist), update (and update as create, conditional update `PUT /fhir/{type}?…`),
 * JSON Patch, delete, and transaction/batch Bundles at the base with or without a trailing slash.
 * Every write runs in one database transaction through fhir/write/engine.ts: R4 validation as an
 * import does it, the store's versioning and search indexing, the caller's role, SMART scopes and
 * patient scope; every write (and every refusal) is audited with the patients it touched. Patient
 * state is built from the store when asked for, so the next view already reflects the write.
 */
export const fhirWritePolicies: RoutePolicies = {
  'POST /fhir': STAFF,
  'POST /fhir/': STAFF,
  'POST /fhir/:type': STAFF,
  'PUT /fhir/:type/:id': STAFF,
  'PUT /fhir/:type': STAFF,
  'PATCH /fhir/:type/:id': STAFF,
  'DELETE /fhir/:type/:id': STAFF,
};

/** A single resource (or patch) in a body: the import's per-resource limit. */
const MAX_RESOURCE_BYTES = 16 * 1024 * 1024;
/** Largest Bundle accepted at the base; bigger files go through `medseek import` (streamed). */
const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/** Mounts the write routes: `/fhir/…`, and the base with a trailing slash (`POST /fhir/`), which clients send. */
export function mountFhirWrites(app: Hono<AppEnv>, ctx: AppContext): void {
  const slash = new Hono<AppEnv>();
  slash.post('/', limit(MAX_BUNDLE_BYTES), (c) => bundle(ctx, c));
  app.route('/fhir/', slash);
  app.route('/fhir', fhirWriteRoutes(ctx));
}

export function fhirWriteRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/', limit(MAX_BUNDLE_BYTES), (c) => bundle(ctx, c));

  app.post('/:type', limit(MAX_RESOURCE_BYTES), fhirParams(TypeParams), async (c) => {
    const { type } = c.req.valid('param');
    const resource = await resourceBody(c);
    const ifNoneExist = conditionQuery(c.req.header('if-none-exist'));
    return write(ctx, c, { kind: 'create', type, resource, ...(ifNoneExist ? { ifNoneExist } : {}) });
  });

  // Conditional update: `PUT /fhir/Patient?identifier=…`.
  app.put('/:type', limit(MAX_RESOURCE_BYTES), fhirParams(TypeParams), async (c) => {
    const { type } = c.req.valid('param');
    const query = new URL(c.req.url).search.slice(1);
    if (query === '')
      throw invalid(`PUT /fhir/${type} needs a search (a conditional update) or an id: PUT /fhir/${type}/{id}`, {
        field: 'url',
      });
    const resource = await resourceBody(c);
    return write(ctx, c, { kind: 'conditional-update', type, query, resource, ...ifMatch(c) });
  });

  app.put('/:type/:id', limit(MAX_RESOURCE_BYTES), fhirParams(ReadParams), async (c) => {
    const { type, id } = c.req.valid('param');
    const resource = await resourceBody(c);
    return write(ctx, c, { kind: 'update', type, id, resource, ...ifMatch(c) });
  });

  app.patch('/:type/:id', limit(MAX_RESOURCE_BYTES), fhirParams(ReadParams), async (c) => {
    const { type, id } = c.req.valid('param');
    requireJsonAccept(c);
    const text = await c.req.text();
    // Checked once the caller's access to the resource is (the engine calls it then).
    const patch = () => {
      const contentType = c.req.header('content-type') ?? '';
      if (!/^application\/json-patch\+json\b/i.test(contentType))
        throw new MedSeekError(
          'unsupported',
          `PATCH takes a JSON Patch: Content-Type ${PATCH_FORMATS[0]}, got '${contentType || 'none'}' ` +
            '(FHIRPath Patch is not supported)',
          { field: 'Content-Type' },
        );
      return parseJsonText(text);
    };
    return write(ctx, c, { kind: 'patch', type, id, patch, ...ifMatch(c) });
  });

  app.delete('/:type/:id', fhirParams(ReadParams), async (c) => {
    const { type, id } = c.req.valid('param');
    requireJsonAccept(c);
    return write(ctx, c, { kind: 'delete', type, id, ...ifMatch(c) });
  });

  return app;
}

/** Runs one write in a transaction and answers it; refusals are audited like every other 403. */
async function write(ctx: AppContext, c: Context<AppEnv>, request: WriteRequest): Promise<Response> {
  const p = c.get('principal');
  const access = await accessOf(ctx, c);
  const base = baseOf(c);
  try {
    const r = await ctx.db.transaction((tx) =>
      executeWrite({ repo: ctx.resources, tx, access, where: 'body' }, request),
    );
    const answer = writeAnswer(base, r, preferReturn(c.req.header('prefer')));
    await auditFhir(ctx, c, r.interaction, `${r.type}/${r.id}`, answer.status, r.patients);
    if (answer.body === undefined) return c.body(null, answer.status, answer.headers);
    return c.body(answer.body, answer.status as 200 | 201, { ...answer.headers, 'Content-Type': FHIR_JSON });
  } catch (e) {
    if (!(e instanceof WriteFailure)) throw e;
    if (e.status === 403) return refuse(ctx, c, 403, e.message, p.id, e.patient);
    return c.body(JSON.stringify(e.outcome), e.status, { 'Content-Type': FHIR_JSON });
  }
}

/** `POST /fhir` and `POST /fhir/`: a transaction or batch Bundle. */
async function bundle(ctx: AppContext, c: Context<AppEnv>): Promise<Response> {
  const p = c.get('principal');
  requireJsonAccept(c);
  requireJson(c, 'POST /fhir');
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const access = await accessOf(ctx, c);
  // The import path writes any patient and any type: it needs the scopes and the reach for that.
  // Entries the write engine runs are checked one by one instead.
  if (!usesEngine(bytes)) {
    if (p.scopes && !(permits(p.scopes, '*', 'c') && permits(p.scopes, '*', 'u')))
      return refuse(ctx, c, 403, 'a transaction needs the scopes user/*.cu (or system/*.cu)', p.id);
    // A clinician limited to units writes only through the workspace, where each patient is checked.
    if (access.visible !== undefined)
      return refuse(
        ctx,
        c,
        403,
        'a transaction may touch any patient: it needs a credential that sees all patients',
        p.id,
      );
  }
  const prefer = c.req.header('prefer');
  const result = await postBundle(ctx.db, ctx.resources, bytes, baseOf(c), {
    access,
    prefer: prefer ? preferReturn(prefer) : 'minimal',
  });
  await auditFhir(ctx, c, result.kind, 'Bundle', result.status, result.patients);
  return c.body(JSON.stringify(result.body), result.status, { 'Content-Type': FHIR_JSON });
}

/** Whether the Bundle goes to the write engine (cheap look at the parsed body; postBundle re-checks it all). */
function usesEngine(bytes: Uint8Array): boolean {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { entry?: unknown };
    return Array.isArray(doc?.entry) && needsWriteEngine(doc.entry);
  } catch {
    return false;
  }
}

async function accessOf(ctx: AppContext, c: Context<AppEnv>): Promise<WriteAccess> {
  const p = c.get('principal');
  const visible = await ctx.patientScope.visible(p);
  return { ...(p.scopes ? { scopes: p.scopes } : {}), ...(visible ? { visible } : {}) };
}

function ifMatch(c: Context<AppEnv>): { ifMatch?: number } {
  const v = ifMatchVersion(c.req.header('if-match'));
  return v === undefined ? {} : { ifMatch: v };
}

async function resourceBody(c: Context<AppEnv>): Promise<unknown> {
  requireJsonAccept(c);
  requireJson(c, `${c.req.method} ${c.req.path}`);
  return jsonOf(c);
}

function requireJson(c: Context<AppEnv>, what: string): void {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/(fhir\+)?json\b/i.test(contentType))
    throw new MedSeekError(
      'unsupported',
      `${what} needs Content-Type application/fhir+json, got '${contentType || 'none'}'`,
      { field: 'Content-Type' },
    );
}

async function jsonOf(c: Context<AppEnv>): Promise<unknown> {
  return parseJsonText(await c.req.text());
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid(`the body is not valid JSON: ${(e as Error).message}`, { where: 'body' });
  }
}

function limit(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      c.body(
        JSON.stringify(
          operationOutcome(
            'too-costly',
            `the body is over ${maxSize} bytes; import large files with \`medseek import\``,
          ),
        ),
        413,
        { 'Content-Type': FHIR_JSON },
      ),
  });
}
