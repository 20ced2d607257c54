import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { Sql } from '../../core/index.js';
import { invalid, MedSeekError } from '../../core/index.js';
import type { Role } from '../env.js';
import type { OidcIdentity } from './users.js';

/**
 * Logging in through the hospital's OpenID Connect provider: authorization code with PKCE (S256),
 * `state` and `nonce` (openid-client). Settings (environment):
 * MEDSEEK_OIDC_ISSUER, MEDSEEK_OIDC_CLIENT_ID, MEDSEEK_OIDC_CLIENT_SECRET (none for a public client),
 * MEDSEEK_OIDC_REDIRECT_URI (default: this server's /api/auth/oidc/callback), MEDSEEK_OIDC_NAME
 * (the button's label), MEDSEEK_OIDC_SCOPES (default `openid profile email`),
 * MEDSEEK_OIDC_ROLE_CLAIM (default `medseek_role`), MEDSEEK_OIDC_ROLE_MAP (`IdP value=admin|clinician,…`),
 * MEDSEEK_OIDC_UNITS_CLAIM (default `medseek_units`).
 */
export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly redirectUri?: string;
  readonly displayName: string;
  readonly scopes: string;
  readonly roleClaim: string;
  readonly roleMap: ReadonlyMap<string, Role>;
  readonly unitsClaim: string;
}

export function loadOidcSettings(env: NodeJS.ProcessEnv = process.env): OidcSettings | undefined {
  const issuer = env.MEDSEEK_OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  try {
    new URL(issuer);
  } catch {
    throw invalid(`not a URL: '${issuer}'`, { field: 'MEDSEEK_OIDC_ISSUER' });
  }
  const clientId = env.MEDSEEK_OIDC_CLIENT_ID?.trim();
  if (!clientId) throw invalid('required when MEDSEEK_OIDC_ISSUER is set', { field: 'MEDSEEK_OIDC_CLIENT_ID' });
  const roleMap = new Map<string, Role>();
  for (const pair of (env.MEDSEEK_OIDC_ROLE_MAP ?? '').split(',').filter((p) => p.trim())) {
    const at = pair.lastIndexOf('=');
    const role = pair.slice(at + 1).trim();
    if (at <= 0 || (role !== 'admin' && role !== 'clinician'))
      throw invalid(`'${pair}' is not 'IdP value=admin' or 'IdP value=clinician'`, { field: 'MEDSEEK_OIDC_ROLE_MAP' });
    roleMap.set(pair.slice(0, at).trim(), role);
  }
  const secret = env.MEDSEEK_OIDC_CLIENT_SECRET;
  const redirect = env.MEDSEEK_OIDC_REDIRECT_URI?.trim();
  return {
    issuer,
    clientId,
    ...(secret ? { clientSecret: secret } : {}),
    ...(redirect ? { redirectUri: redirect } : {}),
    displayName: env.MEDSEEK_OIDC_NAME?.trim() || new URL(issuer).host,
    scopes: env.MEDSEEK_OIDC_SCOPES?.trim() || 'openid profile email',
    roleClaim: env.MEDSEEK_OIDC_ROLE_CLAIM?.trim() || 'medseek_role',
    roleMap,
    unitsClaim: env.MEDSEEK_OIDC_UNITS_CLAIM?.trim() || 'medseek_units',
  };
}

/** What the browser keeps between the redirect to the provider and its callback (signed cookie). */
export interface OidcFlow {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  /** Where to go after login (a same-origin path), if asked. */
  readonly returnTo?: string;
}

const configs = new Map<string, Promise<client.Configuration>>();

/** The provider's metadata and keys, discovered once per process (and again after a failure). */
function configuration(s: OidcSettings): Promise<client.Configuration> {
  const key = `${s.issuer}\n${s.clientId}\n${s.clientSecret ?? ''}`;
  let c = configs.get(key);
  if (!c) {
    const url = new URL(s.issuer);
    // Plain http only for a provider on this machine (development, tests).
    const loopback = url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    c = client.discovery(
      url,
      s.clientId,
      s.clientSecret,
      s.clientSecret ? client.ClientSecretBasic(s.clientSecret) : client.None(),
      loopback ? { execute: [client.allowInsecureRequests] } : {},
    );
    c.catch(() => configs.delete(key));
    configs.set(key, c);
  }
  return c;
}

