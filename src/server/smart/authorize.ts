import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppContext } from '../context.js';
import type { AppEnv, Principal } from '../env.js';
import { approvalPage, continuePage, errorPage } from './approval-page.js';
import { asPrincipal, loginRedirect, oauthCaller, prefersChinese, sameCaller } from './caller.js';
import { AuthzStore, type AuthorizationRequest, grantPrincipal, REQUEST_TTL_S } from './authz-store.js';
import { resolveUri, SmartClientStore } from './clients.js';
import { patientChoice, patientChoices } from './patient-choices.js';
import { intersectScopes, parseResourceScope, splitScopes } from './scopes.js';
import { issuerOf } from './tokens.js';

/**
 * The authorization endpoint (authorization code + PKCE S256, https://hl7.org/fhir/smart-app-launch/app-launch.html).
 * GET checks the request and shows the logged-in user what the app asks for; POST (the approval
 * form, guarded by a per-request CSRF token in the form and a cookie) records the grant and sends
 * the browser back to the app with a code. Problems with the client or its redirect URI are shown
 * here (never redirected to an unverified URI); other problems go back to the app as OAuth errors.
 */
/** One cookie per pending request, so that two launches in two tabs do not overwrite each other's. */
const csrfCookie = (requestId: string) => `medseek_smart_${requestId.slice(0, 16)}`;
const CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;

export async function authorizeGet(ctx: AppContext, c: Context<AppEnv>): Promise<Response> {
  const zh = prefersChinese(c);
  const q = new URL(c.req.url).searchParams;
  const clientId = q.get('client_id') ?? '';
  const client = clientId ? await new SmartClientStore(ctx.db).get(clientId) : undefined;
  if (!client)
    return c.html(
      errorPage(clientId ? `client_id '${clientId}' is not a registered app` : 'client_id is required', zh),
      400,
    );
  const issuer = issuerOf(c.req.url);
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!client.redirectUris.some((u) => resolveUri(u, issuer.origin) === redirectUri)) {
    return c.html(errorPage(`redirect_uri '${redirectUri}' is not registered for ${client.name}`, zh), 400);
  }
  const state = q.get('state') ?? undefined;
  const fail = (error: string, description: string) =>
    c.redirect(errorRedirect(redirectUri, error, description, state), 302);

  if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  const codeChallenge = q.get('code_challenge') ?? '';
  if (q.get('code_challenge_method') !== 'S256' || !CHALLENGE.test(codeChallenge))
    return fail('invalid_request', 'PKCE is required: code_challenge with code_challenge_method S256');
  const aud = (q.get('aud') ?? '').replace(/\/+$/, '');
  if (aud !== issuer.fhirBase)
    return fail('invalid_request', `aud must be this server's FHIR base URL ${issuer.fhirBase}`);

  const caller = await oauthCaller(ctx, c);
  if (!caller || !('principal' in caller)) return c.redirect(loginRedirect(c), 302);
  const principal = caller.principal;

  const scopes = grantable(intersectScopes(splitScopes(q.get('scope')), client.scopes), principal);
  if (scopes.length === 0)
    return fail('invalid_scope', `none of the requested scopes may be granted to ${client.clientId}`);

  let launchPatient: string | undefined;
  const launch = q.get('launch');
  if (launch) {
    launchPatient = await new AuthzStore(ctx.db).launchPatient(launch, client.clientId, principal.id);
    if (!launchPatient)
      return fail('invalid_request', 'launch is unknown, expired, or was made for another app or user');
  } else if (principal.role === 'patient') {
    launchPatient = principal.patientId;
  }
  const nonce = q.get('nonce') ?? undefined;
  const request: AuthorizationRequest = {
    clientId: client.clientId,
    redirectUri,
    codeChallenge,
    scopes,
    ...(state ? { state } : {}),
    ...(nonce ? { nonce } : {}),
    ...(launchPatient ? { launchPatient } : {}),
  };
  const pending = await new AuthzStore(ctx.db).savePending(request, grantPrincipal(principal));
  setCookie(c, csrfCookie(pending.id), pending.csrf, {
    path: '/oauth2',
    httpOnly: true,
    sameSite: 'Lax',
    maxAge: REQUEST_TTL_S,
    secure: issuer.origin.startsWith('https:'),
  });
  c.header('Cache-Control', 'no-store');

  const launchChoice = launchPatient ? await patientChoice(ctx, launchPatient) : undefined;
  const picker = !launchPatient && needsPatient(scopes) ? await patientChoices(ctx, principal) : undefined;
  return c.html(
    approvalPage({
      appName: client.name,
      clientId: client.clientId,
      userName: principal.name,
      scopes,
      requestId: pending.id,
      csrf: pending.csrf,
      ...(launchPatient ? { launchPatient: launchChoice ?? { id: launchPatient, label: launchPatient } } : {}),
      ...(picker ? { patientChoices: picker } : {}),
      zh,
    }),
  );
}

