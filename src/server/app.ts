import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isMedSeekError } from '../core/index.js';
import { requireAuth } from './auth/middleware.js';
import { cdsHooksRoutes } from './cds-hooks/index.js';
import type { AppContext } from './context.js';
import type { AppEnv } from './env.js';
import { FHIR_JSON, operationOutcome, outcomeForError } from './fhir/operation-outcome.js';
import { patientLinkRoutes } from './patient-links/routes.js';
import { adminRoutes } from './routes/admin.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { consultRoutes } from './routes/consult.js';
import { fhirRoutes } from './routes/fhir.js';
import { healthRoutes } from './routes/health.js';
import { kgRoutes } from './routes/kg.js';
import { llmRoutes } from './routes/llm.js';
import { openapiRoutes } from './routes/openapi.js';
import { patientRoutes } from './routes/patients.js';
import { webRoutes } from './routes/web.js';
import { smartRoutes } from './smart/routes.js';

/** Paths anyone may call: liveness, and the FHIR CapabilityStatement (no patient data; SMART clients read it before they log in). */
const PUBLIC = new Set(['/health', '/fhir/metadata']);

/**
 * API prefixes whose routes authenticate callers themselves: CDS Hooks services verify the EHR's
 * own JWT (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients) and set the principal.
 */
const SELF_AUTHENTICATED = ['/cds-services'];

/** Prefixes of the API; everything else is the web workspace's static files (no data in them). */
const API_PREFIXES = ['/fhir', '/api', '/cds-services', '/mcp'];

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * The HTTP app. Route modules live in `routes/<name>.ts`, export `(ctx) => Hono<AppEnv>`, and are
 * mounted below with one line each. Authentication runs before every API route except PUBLIC;
 * errors anywhere become OperationOutcomes.
 */
export function createApp(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    const start = performance.now();
    await next();
    // Method, path and status only: no headers (credentials) and no query (may name patients).
    ctx.log.info({ requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - start), principal: c.get('principal')?.id }, 'request');
  });

  app.onError((e, c) => errorResponse(ctx, c, e));
  app.notFound((c) => c.body(JSON.stringify(operationOutcome('not-found', `no route for ${c.req.method} ${c.req.path}`)), 404, { 'Content-Type': FHIR_JSON }));

  const auth = requireAuth(ctx);
  app.use('*', async (c, next) => {
    const path = c.req.path;
    if (PUBLIC.has(path) || !isApiPath(path) || SELF_AUTHENTICATED.some((p) => path === p || path.startsWith(`${p}/`))) return next();
    return auth(c, next);
  });

  // Route modules: one line each.
  app.route('/health', healthRoutes(ctx));
  // SMART's discovery document sits under /fhir: mounted before the FHIR routes so they do not answer it.
  app.route('/', smartRoutes(ctx));
  app.route('/', openapiRoutes(ctx));
  app.route('/fhir', fhirRoutes(ctx));
  app.route('/api/auth', authRoutes(ctx));
  app.route('/api/admin', adminRoutes(ctx));
  app.route('/api/patient-links', patientLinkRoutes(ctx));
  app.route('/api/audit', auditRoutes(ctx));
  app.route('/api/consult', consultRoutes(ctx));
  app.route('/cds-services', cdsHooksRoutes(ctx));
  app.route('/api/kg', kgRoutes(ctx));
  app.route('/api/llm', llmRoutes(ctx));
  app.route('/api/patients', patientRoutes(ctx));

  // The web workspace last: it answers only what no API route did.
  app.route('/', webRoutes(ctx));
  return app;
}

function errorResponse(ctx: AppContext, c: Context, e: Error): Response {
  if (isMedSeekError(e)) {
    const { status, body } = outcomeForError(e);
    // 'unsupported' on Accept / content type has its own HTTP status.
    const field = e.location.field;
    const finalStatus = e.code === 'unsupported' && field === 'Accept' ? 406 : e.code === 'unsupported' && field === 'Content-Type' ? 415 : status;
    return c.body(JSON.stringify(body), finalStatus as 400, { 'Content-Type': FHIR_JSON });
  }
  if (e instanceof HTTPException) {
    const status = e.status;
    const code = status === 413 ? 'too-costly' : status === 401 ? 'login' : 'invalid';
    return c.body(JSON.stringify(operationOutcome(code, e.message || `HTTP ${status}`)), status, { 'Content-Type': FHIR_JSON });
  }
  ctx.log.error({ err: e, path: c.req.path }, 'unhandled error');
  return c.body(JSON.stringify(operationOutcome('exception', 'internal error; see the server log')), 500, { 'Content-Type': FHIR_JSON });
}
