import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { isMedSeekError, loadConfig } from '../../core/index.js';
import { type AppContext, openContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { outcomeForError } from '../fhir/operation-outcome.js';
import { createLogger } from '../logger.js';
import { authRoutes } from '../routes/auth.js';
import { loadOidcSettings, mapRole, signFlow, verifyFlow } from './oidc.js';
import { sessionAuthenticator } from './session-auth.js';

/**
 * OpenID Connect login against a real provider (oidc-provider, on a loopback port, with its
 * development login and consent pages driven by plain HTTP requests): authorization code + PKCE,
 * the role and units claims mapped, a session started for the user.
 */
const MEDSEEK = 'http://medseek.test';
const CALLBACK = `${MEDSEEK}/api/auth/oidc/callback`;

const ACCOUNTS: Record<string, Record<string, unknown>> = {
  'zhou-1001': {
    name: '周医生',
    preferred_username: 'dr.zhou',
    medseek_role: ['staff', 'doctors'],
    medseek_units: ['ward-7', 'icu'],
  },
  'visitor-2': { name: 'Visitor', preferred_username: 'visitor', medseek_role: 'patient' },
};

/** The few parts of oidc-provider used here (the package ships no types; @types/oidc-provider is not installed). */
interface ProviderInstance {
  listen(port: number, host: string, done: () => void): Server;
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;
const PROVIDER_MODULE = 'oidc-provider';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

type Jar = Map<string, string>;
function store(jar: Jar, res: Response): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const at = pair!.indexOf('=');
    const name = pair!.slice(0, at);
    const value = pair!.slice(at + 1);
    if (!value || /expires=Thu, 01 Jan 1970/i.test(c) || /max-age=0/i.test(c)) jar.delete(name);
    else jar.set(name, value);
  }
}
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

