import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, ROUTE_POLICIES } from '../../src/server/app.js';
import { accessControl, allowedBy, isMiddleware, routeKey } from '../../src/server/auth/authorize.js';
import type { AppContext } from '../../src/server/context.js';
import type { AppEnv, Principal, Role, RouteAccess, RoutePolicies } from '../../src/server/env.js';
import { forEachBackend } from '../support/backends.js';
import { accessContext, accessKeys, OTHER, OWN } from './fixtures.js';

/** Every route an app answers (its handlers, not the middleware in front of them), keyed `METHOD /path`. */
function routesOf(app: Hono<AppEnv>): { method: string; path: string; key: string }[] {
  const seen = new Map<string, { method: string; path: string; key: string }>();
  for (const r of app.routes)
    if (!isMiddleware(r)) seen.set(routeKey(r), { method: r.method, path: r.path, key: routeKey(r) });
  return [...seen.values()];
}

function withoutPolicy(app: Hono<AppEnv>, policies: RoutePolicies): string[] {
  return routesOf(app)
    .map((r) => r.key)
    .filter((k) => !(k in policies));
}

/** A concrete request for a route pattern, about `patient`: FHIR asks for the patient's record. */
function concrete(
  method: string,
  path: string,
  patient: string,
): { method: string; url: string; body?: string; type?: string } {
  let url = path
    .replace('/fhir/:type/:id/:operation', `/fhir/Patient/${patient}/$everything`)
    .replace('/fhir/:type/:id', `/fhir/Patient/${patient}`)
    .replace('/fhir/:type', '/fhir/Observation')
    .replace('/api/patients/:id', `/api/patients/${patient}`)
    .replace('/api/followup/patients/:id', `/api/followup/patients/${patient}`)
    .replace(/:vid\b/, '1')
    .replace(/:[A-Za-z]+/g, 'x')
    .replace(/\*$/, 'x');
  if (url === '/fhir/Observation') url += `?patient=${patient}`;
  const m = method === 'ALL' ? 'DELETE' : method;
  if (url.endsWith('/_search'))
    return { method: m, url, body: `patient=${patient}`, type: 'application/x-www-form-urlencoded' };
  if (url === '/fhir') return { method: m, url, body: '{}', type: 'application/fhir+json' };
  // Single-resource writes: a valid resource in the patient's record (create and update).
  if (m === 'POST' && url.startsWith('/fhir/Observation')) {
    const obs = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'heart rate' },
      subject: { reference: `Patient/${patient}` },
    };
    return { method: m, url: '/fhir/Observation', body: JSON.stringify(obs), type: 'application/fhir+json' };
  }
  if (m === 'PUT' && url === `/fhir/Patient/${patient}`)
    return {
      method: m,
      url,
      body: JSON.stringify({ resourceType: 'Patient', id: patient }),
      type: 'application/fhir+json',
    };
  return m === 'GET' || m === 'DELETE' ? { method: m, url } : { method: m, url, body: '{}', type: 'application/json' };
}

/** Routes whose handlers are about one patient (the other patient's credential must be refused there). */
const PATIENT_ROUTES = /^\/(fhir\/:type(\/|$)|api\/patients\/:id|api\/followup\/patients\/:id)/;
/**
 * Allowed by role, refused by the route itself for a reason beyond the role (`route role`): each
 * entry says why. A new 401/403 for an allowed role fails the test until it is listed here.
 */
const OWN_REFUSALS: Record<string, string> = {
  'POST /fhir clinician': 'a clinician limited to units may not post a transaction (it may touch any patient)',
  'POST /fhir/ clinician': 'the same, at the base with a trailing slash',
  'POST /api/auth/password admin': 'only a logged-in workspace user changes a password (an API key has none)',
  'POST /api/auth/password clinician': 'the same',
  'POST /api/auth/password patient': 'the same',
  'GET /api/patient-links/me patient': 'only a patient who opened a link (a link principal), not a patient API key',
  'POST /api/patient-links/consent patient': 'the same',
};

/** Sub-apps that authenticate their callers themselves (CDS Hooks: the EHR's JWT): our credentials get 401. */
const SELF_AUTHENTICATED = /^\/cds-services(\/|$)/;

