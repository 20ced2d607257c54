import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { invalid, isMedSeekError } from '../core/index.js';
import { accessControl, mergePolicies } from './auth/authorize.js';
import { cdsHooksRoutes } from './cds-hooks/index.js';
import { cdsPolicies } from './cds-hooks/routes.js';
import type { AppContext } from './context.js';
import type { AppEnv, RoutePolicies } from './env.js';
import { FHIR_JSON, operationOutcome, outcomeForError } from './fhir/operation-outcome.js';
import { FhirInvalid } from './fhir/validate.js';
import { backupPolicies, backupRoutes, mountHttpDefences } from './http/index.js';
import { patientLinkPolicies, patientLinkRoutes } from './patient-links/routes.js';
import { adminPolicies, adminRoutes } from './routes/admin.js';
import { askPolicies, askRoutes } from './routes/ask.js';
import { auditPolicies, auditRoutes } from './routes/audit.js';
import { authPolicies, authRoutes } from './routes/auth.js';
import { consultPolicies, consultRoutes } from './routes/consult.js';
import { fhirPolicies, fhirRoutes } from './routes/fhir.js';
import { fhirWritePolicies, mountFhirWrites } from './routes/fhir-write.js';
import { fhirBulkPolicies, fhirBulkRoutes } from './routes/fhir-bulk.js';
import { followUpPolicies, followUpRoutes } from './routes/followup.js';
import { healthPolicies, healthRoutes } from './routes/health.js';
import { imagingPolicies, imagingRoutes } from './routes/imaging.js';
import { jobPolicies, jobRoutes } from './routes/jobs.js';
import { kgPolicies, kgRoutes } from './routes/kg.js';
import { learningAdminPolicies, learningAdminRoutes } from './routes/learning-admin.js';
import { llmPolicies, llmRoutes } from './routes/llm.js';
import { mcpPolicies, mcpRoutes } from './routes/mcp.js';
import { openapiPolicies, openapiRoutes } from './routes/openapi.js';
import { patientPolicies, patientRoutes } from './routes/patients.js';
import { teachingPolicies, teachingRoutes } from './routes/teaching.js';
import { dictationRoutes, voicePolicies, voiceRoutes } from './routes/voice.js';
import { webPolicies, webRoutes } from './routes/web.js';
import { trustedIssuers } from './smart/pull-route.js';
import { smartPolicies, smartRoutes } from './smart/routes.js';

/**
 * API prefixes whose routes authenticate callers themselves: CDS Hooks services verify the EHR's
 * own JWT (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients) and set the principal.
 */
const SELF_AUTHENTICATED = ['/cds-services'];

/** Prefixes of the API; everything else is the web workspace's static files (no data in them). */
const API_PREFIXES = ['/fhir', '/api', '/cds-services', '/mcp', '/oauth2', '/openapi.json', '/.well-known'];

const under = (prefixes: readonly string[], path: string) =>
  prefixes.some((p) => path === p || path.startsWith(`${p}/`));

export function isApiPath(path: string): boolean {
  return under(API_PREFIXES, path);
}

/** Every route's access policy, keyed as Hono lists the mounted routes (`GET /api/patients/:id`). */
export const ROUTE_POLICIES: RoutePolicies = mergePolicies(
  healthPolicies,
  smartPolicies,
  openapiPolicies,
  fhirPolicies,
  fhirBulkPolicies,
  fhirWritePolicies,
  authPolicies,
  adminPolicies,
  learningAdminPolicies,
  patientLinkPolicies,
  auditPolicies,
  consultPolicies,
  cdsPolicies,
  kgPolicies,
  llmPolicies,
  mcpPolicies,
  askPolicies,
  patientPolicies,
  imagingPolicies,
  followUpPolicies,
  webPolicies,
  backupPolicies,
  teachingPolicies,
  voicePolicies,
  jobPolicies,
);