forEachBackend('OpenID Connect login', (db) => {
  let ctx: AppContext;
  let app: Hono<AppEnv>;
  let server: Server;
  let issuer: string;

  beforeAll(async () => {
    // The issuer names its port: take a free one, then start the provider on it.
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    const { default: Provider } = (await import(PROVIDER_MODULE)) as { default: ProviderClass };
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'medseek',
          client_secret: 'medseek-test-secret-0123456789',
          redirect_uris: [CALLBACK],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      claims: { openid: ['sub'], profile: ['name', 'preferred_username'], medseek: ['medseek_role', 'medseek_units'] },
      scopes: ['openid', 'profile', 'medseek'],
      cookies: { keys: ['a-test-cookie-key-of-some-length'] },
      async findAccount(_ctx: unknown, id: string) {
        if (!ACCOUNTS[id]) return undefined;
        return { accountId: id, claims: async () => ({ sub: id, ...ACCOUNTS[id] }) };
      },
    });
    server = await new Promise<Server>((resolve) => {
      const s = provider.listen(port, '127.0.0.1', () => resolve(s));
    });

    vi.stubEnv('MEDSEEK_OIDC_ISSUER', issuer);
    vi.stubEnv('MEDSEEK_OIDC_CLIENT_ID', 'medseek');
    vi.stubEnv('MEDSEEK_OIDC_CLIENT_SECRET', 'medseek-test-secret-0123456789');
    vi.stubEnv('MEDSEEK_OIDC_REDIRECT_URI', CALLBACK);
    vi.stubEnv('MEDSEEK_OIDC_NAME', '协和医院');
    vi.stubEnv('MEDSEEK_OIDC_SCOPES', 'openid profile medseek');
    vi.stubEnv('MEDSEEK_OIDC_ROLE_MAP', 'doctors=clinician,it-admins=admin');

    ctx = await openContext(loadConfig({}, { logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = new Hono<AppEnv>();
    app.onError((e, c) => {
      if (!isMedSeekError(e)) throw e;
      const { status, body } = outcomeForError(e);
      return c.json(body, status as 400);
    });
    app.use('/api/auth/me', async (c, next) => {
      const r = await sessionAuthenticator(ctx, c);
      if (!r || 'refused' in r) return c.json({ refused: true }, 401);
      c.set('principal', r.principal);
      return next();
    });
    app.route('/api/auth', authRoutes(ctx));
  }, 120_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await new Promise((r) => server?.close(r));
  });

  /** Logs `accountId` in at the provider, from MedSeek's login redirect to its callback; returns MedSeek's last response and cookies. */
  async function login(accountId: string, returnTo?: string): Promise<{ res: Response; jar: Jar }> {
    const medseek: Jar = new Map();
    const idp: Jar = new Map();
    let res = await app.request(
      `${MEDSEEK}/api/auth/oidc/login${returnTo ? `?return=${encodeURIComponent(returnTo)}` : ''}`,
    );
    expect(res.status).toBe(302);
    store(medseek, res);
    const authorize = new URL(res.headers.get('location')!);
    expect(authorize.origin).toBe(issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    let url = authorize.toString();
    // Follow the provider's redirects, answering its login and consent pages, until it sends the browser back to MedSeek.
    for (let hop = 0; hop < 12 && !url.startsWith(MEDSEEK); hop++) {
      res = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(idp) } });
      store(idp, res);
      if (res.status === 200) {
        const html = await res.text();
        const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
        const action = new URL(url).pathname;
        res = await fetch(new URL(action, issuer), {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: cookieHeader(idp), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(
            prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt: prompt ?? 'consent' },
          ).toString(),
        });
        store(idp, res);
      }
      expect([302, 303]).toContain(res.status);
      url = new URL(res.headers.get('location')!, url).toString();
    }
    expect(url.startsWith(CALLBACK)).toBe(true);
    res = await app.request(url, { headers: { cookie: cookieHeader(medseek) } });
    store(medseek, res);
    return { res, jar: medseek };
  }

  it('tells the login page that the hospital provider is there', async () => {
    const res = await app.request(`${MEDSEEK}/api/auth/providers`);
    expect(await res.json()).toEqual({ local: true, oidc: { name: '协和医院', login: '/api/auth/oidc/login' } });
  });

  it('logs a clinician in with code + PKCE, maps role and units, and starts a session', async () => {
    const { res, jar } = await login('zhou-1001', '/#/patients');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/#/patients');
    expect(jar.get('medseek_session')).toBeTruthy();
    expect(jar.get('medseek_csrf')).toBeTruthy();
    const me = await app.request(`${MEDSEEK}/api/auth/me`, { headers: { cookie: cookieHeader(jar) } });
    expect(await me.json()).toMatchObject({ kind: 'session', name: '周医生', role: 'clinician' });
    const row = await ctx.db.query<{
      username: string;
      role: string;
      units: unknown;
      source: string;
      oidc_subject: string;
      password_hash: string | null;
    }>('select username, role, units, source, oidc_subject, password_hash from medseek_users where oidc_subject = $1', [
      'zhou-1001',
    ]);
    expect(row.rows[0]).toMatchObject({ username: 'dr.zhou', role: 'clinician', source: 'oidc', password_hash: null });
    expect(row.rows[0]!.units).toEqual(['ward-7', 'icu']);
  });

  it('refuses a user the provider gives no MedSeek role (a patient never logs in here)', async () => {
    const { res, jar } = await login('visitor-2');
    expect(res.headers.get('location')).toBe('/#/login?error=oidc-role');
    expect(jar.has('medseek_session')).toBe(false);
  });

  it('refuses a callback without the signed flow cookie, and a return path to another origin', async () => {
    const cb = await app.request(`${CALLBACK}?code=x&state=y`);
    expect(cb.headers.get('location')).toBe('/#/login?error=oidc-expired');
    for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const res = await app.request(`${MEDSEEK}/api/auth/oidc/login?return=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
    }
  });
});

it('signs the flow cookie, so a changed or stale one is refused', () => {
  const key = Buffer.alloc(32, 7);
  const flow = { state: 's', nonce: 'n', verifier: 'v', returnTo: '/x' };
  const signed = signFlow(key, flow, 600, 1_000_000);
  expect(verifyFlow(key, signed, 1_000_000)).toEqual(flow);
  expect(verifyFlow(key, signed, 1_000_000 + 601_000)).toBeUndefined();
  const [payload, sig] = signed.split('.');
  const forged = Buffer.from(JSON.stringify({ ...flow, returnTo: '/evil', exp: 9e9 })).toString('base64url');
  expect(verifyFlow(key, `${forged}.${sig}`, 1_000_000)).toBeUndefined();
  expect(verifyFlow(Buffer.alloc(32, 8), `${payload}.${sig}`, 1_000_000)).toBeUndefined();
});

it('maps role claims to the most capable MedSeek role, never patient', () => {
  const s = loadOidcSettings({
    MEDSEEK_OIDC_ISSUER: 'https://idp.example',
    MEDSEEK_OIDC_CLIENT_ID: 'c',
    MEDSEEK_OIDC_ROLE_MAP: 'Ärzte=clinician,IT=admin',
  })!;
  expect(mapRole(s, ['Ärzte', 'IT'])).toBe('admin');
  expect(mapRole(s, 'Ärzte')).toBe('clinician');
  expect(mapRole(s, 'clinician')).toBe('clinician');
  expect(mapRole(s, ['patient'])).toBeUndefined();
  expect(mapRole(s, undefined)).toBeUndefined();
  expect(() => loadOidcSettings({ MEDSEEK_OIDC_ISSUER: 'https://idp.example' })).toThrow(/MEDSEEK_OIDC_CLIENT_ID/);
});