forEachBackend('access policy of every route', (db) => {
  let ctx: AppContext;
  let app: Hono<AppEnv>;
  let keys: Awaited<ReturnType<typeof accessKeys>>;

  beforeAll(async () => {
    ctx = await accessContext(db());
    keys = await accessKeys(ctx);
    app = createApp(ctx);
  });

  const call = async (method: string, path: string, patient: string, key?: string) => {
    const req = concrete(method, path, patient);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (key) headers.Authorization = `Bearer ${key}`;
    if (req.type) headers['Content-Type'] = req.type;
    const res = await app.request(req.url, {
      method: req.method,
      headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
    });
    // A stream (server-sent events) never ends: its status is the answer.
    const streaming = (res.headers.get('content-type') ?? '').includes('event-stream');
    if (streaming) await res.body?.cancel();
    const text = streaming ? '' : await res.text();
    return { status: res.status, text, url: `${req.method} ${req.url}` };
  };

  it('lists a policy for every route of the app', () => {
    expect(withoutPolicy(app, ROUTE_POLICIES)).toEqual([]);
    expect(routesOf(app).length).toBeGreaterThan(30);
  });

  it('finds a route without a policy, and refuses it 403 at run time', async () => {
    const extra = new Hono<AppEnv>();
    extra.use('*', accessControl(ctx, { 'GET /listed': 'authenticated' }, { isApiPath: () => true }));
    extra.get('/listed', (c) => c.text('ok'));
    extra.get('/unlisted', (c) => c.text('ok'));
    expect(withoutPolicy(extra, { 'GET /listed': 'authenticated' })).toEqual(['GET /unlisted']);
    const auth = { headers: { Authorization: `Bearer ${keys.admin}` } };
    expect((await extra.request('/listed', auth)).status).toBe(200);
    const refused = await extra.request('/unlisted', auth);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('no access policy for this route');
  });

  const roles: [Role, 'admin' | 'clinician' | 'patient'][] = [
    ['admin', 'admin'],
    ['clinician', 'clinician'],
    ['patient', 'patient'],
  ];

  describe('each route, without a credential and with each role', () => {
    it('answers as its policy says', async () => {
      const failures: string[] = [];
      for (const r of routesOf(app)) {
        const policy: RouteAccess | undefined = ROUTE_POLICIES[r.key];
        if (!policy) continue;
        const self = SELF_AUTHENTICATED.test(r.path);
        const anonymous = await call(r.method, r.path, OWN);
        if (policy === 'public') {
          // A public route may refuse bad input (even 401/403 of its own, e.g. a failed login), never for want of a credential.
          if (anonymous.text.includes('authentication required'))
            failures.push(`${r.key} public, but a credential was required for ${anonymous.url}`);
        } else if (anonymous.status !== 401)
          failures.push(`${r.key} without credential: want 401, got ${anonymous.status}`);
        if (policy === 'public') continue;
        for (const [role, key] of roles) {
          const res = await call(r.method, r.path, OWN, keys[key]);
          const allowed = allowedBy(policy, { role } as Principal);
          if (self) {
            if (res.status !== 401)
              failures.push(`${r.key} as ${role}: self-authenticated, want 401, got ${res.status}`);
          } else if (allowed && (res.status === 401 || res.status === 403) && !OWN_REFUSALS[`${r.key} ${role}`])
            failures.push(`${r.key} as ${role}: allowed, got ${res.status} ${res.text.slice(0, 160)}`);
          else if (!allowed && res.status !== 403)
            failures.push(`${r.key} as ${role}: not allowed, want 403, got ${res.status}`);
        }
        // Another patient's credential (and a clinician outside the unit) on a route about this patient.
        if (!self && PATIENT_ROUTES.test(r.path)) {
          for (const [who, key, patient] of [
            ['the other patient', keys.otherPatient, OWN],
            ['a clinician of another unit', keys.clinician, OTHER],
          ] as const) {
            const res = await call(r.method, r.path, patient, key);
            if (res.status !== 403 && res.status !== 404)
              failures.push(`${r.key} as ${who}: want 403/404, got ${res.status}`);
          }
        }
      }
      expect(failures).toEqual([]);
    }, 240_000);
  });
});
