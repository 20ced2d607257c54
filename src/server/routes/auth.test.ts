import { Hono } from 'hono';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { isMedSeekError, loadConfig } from '../../core/index.js';
import { createApp } from '../app.js';
import { sessionAuthenticator } from '../auth/session-auth.js';
import { UserStore } from '../auth/users.js';
import { type AppContext, openContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { outcomeForError } from '../fhir/operation-outcome.js';
import { createLogger } from '../logger.js';
import { authPolicies, authRoutes, safeReturn } from './auth.js';

const PASSWORD = 'a long enough passphrase';

type Jar = Map<string, string>;
function store(jar: Jar, res: Response): string[] {
  const raw = res.headers.getSetCookie();
  for (const c of raw) {
    const [pair] = c.split(';');
    const at = pair!.indexOf('=');
    const value = pair!.slice(at + 1);
    if (!value || /max-age=0/i.test(c)) jar.delete(pair!.slice(0, at));
    else jar.set(pair!.slice(0, at), value);
  }
  return raw;
}
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

// The routes on their own, behind the session authenticator alone (the app's middleware adds API keys, JWTs, policies).
forEachBackend('auth routes', (db) => {
  let ctx: AppContext;
  let app: Hono<AppEnv>;
  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    await new UserStore(ctx.db).create({
      username: 'dr.sun',
      displayName: '孙医生',
      password: PASSWORD,
      role: 'clinician',
      units: ['ward-1'],
    });
    app = new Hono<AppEnv>();
    app.onError((e, c) => {
      if (!isMedSeekError(e)) throw e;
      const { status, body } = outcomeForError(e);
      return c.json(body, status as 400);
    });
    app.use('*', async (c, next) => {
      if (authPolicies[`${c.req.method} ${c.req.path}`] === 'public') return next();
      const r = await sessionAuthenticator(ctx, c);
      if (!r) return c.json({ error: 'no credential' }, 401);
      if ('refused' in r) return c.json({ error: r.refused.reason }, 401);
      c.set('principal', r.principal);
      return next();
    });
    app.route('/api/auth', authRoutes(ctx));
  });

  const post = (path: string, body: unknown, jar?: Jar, csrf = true) =>
    app.request(`/api/auth${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(jar ? { Cookie: cookieHeader(jar) } : {}),
        ...(jar && csrf && jar.get('medseek_csrf') ? { 'X-CSRF-Token': jar.get('medseek_csrf')! } : {}),
      },
      body: JSON.stringify(body),
    });
  const me = (jar: Jar) => app.request('/api/auth/me', { headers: { Cookie: cookieHeader(jar) } });

  it('answers 401 to /me when no one is logged in', async () => {
    expect((await me(new Map())).status).toBe(401);
  });

  it('logs in: an HttpOnly SameSite=Lax session cookie, a readable CSRF cookie, the user without secrets', async () => {
    const jar: Jar = new Map();
    const res = await post('/login', { username: 'DR.SUN', password: PASSWORD });
    expect(res.status).toBe(200);
    const cookies = store(jar, res);
    const session = cookies.find((c) => c.startsWith('medseek_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Path=\//);
    expect(session).not.toMatch(/Secure/);
    expect(cookies.find((c) => c.startsWith('medseek_csrf='))).not.toMatch(/HttpOnly/);
    const body = (await res.json()) as { user: Record<string, unknown> };
    expect(body.user).toMatchObject({ username: 'dr.sun', role: 'clinician' });
    expect(JSON.stringify(body)).not.toMatch(/scrypt|password/i);
    expect(await (await me(jar)).json()).toMatchObject({ kind: 'session', name: '孙医生', role: 'clinician' });
    const audit = await ctx.db.query<{ n: number }>(
      "select count(*)::int as n from medseek_audit where action = 'login' and outcome = 200",
    );
    expect(audit.rows[0]!.n).toBe(1);
  });

  it('marks the cookies Secure when the request came over https', async () => {
    const res = await app.request('https://medseek.example/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'dr.sun', password: PASSWORD }),
    });
    for (const c of res.headers.getSetCookie()) expect(c).toMatch(/Secure/);
  });

  it('says "wrong username or password" alike for an unknown name and a wrong password', async () => {
    const a = await post('/login', { username: 'nobody', password: 'whatever it is' });
    const b = await post('/login', { username: 'dr.sun', password: 'whatever it is' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(await a.text()).toBe(await b.text());
    // A body that is not {username, password} names the field.
    const bad = await post('/login', { username: 42, password: 'x' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/username/);
    // A form another site could post (no preflight) is not accepted.
    const form = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ username: 'dr.sun', password: PASSWORD }),
    });
    expect([400, 415]).toContain(form.status);
    expect(await form.text()).toMatch(/application\/json/);
  });

  it('locks after five failures and says for how long', async () => {
    await new UserStore(ctx.db).create({ username: 'dr.lock', password: PASSWORD, role: 'clinician' });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await post('/login', { username: 'dr.lock', password: `wrong password ${i}` });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    const body = (await last!.json()) as {
      issue: { diagnostics: string; details: { coding: { code: string }[] }; extension: { valueInteger: number }[] }[];
    };
    expect(body.issue[0]!.diagnostics).toMatch(/locked.*15 minutes/);
    expect(body.issue[0]!.details.coding[0]!.code).toBe('locked');
    expect(body.issue[0]!.extension[0]!.valueInteger).toBe(15);
    expect((await post('/login', { username: 'dr.lock', password: PASSWORD })).status).toBe(429);
  });

  it('logs out (CSRF token required) and the session is gone', async () => {
    const jar: Jar = new Map();
    store(jar, await post('/login', { username: 'dr.sun', password: PASSWORD }));
    expect((await post('/logout', {}, jar, false)).status).toBe(403);
    const copy = new Map(jar);
    const out = await post('/logout', {}, jar);
    expect(out.status).toBe(204);
    store(jar, out);
    expect(jar.has('medseek_session')).toBe(false);
    // The old cookie, replayed, no longer works.
    expect((await me(copy)).status).toBe(401);
  });

  it('changes the own password: current one checked, rules applied, a fresh session', async () => {
    const jar: Jar = new Map();
    store(jar, await post('/login', { username: 'dr.sun', password: PASSWORD }));
    const old = new Map(jar);
    const wrong = await post(
      '/password',
      { currentPassword: 'not the password', newPassword: 'a new long passphrase' },
      jar,
    );
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/currentPassword/);
    const short = await post('/password', { currentPassword: PASSWORD, newPassword: 'short' }, jar);
    expect(short.status).toBe(400);
    expect(await short.text()).toMatch(/at least 12 characters/);
    const ok = await post('/password', { currentPassword: PASSWORD, newPassword: 'a new long passphrase' }, jar);
    expect(ok.status).toBe(200);
    store(jar, ok);
    expect((await me(old)).status).toBe(401);
    expect((await me(jar)).status).toBe(200);
    expect((await post('/login', { username: 'dr.sun', password: 'a new long passphrase' })).status).toBe(200);
  });

  it('reports no OpenID Connect provider when none is configured', async () => {
    const res = await app.request('/api/auth/providers');
    expect(await res.json()).toEqual({ local: true, oidc: null });
    expect((await app.request('/api/auth/oidc/login')).status).toBe(404);
  });
});

it('accepts a same-origin path as return target and nothing else', () => {
  expect(safeReturn('/oauth2/authorize?client_id=x&state=y')).toBe('/oauth2/authorize?client_id=x&state=y');
  expect(safeReturn('/#/patients/7')).toBe('/#/patients/7');
  expect(safeReturn(undefined)).toBeUndefined();
  for (const bad of [
    '//evil.example',
    'https://evil.example/',
    '/\\evil.example',
    'javascript:alert(1)',
    'relative/path',
    '/\nx',
  ])
    expect(() => safeReturn(bad)).toThrow(/path on this server/);
});

// Through the whole app (policies, the auth middleware with every authenticator): what the workspace does.
forEachBackend('auth routes in the app', (db) => {
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    const ctx = await openContext(loadConfig({}, { logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    await new UserStore(ctx.db).create({ username: 'dr.he', password: PASSWORD, role: 'clinician', allPatients: true });
    app = createApp(ctx);
  });

  it('answers /me with 401 until login, then with the session principal; unsafe calls need the CSRF token', async () => {
    expect((await app.request('/api/auth/me')).status).toBe(401);
    expect(await (await app.request('/api/auth/providers')).json()).toEqual({ local: true, oidc: null });
    const jar: Jar = new Map();
    const login = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'dr.he', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    store(jar, login);
    const me = await app.request('/api/auth/me', { headers: { Cookie: cookieHeader(jar) } });
    expect(await me.json()).toMatchObject({ kind: 'session', role: 'clinician' });
    const body = JSON.stringify({ currentPassword: PASSWORD, newPassword: 'a new long passphrase' });
    const forged = await app.request('/api/auth/password', {
      method: 'POST',
      headers: { Cookie: cookieHeader(jar), 'Content-Type': 'application/json' },
      body,
    });
    expect(forged.status).toBe(401);
    expect(await forged.text()).toMatch(/X-CSRF-Token/);
    const out = await app.request('/api/auth/logout', {
      method: 'POST',
      headers: { Cookie: cookieHeader(jar), 'X-CSRF-Token': jar.get('medseek_csrf')! },
    });
    expect(out.status).toBe(204);
    expect((await app.request('/api/auth/me', { headers: { Cookie: cookieHeader(jar) } })).status).toBe(401);
  });
});
