import type { Context } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, Authenticator, AuthResult, Principal } from '../env.js';
import { clientAddress } from '../client-address.js';
import { purposeOf } from '../audit/request.js';
import { FHIR_JSON, operationOutcome } from '../fhir/operation-outcome.js';
import { patientLinkAuthenticator } from '../patient-links/link-auth.js';
import { smartTokenAuthenticator } from '../smart/token-auth.js';
import { hashKey, keyPrincipal } from './api-keys.js';
import { claimedSubject, looksLikeJwt } from './jwt.js';
import { sessionAuthenticator } from './session-auth.js';

/** The credential a request carries: `Authorization: Bearer <key|jwt>` or `X-API-Key: <key>`. */
export function credentialOf(headers: { header(name: string): string | undefined }): string | undefined {
  const auth = headers.header('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  return headers.header('x-api-key')?.trim() || undefined;
}

/** How an unknown key is named in the audit log: a short hash, never the key. */
export function unknownKeyName(key: string): string {
  return `key-hash:${hashKey(key).slice(0, 12)}`;
}

/** API keys (roles from `medseek keys create`; `MEDSEEK_API_KEYS` are admin) and the hospital's bearer JWTs. */
export const apiKeyOrJwtAuthenticator: Authenticator = async (ctx, c) => {
  const credential = credentialOf(c.req);
  if (!credential) return undefined;
  if (looksLikeJwt(credential)) {
    const sub = claimedSubject(credential);
    const name = sub ? `jwt:${sub}` : undefined;
    if (!ctx.jwt)
      return {
        refused: {
          ...(name ? { credential: name } : {}),
          reason: 'bearer JWTs are not accepted: no MEDSEEK_JWT_SECRET or MEDSEEK_JWKS_URL is configured',
        },
      };
    const r = await ctx.jwt(credential);
    if ('refused' in r) return { refused: { ...(name ? { credential: name } : {}), reason: r.refused } };
    const p = r.principal;
    return {
      principal: {
        kind: 'jwt',
        id: `jwt:${p.sub}`,
        name: p.sub,
        role: p.role,
        ...(p.patientId ? { patientId: p.patientId } : {}),
        ...(p.units ? { units: p.units } : {}),
        ...(p.allPatients ? { allPatients: true } : {}),
      },
    };
  }
  const k = await ctx.apiKeys.verify(credential);
  if (!k)
    return {
      refused: { credential: unknownKeyName(credential), reason: 'the API key is not valid (unknown or revoked)' },
    };
  return { principal: keyPrincipal(k) };
};

/**
 * Tried in this order; the first principal wins, else the first refusal is reported. The ones that
 * recognise their own credentials (a patient link `mpl1.…`, a JWT MedSeek's SMART server issued) come
 * before the API key / hospital JWT check, so that a refused link or SMART token is told its own reason.
 */
const AUTHENTICATORS: readonly Authenticator[] = [
  patientLinkAuthenticator,
  smartTokenAuthenticator,
  apiKeyOrJwtAuthenticator,
  sessionAuthenticator,
];

/**
 * Who is calling: the first authenticator that accepts the request gives the principal; when none
 * does, the first refusal (a credential was sent but is not valid); undefined when no credential
 * of any kind was sent. For routes marked 'public' that still want to know the caller.
 */
export async function authenticateRequest(ctx: AppContext, c: Context<AppEnv>): Promise<AuthResult | undefined> {
  let refused: AuthResult | undefined;
  for (const authenticate of AUTHENTICATORS) {
    const r = await authenticate(ctx, c);
    if (!r) continue;
    if ('principal' in r) return r;
    refused ??= r;
  }
  return refused;
}

/** The loopback demo's caller when no credential is sent. */
export const DEMO_PRINCIPAL: Principal = { kind: 'demo', id: 'demo', name: 'demo', role: 'admin', allPatients: true };

/**
 * Sets the principal and returns undefined, or returns the 401 to send: a request without a valid
 * credential, except in demo mode (explicit, loopback only) where an anonymous caller is `demo`
 * and a credential, if sent, is still checked.
 */
export async function requirePrincipal(ctx: AppContext, c: Context<AppEnv>): Promise<Response | undefined> {
  const result = await authenticateRequest(ctx, c);
  if (result && 'principal' in result) {
    c.set('principal', result.principal);
    return undefined;
  }
  if (!result && ctx.config.demo) {
    c.set('principal', DEMO_PRINCIPAL);
    return undefined;
  }
  c.header('WWW-Authenticate', 'Bearer realm="medseek"');
  if (result) return refuse(ctx, c, 401, result.refused.reason, result.refused.credential ?? 'unknown-credential');
  return refuse(
    ctx,
    c,
    401,
    'authentication required: log in, or send Authorization: Bearer <API key or token> or X-API-Key',
    'anonymous',
  );
}

/**
 * A refusal: audited (naming the credential sent, never the credential itself, and the reason) and
 * answered with an OperationOutcome (`login` for 401, `forbidden` for 403).
 */
export async function refuse(
  ctx: AppContext,
  c: Context<AppEnv>,
  status: 401 | 403,
  reason: string,
  principal: string,
  patientId?: string,
): Promise<Response> {
  const address = clientAddress(c);
  await ctx.audit.record([
    {
      principal,
      principalKind: kindOf(principal),
      action: 'denied',
      resource: c.req.path.slice(0, 2000),
      ...(patientId ? { patientId } : {}),
      purpose: purposeOf(c),
      outcome: status,
      ...(address !== undefined ? { clientAddress: address } : {}),
      requestId: c.get('requestId'),
      detail: { method: c.req.method, reason },
    },
  ]);
  return c.body(JSON.stringify(operationOutcome(status === 401 ? 'login' : 'forbidden', reason)), status, {
    'Content-Type': FHIR_JSON,
  });
}

/** The principal kind an audit id names (`key:…`, `jwt:…`, `user:…`…). */
function kindOf(principal: string): Principal['kind'] | 'anonymous' {
  const prefix = principal.split(':')[0];
  switch (prefix) {
    case 'key':
    case 'key-hash':
    case 'env':
      return 'api-key';
    case 'jwt':
      return 'jwt';
    case 'user':
      return 'session';
    case 'link':
      return 'patient-link';
    case 'smart':
      return 'smart';
    case 'demo':
      return 'demo';
    default:
      return 'anonymous';
  }
}