export async function authorizationUrl(
  s: OidcSettings,
  redirectUri: string,
  returnTo?: string,
): Promise<{ url: URL; flow: OidcFlow }> {
  const config = await unavailableOnFailure(configuration(s));
  const flow: OidcFlow = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier: client.randomPKCECodeVerifier(),
    ...(returnTo ? { returnTo } : {}),
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: s.scopes,
    response_type: 'code',
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
  });
  return { url, flow };
}

/**
 * Exchanges the code for tokens, verifies the ID token (signature, issuer, audience, nonce, expiry)
 * and maps its claims (or, where the ID token lacks the role claim, the UserInfo response's).
 */
export async function completeLogin(s: OidcSettings, callbackUrl: URL, flow: OidcFlow): Promise<OidcIdentity> {
  const config = await unavailableOnFailure(configuration(s));
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const idToken = tokens.claims()!;
  let claims: Record<string, unknown> = { ...idToken };
  if (claims[s.roleClaim] === undefined && tokens.access_token) {
    claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...claims };
  }
  const role = mapRole(s, claims[s.roleClaim]);
  if (!role)
    throw new MedSeekError('forbidden', `the identity provider gave no MedSeek role (claim '${s.roleClaim}')`, {
      field: s.roleClaim,
    });
  const username = [claims.preferred_username, claims.email, idToken.sub].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  )!;
  return {
    issuer: idToken.iss,
    subject: idToken.sub,
    username,
    displayName: typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : username,
    role,
    units: listClaim(claims[s.unitsClaim]),
  };
}

/** The most capable MedSeek role among the claim's values (a value is a role name or mapped by MEDSEEK_OIDC_ROLE_MAP); never `patient`. */
export function mapRole(s: OidcSettings, value: unknown): Role | undefined {
  const roles = listClaim(value).map((v) => s.roleMap.get(v) ?? v);
  if (roles.includes('admin')) return 'admin';
  if (roles.includes('clinician')) return 'clinician';
  return undefined;
}

function listClaim(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v.length > 0);
  return [];
}

async function unavailableOnFailure<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw new MedSeekError(
      'unavailable',
      `the identity provider cannot be reached: ${(e as Error).message}`,
      { field: 'MEDSEEK_OIDC_ISSUER' },
      { cause: e },
    );
  }
}

/** A secret of the server's own, made once and shared by every process through the database. */
export async function serverSecret(sql: Sql, name: string): Promise<Buffer> {
  await sql.query('insert into medseek_auth_secrets (name, secret) values ($1, $2) on conflict (name) do nothing', [
    name,
    randomBytes(32).toString('base64url'),
  ]);
  const r = await sql.query<{ secret: string }>('select secret from medseek_auth_secrets where name = $1', [name]);
  return Buffer.from(r.rows[0]!.secret, 'base64url');
}

/** `payload.signature`, HMAC-SHA256, with an expiry: the OIDC flow cookie. */
export function signFlow(key: Buffer, flow: OidcFlow, ttlSeconds: number, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ ...flow, exp: Math.floor(now / 1000) + ttlSeconds })).toString(
    'base64url',
  );
  return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}

export function verifyFlow(key: Buffer, value: string | undefined, now = Date.now()): OidcFlow | undefined {
  const [payload, signature] = (value ?? '').split('.');
  if (!payload || !signature) return undefined;
  const expected = createHmac('sha256', key).update(payload).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const flow = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as OidcFlow & { exp: number };
  if (typeof flow.exp !== 'number' || flow.exp * 1000 < now) return undefined;
  return {
    state: flow.state,
    nonce: flow.nonce,
    verifier: flow.verifier,
    ...(flow.returnTo ? { returnTo: flow.returnTo } : {}),
  };
}