/**
 * The HTTP app. Route modules live in `routes/<name>.ts`, export `(ctx) => Hono<AppEnv>`, and are
 * mounted below with one line each, and export their access policies, merged in ROUTE_POLICIES:
 * authentication and authorization run before every route (auth/authorize.ts); errors anywhere
 * become OperationOutcomes.
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
    ctx.log.info(
      {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - start),
        principal: c.get('principal')?.id,
      },
      'request',
    );
  });

  app.onError((e, c) => errorResponse(ctx, c, e));
  app.notFound((c) =>
    c.body(JSON.stringify(operationOutcome('not-found', `no route for ${c.req.method} ${c.req.path}`)), 404, {
      'Content-Type': FHIR_JSON,
    }),
  );

  // Secure headers, allowed hosts, rate limits: before access control, so refusals carry them too.
  mountHttpDefences(app, ctx, process.env, { connectSources: () => trustedIssuers(ctx) });
  app.use(
    '*',
    accessControl(ctx, ROUTE_POLICIES, {
      isApiPath,
      selfAuthenticated: (path) => under(SELF_AUTHENTICATED, path),
      isCatchAll: (r) => r.path === '/*',
    }),
  );

  // Route modules: one line each.
  app.route('/health', healthRoutes(ctx));
  // SMART's discovery document sits under /fhir: mounted before the FHIR routes so they do not answer it.
  app.route('/', smartRoutes(ctx));
  app.route('/', openapiRoutes(ctx, ROUTE_POLICIES));
  // Bulk export before the FHIR routes, whose `/:type/:id/:operation` would otherwise answer `Group/x/$export`.
  app.route('/fhir', fhirBulkRoutes(ctx));
  mountFhirWrites(app, ctx); // before fhirRoutes: its writes answer first, its 405 catch-all last
  app.route('/fhir', fhirRoutes(ctx));
  app.route('/api/auth', authRoutes(ctx));
  app.route('/api/admin', adminRoutes(ctx));
  app.route('/api/admin', learningAdminRoutes(ctx));
  app.route('/api/patient-links', patientLinkRoutes(ctx));
  app.route('/api/audit', auditRoutes(ctx));
  app.route('/api/consult', consultRoutes(ctx));
  app.route('/cds-services', cdsHooksRoutes(ctx));
  app.route('/api/kg', kgRoutes(ctx));
  app.route('/api/llm', llmRoutes(ctx));
  app.route('/api/patients', patientRoutes(ctx));
  app.route('/api/patients', imagingRoutes(ctx));
  app.route('/api/patients', askRoutes(ctx));
  app.route('/api/followup', followUpRoutes(ctx));
  app.route('/api/backup', backupRoutes(ctx));
  app.route('/mcp', mcpRoutes(ctx));
  app.route('/api/teaching', teachingRoutes(ctx));
  app.route('/api/voice', voiceRoutes(ctx));
  app.route('/api/patients', dictationRoutes(ctx));
  app.route('/api/jobs', jobRoutes(ctx));

  // The web workspace last: it answers only what no API route did.
  app.route('/', webRoutes(ctx));
  return app;
}

function errorResponse(ctx: AppContext, c: Context, e: Error): Response {
  // A /fhir validation refusal carries its OperationOutcome, each issue with its R4 issue type.
  if (e instanceof FhirInvalid) return c.body(JSON.stringify(e.outcome), 400, { 'Content-Type': FHIR_JSON });
  if (isMedSeekError(e)) {
    const { status, body } = outcomeForError(e);
    // 'unsupported' on Accept / content type has its own HTTP status.
    const field = e.location.field;
    const finalStatus =
      e.code === 'unsupported' && field === 'Accept'
        ? 406
        : e.code === 'unsupported' && field === 'Content-Type'
          ? 415
          : status;
    return c.body(JSON.stringify(body), finalStatus as 400, { 'Content-Type': FHIR_JSON });
  }
  if (e instanceof HTTPException) {
    const status = e.status;
    const code = status === 413 ? 'too-costly' : status === 401 ? 'login' : 'invalid';
    return c.body(JSON.stringify(operationOutcome(code, e.message || `HTTP ${status}`)), status, {
      'Content-Type': FHIR_JSON,
    });
  }
  const sqlState = (e as { code?: unknown }).code;
  // PostgreSQL cannot store NUL (U+0000) in text or JSONB: the input is at fault, not the server.
  if (sqlState === '22021' || sqlState === '22P05')
    return errorResponse(ctx, c, invalid('the request contains a NUL character (U+0000), which cannot be stored'));
  ctx.log.error({ err: e, path: c.req.path }, 'unhandled error');
  return c.body(JSON.stringify(operationOutcome('exception', 'internal error; see the server log')), 500, {
    'Content-Type': FHIR_JSON,
  });
}
