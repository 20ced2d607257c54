import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import type { Sql } from '../../core/index.js';
import type { Grant } from './authz-store.js';
import { signingKey } from './signing-key.js';

/**
 * Access and ID tokens of MedSeek's authorization server: ES256 JWTs signed with the key in the
 * database. `iss` is MedSeek's origin, an access token's `aud` its FHIR base URL; an access token
 * names its grant, so revoking the grant (or removing the app) stops it before it expires.
 */
export const ACCESS_TOKEN_TTL_S = 3600;

export interface Issuer {
  /** `https://medseek.hospital` */
  readonly origin: string;
  /** `https://medseek.hospital/fhir` */
  readonly fhirBase: string;
}

export function issuerOf(requestUrl: string): Issuer {
  const origin = new URL(requestUrl).origin;
  return { origin, fhirBase: `${origin}/fhir` };
}

/** `Patient/<id>` for a patient user, else `Practitioner/<user id>`, as an absolute URL on the FHIR base. */
export function fhirUserOf(issuer: Issuer, grant: Grant): string {
  const p = grant.principal;
  if (p.role === 'patient' && p.patientId) return `${issuer.fhirBase}/Patient/${p.patientId}`;
  return `${issuer.fhirBase}/Practitioner/${p.id.replace(/[^A-Za-z0-9\-.]/g, '-').slice(0, 64)}`;
}

export async function issueAccessToken(
  sql: Sql,
  issuer: Issuer,
  grant: Grant,
  now = Math.floor(Date.now() / 1000),
): Promise<string> {
  const key = await signingKey(sql);
  return new SignJWT({
    scope: grant.scopes.join(' '),
    client_id: grant.clientId,
    grant: grant.id,
    ...(grant.launchPatient ? { patient: grant.launchPatient } : {}),
    ...(grant.scopes.includes('fhirUser') ? { fhirUser: fhirUserOf(issuer, grant) } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer.origin)
    .setAudience(issuer.fhirBase)
    .setSubject(grant.principal.id)
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_TTL_S)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(key.privateKey);
}

/** The OpenID Connect ID token (`openid` granted): who approved, and their FHIR user. */
export async function issueIdToken(
  sql: Sql,
  issuer: Issuer,
  grant: Grant,
  nonce: string | undefined,
  now = Math.floor(Date.now() / 1000),
): Promise<string> {
  const key = await signingKey(sql);
  return new SignJWT({
    ...(grant.scopes.includes('fhirUser') ? { fhirUser: fhirUserOf(issuer, grant) } : {}),
    ...(grant.scopes.includes('profile') ? { name: grant.principal.name } : {}),
    ...(nonce ? { nonce } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer.origin)
    .setAudience(grant.clientId)
    .setSubject(grant.principal.id)
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_TTL_S)
    .sign(key.privateKey);
}

export interface AccessClaims {
  readonly sub: string;
  readonly grant: string;
  readonly scope: string;
  readonly patient?: string;
}

/**
 * `undefined`: not a token of this server (another issuer's JWT, or not a JWT): other authenticators
 * may know it. `{ refused }`: claims to be ours (our issuer or our key id) but fails a check.
 */
export async function verifyAccessToken(
  sql: Sql,
  issuer: Issuer,
  token: string,
): Promise<{ claims: AccessClaims } | { refused: { sub?: string; reason: string } } | undefined> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claimed: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(token);
    claimed = decodeJwt(token);
  } catch {
    return undefined;
  }
  const key = await signingKey(sql);
  if (claimed.iss !== issuer.origin && header.kid !== key.kid) return undefined;
  const sub = typeof claimed.sub === 'string' ? claimed.sub : undefined;
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer: issuer.origin,
      audience: issuer.fhirBase,
      algorithms: ['ES256'],
      typ: 'at+jwt',
    });
    if (typeof payload.sub !== 'string' || typeof payload.grant !== 'string' || typeof payload.scope !== 'string') {
      return { refused: { ...(sub ? { sub } : {}), reason: 'the access token lacks sub, grant or scope' } };
    }
    return {
      claims: {
        sub: payload.sub,
        grant: payload.grant,
        scope: payload.scope,
        ...(typeof payload.patient === 'string' ? { patient: payload.patient } : {}),
      },
    };
  } catch (e) {
    return { refused: { ...(sub ? { sub } : {}), reason: refusalReason(e) } };
  }
}

function refusalReason(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'the SMART access token has expired';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'the SMART access token signature is not valid';
  if (e instanceof errors.JWTClaimValidationFailed)
    return `the SMART access token's ${e.claim} claim is not valid for this server`;
  return 'the SMART access token is not valid';
}
