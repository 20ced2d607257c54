import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { allFacts, isMedSeekError, type MedSeekError } from '../../core/index.js';
import { activeReleaseId } from '../../knowledge/index.js';
import { RuleStateCache, stateForRules } from '../../fusion/index.js';
import { recordAlertContext } from '../../learning/index.js';
import {
  evaluateRules,
  loadRuleConfiguration,
  loadSafetyRules,
  type RuleConfiguration,
  recordCriticalValues,
  releaseLabel,
  type SafetyRule,
  type SafetyRuleBook,
  safetyRulesFromData,
  severityRank,
} from '../../reasoning/index.js';
import { purposeOf } from '../audit/request.js';
import { refusePatient, STAFF } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { body, params } from '../validate.js';
import { type Card, cardOf } from './cards.js';
import { draftMedicationRefs } from './draft-orders.js';
import { FeedbackBody, recordCards, storeFeedback } from './feedback.js';
import { CdsAuthError, type CdsAuthSettings, type CdsCaller, loadCdsAuthSettings, verifyCdsJwt } from './jwt.js';
import { completePrefetch, type Fetch, PrefetchUnavailable } from './prefetch.js';
import { CDS_SERVICES, discovery } from './services.js';

/**
 * CDS Hooks serve the EHR acting for its signed-in clinician. The sub-app authenticates the EHR
 * itself (the CDS Hooks JWT, below) and its principal is a clinician; app.ts skips its own
 * authentication for this prefix.
 */
export const cdsPolicies: RoutePolicies = {
  'GET /cds-services': STAFF,
  'POST /cds-services/:id/feedback': STAFF,
  'POST /cds-services/:id': STAFF,
};

