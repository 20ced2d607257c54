import type { Context } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, AuthResult, Principal } from '../env.js';
import { authenticateRequest, DEMO_PRINCIPAL } from '../auth/middleware.js';
import type { GrantPrincipal } from './authz-store.js';

/** Who is at the browser on the OAuth pages (public routes): a session, a key, or the loopback demo. */
export async function oauthCaller(ctx: AppContext, c: Context<AppEnv>): Promise<AuthResult | undefined> {
  const r = await authenticateRequest(ctx, c);
  if (r) return r;
  return ctx.config.demo ? { principal: DEMO_PRINCIPAL } : undefined;
}

/**
 * True when the approval form is posted by the user it was shown to. A session's unsafe request
 * without `X-CSRF-Token` is refused by the session authenticator but still names its user: a plain
 * HTML form cannot send that header, and the form's own CSRF token (checked by the caller) stands in.
 */
export function sameCaller(r: AuthResult | undefined, expected: GrantPrincipal): boolean {
  if (!r) return false;
  if ('principal' in r) return r.principal.id === expected.id;
  return r.refused.credential === expected.id && expected.id.startsWith('user:');
}

/** The `/#/login?return=…` URL that brings the user back here once logged in. */
export function loginRedirect(c: Context<AppEnv>): string {
  const u = new URL(c.req.url);
  return `/#/login?return=${encodeURIComponent(u.pathname + u.search)}`;
}

export function asPrincipal(p: GrantPrincipal): Principal {
  return { ...p };
}

export function prefersChinese(c: Context): boolean {
  return /^zh\b/i.test(c.req.header('accept-language') ?? '');
}
