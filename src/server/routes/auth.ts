import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { invalid, isMedSeekError, MedSeekError } from '../../core/index.js';
import type { AuditEvent } from '../audit/audit-log.js';
import { purposeOf } from '../audit/request.js';
import {
  authorizationUrl,
  completeLogin,
  loadOidcSettings,
  type OidcSettings,
  serverSecret,
  signFlow,
  verifyFlow,
} from '../auth/oidc.js';
import { clearSessionCookies, overHttps, SessionStore, sessionCookie, setSessionCookies } from '../auth/sessions.js';
import { type LoginResult, type UserInfo, UserStore } from '../auth/users.js';
import { clientAddress } from '../client-address.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { FHIR_JSON, operationOutcome } from '../fhir/operation-outcome.js';
import { body, query } from '../validate.js';

/** `/api/auth/…`: log in (password or the hospital's OpenID Connect provider), log out, who am I, change my password. */
export const authPolicies: RoutePolicies = {
  'GET /api/auth/me': 'authenticated',
  'GET /api/auth/providers': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'public',
  'POST /api/auth/password': 'authenticated',
  'GET /api/auth/oidc/login': 'public',
  'GET /api/auth/oidc/callback': 'public',
};

export const oidcLoginQuery = z.object({
  return: z.string().max(2048).optional().describe('Where to go after logging in: a path on this server'),
});
/** The identity provider's redirect: its code and state are checked by the OpenID client (oidc.ts). */
export const oidcCallbackQuery = z.object({
  code: z.string().optional(),
  state: z.string().optional(),
  error: z.string().optional(),
});
export const loginBody = z.object({
  username: z.string().max(200),
  password: z.string().max(1024),
  return: z.string().max(2048).optional(),
});
export const passwordBody = z.object({ currentPassword: z.string().max(1024), newPassword: z.string() });

const FLOW_COOKIE = 'medseek_oidc';
const FLOW_PATH = '/api/auth/oidc';
const FLOW_SECONDS = 600;

/**
 * A `return` target: a path on this server (`/oauth2/authorize?…`, `/#/patients/7`), never another
 * origin (`//evil.example`, `https://…`, `/\evil`): an open redirect would hand a login to anyone.
 */
export function safeReturn(value: unknown, field = 'return'): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const bad = () => invalid('must be a path on this server, starting with a single /', { field });
  if (
    typeof value !== 'string' ||
    value.length > 2048 ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    /[\\\x00-\x1f\x7f]/.test(value)
  )
    throw bad();
  const base = 'http://medseek.invalid';
  const url = new URL(value, base);
  if (url.origin !== base) throw bad();
  return value;
}