export async function authorizePost(ctx: AppContext, c: Context<AppEnv>): Promise<Response> {
  const zh = prefersChinese(c);
  const form = await c.req.parseBody({ all: true });
  const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
  const csrf = field('csrf');
  const requestId = field('request');
  const cookie = requestId ? getCookie(c, csrfCookie(requestId)) : undefined;
  if (requestId) deleteCookie(c, csrfCookie(requestId), { path: '/oauth2' });
  if (!csrf || cookie !== csrf)
    return c.html(
      errorPage(
        'the approval form is stale or was not sent from this browser (CSRF check failed): start the launch again',
        zh,
      ),
      403,
    );
  const pending = await new AuthzStore(ctx.db).takePending(requestId, csrf);
  if (!pending) return c.html(errorPage('the approval request is unknown or expired: start the launch again', zh), 403);
  const { request, principal } = pending;
  if (!sameCaller(await oauthCaller(ctx, c), principal))
    return c.html(errorPage('you are no longer logged in as the user this page was shown to', zh), 403);

  const state = request.state;
  const origin = issuerOf(c.req.url).origin;
  const back = (url: string) => (new URL(url).origin === origin ? c.redirect(url, 303) : c.html(continuePage(url, zh)));
  if (field('decision') !== 'approve')
    return back(errorRedirect(request.redirectUri, 'access_denied', 'the user denied the request', state));

  const raw = form.scope;
  const approved = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (s): s is string => typeof s === 'string',
  );
  // The user may only take scopes away: nothing outside the request survives.
  const scopes = request.scopes.filter((s) => approved.includes(s));
  if (scopes.length === 0)
    return back(errorRedirect(request.redirectUri, 'access_denied', 'the user approved no scope', state));

  let launchPatient = request.launchPatient;
  if (!launchPatient && needsPatient(scopes)) {
    const chosen = field('patient');
    if (!chosen) return c.html(errorPage('choose a patient: the app asks for a patient context', zh), 400);
    if (!(await ctx.patientScope.allows(asPrincipal(principal), chosen)) || !(await patientChoice(ctx, chosen))) {
      return c.html(errorPage(`patient '${chosen}' is not one you may open`, zh), 403);
    }
    launchPatient = chosen;
  }
  const code = await new AuthzStore(ctx.db).approve(request, principal, scopes, launchPatient);
  await ctx.audit.record([
    {
      principal: principal.id,
      principalKind: principal.kind,
      action: 'smart-authorize',
      resource: `client/${request.clientId}`,
      ...(launchPatient ? { patientId: launchPatient } : {}),
      purpose: 'TREAT',
      outcome: 200,
      requestId: c.get('requestId'),
      detail: { scopes },
    },
  ]);
  const url = new URL(request.redirectUri);
  url.searchParams.set('code', code);
  if (state !== undefined) url.searchParams.set('state', state);
  return back(url.toString());
}

/** Scopes a user can pass on: never more than they have (system scopes are for backend services, not users). */
function grantable(scopes: readonly string[], principal: Principal): string[] {
  return scopes.filter((s) => {
    const r = parseResourceScope(s);
    if (!r) return true;
    if (r.context === 'system') return false;
    return !(r.context === 'user' && principal.role === 'patient' && !principal.patientId);
  });
}

/** A patient context is needed for `launch/patient` and for `patient/…` scopes. */
function needsPatient(scopes: readonly string[]): boolean {
  return scopes.some((s) => s === 'launch/patient' || parseResourceScope(s)?.context === 'patient');
}

function errorRedirect(redirectUri: string, error: string, description: string, state: string | undefined): string {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  return url.toString();
}
