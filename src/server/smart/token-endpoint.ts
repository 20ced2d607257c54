import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { AuthzStore, type Grant } from './authz-store.js';
import { type SmartClient, SmartClientStore } from './clients.js';
import { ACCESS_TOKEN_TTL_S, issueAccessToken, issueIdToken, issuerOf } from './tokens.js';

/**
 * The token endpoint: `authorization_code` (with the PKCE `code_verifier`) and `refresh_token`
 * (only for grants with `offline_access`; the refresh token rotates on each use). Confidential
 * clients authenticate with HTTP Basic or `client_secret` in the form; public clients name
 * themselves with `client_id`. Errors are RFC 6749 §5.2 JSON.
 */
export async function tokenPost(ctx: AppContext, c: Context<AppEnv>): Promise<Response> {
  cors(c);
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
  if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? ''))
    return oauthError(c, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  const form = new URLSearchParams(await c.req.text());
  const client = await authenticateClient(ctx, c, form);
  if ('error' in client) return oauthError(c, 401, 'invalid_client', client.error);
  const store = new AuthzStore(ctx.db);
  const grantType = form.get('grant_type');

  if (grantType === 'authorization_code') {
    const code = form.get('code');
    const verifier = form.get('code_verifier');
    if (!code) return oauthError(c, 400, 'invalid_request', 'code is required');
    if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier))
      return oauthError(c, 400, 'invalid_request', 'code_verifier is required (43 to 128 characters, RFC 7636)');
    const issued = await store.redeemCode(code);
    if (!issued) return oauthError(c, 400, 'invalid_grant', 'the code is unknown, expired or already used');
    if (issued.clientId !== client.clientId)
      return oauthError(c, 400, 'invalid_grant', 'the code was issued to another client');
    if (form.get('redirect_uri') !== issued.redirectUri)
      return oauthError(c, 400, 'invalid_grant', 'redirect_uri differs from the authorization request');
    if (s256(verifier) !== issued.codeChallenge)
      return oauthError(c, 400, 'invalid_grant', 'code_verifier does not match the code_challenge');
    return c.json(await tokenResponse(ctx, c, issued.grant, issued.nonce, store));
  }

  if (grantType === 'refresh_token') {
    const refresh = form.get('refresh_token');
    if (!refresh) return oauthError(c, 400, 'invalid_request', 'refresh_token is required');
    const grant = await store.grantByRefresh(refresh);
    if (!grant || grant.clientId !== client.clientId)
      return oauthError(c, 400, 'invalid_grant', 'the refresh token is unknown, expired or revoked');
    const asked = form.get('scope');
    if (asked?.split(/\s+/).some((s) => s && !grant.scopes.includes(s)))
      return oauthError(c, 400, 'invalid_scope', 'a refresh cannot widen the scopes granted');
    return c.json(await tokenResponse(ctx, c, grant, undefined, store));
  }

  return oauthError(c, 400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
}

/** Preflight for browser apps on other origins (Basic auth is not a simple header). */
export function tokenOptions(c: Context<AppEnv>): Response {
  cors(c);
  c.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
  c.header('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  c.header('Access-Control-Max-Age', '600');
  return c.body(null, 204);
}

export function cors(c: Context<AppEnv>): void {
  c.header('Access-Control-Allow-Origin', '*');
}

async function tokenResponse(
  ctx: AppContext,
  c: Context<AppEnv>,
  grant: Grant,
  nonce: string | undefined,
  store: AuthzStore,
) {
  const issuer = issuerOf(c.req.url);
  const accessToken = await issueAccessToken(ctx.db, issuer, grant);
  const idToken =
    grant.scopes.includes('openid') && grant.scopes.includes('fhirUser')
      ? await issueIdToken(ctx.db, issuer, grant, nonce)
      : undefined;
  const refresh = grant.scopes.includes('offline_access') ? await store.issueRefresh(grant.id) : undefined;
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL_S,
    scope: grant.scopes.join(' '),
    ...(grant.launchPatient ? { patient: grant.launchPatient, need_patient_banner: true } : {}),
    ...(idToken ? { id_token: idToken } : {}),
    ...(refresh ? { refresh_token: refresh } : {}),
  };
}

async function authenticateClient(
  ctx: AppContext,
  c: Context<AppEnv>,
  form: URLSearchParams,
): Promise<SmartClient | { error: string }> {
  let clientId = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return { error: 'the Basic credentials are malformed' };
    const id = decodeURIComponent(decoded.slice(0, i));
    if (clientId && clientId !== id) return { error: 'client_id differs from the Basic credentials' };
    clientId = id;
    secret = decodeURIComponent(decoded.slice(i + 1));
  }
  if (!clientId) return { error: 'client_id is required (or HTTP Basic client authentication)' };
  const clients = new SmartClientStore(ctx.db);
  const client = await clients.get(clientId);
  if (!client) return { error: `client '${clientId}' is not registered` };
  if (client.confidential) {
    if (!secret || !(await clients.verifySecret(clientId, secret))) return { error: 'client authentication failed' };
  } else if (secret) {
    return { error: `client '${clientId}' is public: it has no secret to send` };
  }
  return client;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function oauthError(c: Context<AppEnv>, status: 400 | 401, error: string, description: string): Response {
  if (status === 401) c.header('WWW-Authenticate', 'Basic realm="medseek-oauth"');
  return c.json({ error, error_description: description }, status);
}