export function authRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const users = () => new UserStore(ctx.db);
  const sessions = () => new SessionStore(ctx.db);

  const audit = (c: Context<AppEnv>, e: Pick<AuditEvent, 'principal' | 'principalKind' | 'action' | 'outcome'>) => {
    const address = clientAddress(c);
    return ctx.audit.record([
      {
        ...e,
        resource: `auth/${e.action}`,
        purpose: purposeOf(c),
        ...(address ? { clientAddress: address } : {}),
        requestId: c.get('requestId'),
      },
    ]);
  };

  /** Starts a session for `user` (ending the one the browser held, if any) and sets its cookies. */
  const startSession = async (c: Context<AppEnv>, user: UserInfo) => {
    const old = sessionCookie(c);
    if (old) await sessions().delete(old);
    setSessionCookies(c, await sessions().create(user.id));
  };

  app.get('/me', (c) => {
    const p = c.get('principal');
    return c.json({
      id: p.id,
      name: p.name,
      kind: p.kind,
      role: p.role,
      ...(p.patientId ? { patientId: p.patientId } : {}),
      ...(p.consultSession ? { consultSession: p.consultSession } : {}),
    });
  });

  app.get('/providers', (c) => {
    const oidc = loadOidcSettings();
    return c.json({ local: true, oidc: oidc ? { name: oidc.displayName, login: '/api/auth/oidc/login' } : null });
  });

  app.post('/login', body(loginBody, { jsonOnly: true }), async (c) => {
    const body = c.req.valid('json');
    const returnTo = safeReturn(body.return);
    const result = await users().authenticate(body.username, body.password);
    if (!result.ok) {
      const refusal = loginRefusal(result);
      await audit(c, { principal: 'anonymous', principalKind: 'anonymous', action: 'login', outcome: refusal.status });
      if (refusal.retryAfter) c.header('Retry-After', String(refusal.retryAfter));
      return c.body(JSON.stringify(refusal.body), refusal.status, { 'Content-Type': FHIR_JSON });
    }
    await startSession(c, result.user);
    await audit(c, { principal: `user:${result.user.id}`, principalKind: 'session', action: 'login', outcome: 200 });
    return c.json({ user: result.user, ...(returnTo ? { return: returnTo } : {}) });
  });

  app.post('/logout', async (c) => {
    const id = sessionCookie(c);
    if (id) {
      const session = await sessions().resolve(id);
      // Logging someone out is a state change too: only their own page (holding the CSRF token) may.
      if (session && !session.csrfMatches(c.req.header('x-csrf-token')))
        throw new MedSeekError('forbidden', 'missing or wrong X-CSRF-Token', { field: 'X-CSRF-Token' });
      if (session) {
        await sessions().delete(id);
        await audit(c, {
          principal: `user:${session.user.id}`,
          principalKind: 'session',
          action: 'logout',
          outcome: 204,
        });
      }
    }
    clearSessionCookies(c);
    return c.body(null, 204);
  });

  // Who may change a password is settled before the body is read: a key or a token is refused as such.
  const sessionOnly = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    if (c.get('principal').kind !== 'session')
      throw new MedSeekError('forbidden', 'only a logged-in workspace user changes their password here', {
        field: 'principal',
      });
    await next();
  };
  app.post('/password', sessionOnly, body(passwordBody, { jsonOnly: true }), async (c) => {
    const p = c.get('principal');
    const body = c.req.valid('json');
    const store = users();
    const me = await store.get(p.id.replace(/^user:/, ''));
    if (me.source !== 'local')
      throw new MedSeekError(
        'forbidden',
        "you log in through the hospital's identity provider: change your password there",
        { field: 'currentPassword' },
      );
    const check = await store.authenticate(me.username, body.currentPassword);
    if (!check.ok) {
      const refusal = loginRefusal(check);
      if (check.reason === 'locked')
        return c.body(JSON.stringify(refusal.body), refusal.status, { 'Content-Type': FHIR_JSON });
      throw invalid('the current password is wrong', { field: 'currentPassword' });
    }
    // Every session of the user ends with the change; this browser gets a fresh one.
    const user = await store.setPassword(me.id, body.newPassword);
    await startSession(c, user);
    await audit(c, { principal: p.id, principalKind: 'session', action: 'password', outcome: 200 });
    return c.json({ user });
  });

  app.get('/oidc/login', query(oidcLoginQuery), async (c) => {
    const settings = oidcOrThrow();
    const returnTo = safeReturn(c.req.valid('query').return);
    const { url, flow } = await authorizationUrl(settings, redirectUri(c, settings), returnTo);
    const key = await serverSecret(ctx.db, 'oidc-flow');
    setCookie(c, FLOW_COOKIE, signFlow(key, flow, FLOW_SECONDS), {
      httpOnly: true,
      sameSite: 'Lax',
      secure: overHttps(c),
      path: FLOW_PATH,
      maxAge: FLOW_SECONDS,
    });
    return c.redirect(url.toString(), 302);
  });

  app.get('/oidc/callback', query(oidcCallbackQuery), async (c) => {
    const settings = oidcOrThrow();
    const back = (error: string) => c.redirect(`/#/login?error=${error}`, 302);
    const flow = verifyFlow(await serverSecret(ctx.db, 'oidc-flow'), getCookie(c, FLOW_COOKIE));
    deleteCookie(c, FLOW_COOKIE, { path: FLOW_PATH, secure: overHttps(c) });
    if (!flow) return back('oidc-expired');
    if (c.req.valid('query').error) return back('oidc-denied');
    const callback = new URL(redirectUri(c, settings));
    callback.search = new URL(c.req.url).search;
    let user: UserInfo;
    try {
      user = await users().upsertOidc(await completeLogin(settings, callback, flow));
    } catch (e) {
      // The reason goes to the log (never a token); the browser gets a code the login page explains.
      ctx.log.warn(
        { err: isMedSeekError(e) ? e.message : (e as Error).name, code: (e as { code?: string }).code },
        'OpenID Connect login failed',
      );
      await audit(c, { principal: 'anonymous', principalKind: 'anonymous', action: 'login-oidc', outcome: 401 });
      return back(isMedSeekError(e) && e.code === 'forbidden' ? 'oidc-role' : 'oidc-failed');
    }
    if (user.disabled) return back('disabled');
    await startSession(c, user);
    await audit(c, { principal: `user:${user.id}`, principalKind: 'session', action: 'login-oidc', outcome: 302 });
    return c.redirect(flow.returnTo ?? '/', 302);
  });

  return app;
}

function oidcOrThrow(): OidcSettings {
  const s = loadOidcSettings();
  if (!s)
    throw new MedSeekError(
      'not-found',
      'OpenID Connect login is not configured (set MEDSEEK_OIDC_ISSUER and MEDSEEK_OIDC_CLIENT_ID)',
      { field: 'MEDSEEK_OIDC_ISSUER' },
    );
  return s;
}

function redirectUri(c: Context, s: OidcSettings): string {
  return s.redirectUri ?? `${new URL(c.req.url).origin}/api/auth/oidc/callback`;
}

/** Status and OperationOutcome of a refused login; `details.coding` tells the login page which message to show. */
function loginRefusal(r: Exclude<LoginResult, { ok: true }>): {
  status: 401 | 403 | 429;
  body: unknown;
  retryAfter?: number;
} {
  const outcome = (status: 401 | 403 | 429, code: string, text: string, minutes?: number) => {
    const o = operationOutcome(status === 429 ? 'throttled' : status === 403 ? 'forbidden' : 'login', text);
    const issue = {
      ...o.issue[0]!,
      details: { coding: [{ system: 'urn:medseek:login', code }], text },
      ...(minutes ? { extension: [{ url: 'urn:medseek:login:retry-after-minutes', valueInteger: minutes }] } : {}),
    };
    return { ...o, issue: [issue] };
  };
  if (r.reason === 'locked') {
    const seconds = Math.max(1, Math.ceil((r.lockedUntil.getTime() - Date.now()) / 1000));
    const minutes = Math.ceil(seconds / 60);
    return {
      status: 429,
      retryAfter: seconds,
      body: outcome(
        429,
        'locked',
        `this account is locked after too many failed logins: try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an administrator to unlock it`,
        minutes,
      ),
    };
  }
  if (r.reason === 'disabled')
    return { status: 403, body: outcome(403, 'disabled', 'this account is disabled: ask an administrator') };
  return { status: 401, body: outcome(401, 'invalid-credentials', 'wrong username or password') };
}

/** JSON bodies only: a page of another site can post a form (text/plain, urlencoded) without a preflight, not JSON (no login CSRF). */