/** The hook request body (https://cds-hooks.hl7.org/2.0/#http-request_1). */
export const HookRequest = z
  .object({
    hook: z.string().min(1),
    hookInstance: z.string().min(1),
    fhirServer: z.string().url().optional(),
    fhirAuthorization: z
      .object({
        access_token: z.string().min(1),
        token_type: z.string().regex(/^bearer$/i),
        expires_in: z.number().int(),
        scope: z.string(),
        subject: z.string(),
      })
      .optional(),
    context: z.record(z.string(), z.unknown()),
    prefetch: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((r) => !r.fhirAuthorization || r.fhirServer, {
    message: 'fhirServer is required when fhirAuthorization is given',
    path: ['fhirServer'],
  });

/** A rule book with each service's rules taken from it. */
interface PreparedBook {
  readonly book: SafetyRuleBook;
  readonly release: string | undefined;
  readonly rules: ReadonlyMap<string, readonly SafetyRule[]>;
}

export interface CdsHooksOptions {
  readonly auth?: CdsAuthSettings;
  /** How missing prefetch is fetched from `fhirServer` (default: global fetch). */
  readonly fetch?: Fetch;
  /** Evaluation time (tests); default now. */
  readonly now?: () => string;
  /** How long a hospital's rule configuration is reused before it is read again (ms; default 5000, 0 = every call). */
  readonly configTtlMs?: number;
  /** Where fused prefetch facts are kept between calls (tests look at it); default a fresh cache per app. */
  readonly ruleStates?: RuleStateCache;
}

function claimedIssuer(authorization: string | undefined): string | undefined {
  const token = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  if (!token) return undefined;
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === 'string' ? iss.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

function errorBody(message: string, field?: string) {
  return { error: message, ...(field ? { field } : {}) };
}

/** The service named in the path (`/cds-services/{id}`); one that discovery does not list is a 404. */
export const ServiceParams = z.object({ id: z.string().min(1).max(200).describe('A CDS service id from discovery') });

/**
 * A validator from validate.ts whose refusal a CDS client gets as it always has: `{error, field}`
 * with a 400 (the first problem, its zod message as is), not the workspace's error document. Only
 * the validator's own refusal is rendered here; errors from the route after it go on as before.
 */
// biome-ignore lint/suspicious/noExplicitAny: keeps the validator's own input type, which the handler reads
function cds<M extends MiddlewareHandler<any, string, any>>(validator: M): M {
  const wrapped: MiddlewareHandler<AppEnv> = async (c, next) => {
    let passed = false;
    try {
      return await validator(c, async () => {
        passed = true;
        await next();
      });
    } catch (e) {
      if (passed || !isMedSeekError(e) || e.code !== 'invalid') throw e;
      return refusal(c, e);
    }
  };
  return wrapped as unknown as M;
}

function refusal(c: Context<AppEnv>, e: MedSeekError) {
  const first = e.issues[0] ?? { message: e.message, location: e.location };
  return c.json(errorBody(first.message, first.location.field), 400);
}

/**
 * The CDS Hooks sub-app, mounted at `/cds-services`: discovery, the three services, and feedback.
 * It authenticates the EHR itself with the CDS Hooks JWT (the app-wide API-key auth must skip this
 * prefix). Only high-severity findings come back as `critical` (interrupting) cards.
 */
export function cdsHooksRoutes(ctx: AppContext, options: CdsHooksOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const auth = options.auth ?? loadCdsAuthSettings(process.env, ctx.config.demo);

  const endpoints = (url: string, suffix: string) => {
    const u = new URL(url);
    const here = `${u.origin}${u.pathname}`.replace(/\/$/, '');
    return auth.baseUrl ? [`${auth.baseUrl}${suffix}`, here] : [here];
  };
  const ttl = options.configTtlMs ?? 5000;
  const configs = new Map<string, { at: number; config: RuleConfiguration }>();
  const configFor = async (hospital: string): Promise<RuleConfiguration> => {
    const hit = configs.get(hospital);
    if (hit && Date.now() - hit.at < ttl) return hit.config;
    const config: RuleConfiguration = await loadRuleConfiguration(ctx.db, hospital);
    configs.set(hospital, { at: Date.now(), config });
    return config;
  };
  // The active release's rule book and each service's rules, built once per release (a curator's
  // edit makes a new release, so the release id alone says whether they are still current).
  const books = new Map<number, Promise<PreparedBook>>();
  const prepare = (book: SafetyRuleBook): PreparedBook => ({
    book,
    release: releaseLabel(book),
    rules: new Map(CDS_SERVICES.map((s) => [s.id, s.rules(book)])),
  });
  const prepared = new WeakMap<SafetyRuleBook, PreparedBook>();
  const activeBook = async (): Promise<PreparedBook> => {
    const id = await activeReleaseId(ctx.db);
    if (id === undefined) {
      // No release active: the bundled data files' rule book (built once; rebuilt only if they change).
      const book = safetyRulesFromData();
      const known = prepared.get(book);
      if (known) return known;
      const p = prepare(book);
      prepared.set(book, p);
      return p;
    }
    let p = books.get(id);
    if (!p) {
      p = loadSafetyRules(ctx.db, id).then(prepare);
      books.set(id, p);
      p.catch(() => books.delete(id));
    }
    return p;
  };
  // The facts of each patient's prefetched record, reused while the same record is prefetched again.
  const ruleStates = options.ruleStates ?? new RuleStateCache();
  const authenticate = async (authorization: string | undefined, url: string, suffix: string): Promise<CdsCaller> =>
    verifyCdsJwt(auth, authorization, endpoints(url, suffix), ctx.db);

  app.use('*', async (c, next) => {
    const suffix = c.req.path.replace(/^.*?\/cds-services/, '');
    try {
      const caller = await authenticate(c.req.header('authorization'), c.req.url, suffix);
      // A CDS client (the EHR) calls on behalf of its signed-in clinician, for the patient in the hook's context.
      c.set('principal', {
        kind: caller.demo ? 'demo' : 'jwt',
        id: caller.demo ? 'demo' : `cds:${caller.iss}`,
        name: caller.iss,
        role: 'clinician',
        allPatients: true,
      });
    } catch (e) {
      if (e instanceof CdsAuthError) {
        // Refusals are on the record too, naming the issuer the token claimed (never the token).
        const iss = claimedIssuer(c.req.header('authorization'));
        await ctx.audit.record([
          {
            principal: iss ? `cds:${iss}` : 'anonymous',
            principalKind: iss ? 'jwt' : 'anonymous',
            action: 'denied',
            resource: c.req.path.slice(0, 2000),
            purpose: purposeOf(c),
            outcome: 401,
            requestId: c.get('requestId'),
            detail: { method: c.req.method, reason: e.message },
          },
        ]);
        c.header('WWW-Authenticate', 'Bearer realm="medseek-cds"');
        return c.json(errorBody(e.message), 401);
      }
      throw e;
    }
    return next();
  });

  app.get('/', (c) => c.json(discovery()));

  /** The service is looked up before the body is read: an unknown one is a 404 whatever was sent. */
  const known: MiddlewareHandler<AppEnv> = async (c, next) => {
    const id = c.req.param('id') ?? '';
    if (!CDS_SERVICES.some((s) => s.id === id)) return c.json(errorBody(`no CDS service '${id}'`), 404);
    await next();
  };

  app.post('/:id/feedback', cds(params(ServiceParams)), known, cds(body(FeedbackBody)), async (c) => {
    const { id } = c.req.valid('param');
    const n = await storeFeedback(ctx.db, id, c.req.valid('json'), c.get('principal')?.id);
    return c.json({ stored: n });
  });

  app.post('/:id', cds(params(ServiceParams)), known, cds(body(HookRequest)), async (c) => {
    const { id } = c.req.valid('param');
    const service = CDS_SERVICES.find((s) => s.id === id)!;
    const req = c.req.valid('json');
    if (req.hook !== service.hook)
      return c.json(errorBody(`service '${id}' answers '${service.hook}', not '${req.hook}'`, 'hook'), 400);
    const patientId = req.context.patientId;
    if (typeof patientId !== 'string' || !patientId)
      return c.json(errorBody('context.patientId is required', 'context.patientId'), 400);
    // The hook's patient must be one the caller may see (a CDS client is trusted for all patients today; kept for narrower callers).
    if (ctx.patientScope && !(await ctx.patientScope.allows(c.get('principal'), patientId)))
      return refusePatient(ctx, c, patientId);

    let data: Record<string, unknown>;
    try {
      ({ data } = await completePrefetch({
        templates: service.prefetch,
        context: req.context,
        prefetch: req.prefetch,
        fhirServer: req.fhirServer,
        fhirAuthorization: req.fhirAuthorization,
        required: Object.keys(service.prefetch),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }));
    } catch (e) {
      if (e instanceof PrefetchUnavailable) return c.json(errorBody(e.message, 'prefetch'), 412);
      throw e;
    }

    const now = options.now?.() ?? new Date().toISOString();
    let state: ReturnType<typeof stateForRules>;
    try {
      state = stateForRules(
        { prefetch: data, patientId, ...(req.context.draftOrders ? { draftOrders: req.context.draftOrders } : {}) },
        { at: now, cache: ruleStates },
      );
    } catch (e) {
      if (isMedSeekError(e)) return c.json(errorBody(e.message, e.location.field), 400);
      throw e;
    }

    // Which facts the hook is about: the selected orders (order-select) or every draft order (order-sign).
    let focus: Set<string> | undefined;
    if (service.focus !== 'none') {
      const drafts = draftMedicationRefs(req.context.draftOrders);
      const wanted = new Set(
        service.focus === 'selections' && Array.isArray(req.context.selections)
          ? (req.context.selections as unknown[]).map(String).filter((r) => drafts.includes(r))
          : drafts,
      );
      focus = new Set(
        allFacts(state)
          .filter((f) => f.sources.some((s) => s.kind === 'resource' && wanted.has(`${s.resourceType}/${s.id}`)))
          .map((f) => f.id),
      );
    }

    const hospital =
      (c.get('principal')?.kind === 'jwt' && typeof (req.context as { tenant?: unknown }).tenant === 'string'
        ? String((req.context as { tenant?: unknown }).tenant)
        : undefined) ?? 'default';
    const config = await configFor(hospital);
    // The active knowledge release's rule book: a curator's edit there changes the next card.
    const { book, release, rules } = await activeBook();
    const results = evaluateRules(state, rules.get(service.id)!, {
      config,
      ...(focus ? { focus } : {}),
      now,
      ...(release ? { knowledgeRelease: release } : {}),
    });
    results.sort((a, b) => severityRank(b.conclusion.severity) - severityRank(a.conclusion.severity));
    const cards: (Card & { ruleId: string })[] = results.map((r) => ({ ...cardOf(r, state, book), ruleId: r.ruleId }));
    await recordCards(ctx.db, id, req.hookInstance, patientId, cards);
    // The value each card's rule compared with its threshold, for the alert-burden view (learning/alert-burden.ts).
    for (const [i, r] of results.entries())
      if (r.trigger) await recordAlertContext(ctx.db, { cardUuid: cards[i]!.uuid, trigger: r.trigger });
    if (service.hook === 'patient-view')
      await recordCriticalValues(
        ctx.db,
        results,
        typeof req.context.encounterId === 'string' ? { encounterId: req.context.encounterId } : {},
      );
    return c.json({ cards: cards.map(({ ruleId: _r, ...card }) => card) });
  });

  return app;
}
