import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import type { Sql } from '../../core/index.js';
import { invalid, MedSeekError } from '../../core/index.js';
import { joseRefusal, lifetimeRefusal } from '../auth/jwt.js';

/**
 * Verifies the JWT a CDS Client sends with every call (CDS Hooks 2.0 "Trusting CDS Clients"):
 * `Authorization: Bearer <JWT>` signed with an asymmetric key (never `none`, never HMAC), header
 * `kid` and `typ: JWT`, optional `jku`; payload `iss`, `aud` = the endpoint URL being called, `exp`,
 * `iat`, `jti` (replays refused). Issuers and their `jku` URLs come from an allowlist.
 */
export interface TrustedIssuer {
  readonly iss: string;
  /** JWK Set URLs this issuer may name in `jku` (the allowlist the spec asks for). */
  readonly jku?: readonly string[];
  /** The issuer's JWK Set given out of band (used when the token has no `jku`). */
  readonly jwks?: JSONWebKeySet;
}

export interface CdsAuthSettings {
  /** `jwt`: every call needs a valid JWT. `demo`: calls without a token are accepted (loopback demo only); a token sent is still checked. */
  readonly mode: 'jwt' | 'demo';
  readonly trusted: readonly TrustedIssuer[];
  /** Public base URL of the service (`https://medseek.example/cds-services`), to check `aud` behind a proxy. */
  readonly baseUrl?: string;
  /** Seconds of clock skew allowed (default 30; MEDSEEK_JWT_CLOCK_SKEW). */
  readonly clockTolerance?: number;
  /** Longest a CDS client's JWT may live, `exp` after `iat`, in seconds (default 300: one call's token, not a session). */
  readonly maxLifetime?: number;
}

export const CDS_MAX_LIFETIME = 300;

/** Asymmetric algorithms only: the spec forbids `none` and symmetric (HMAC) signatures. */
export const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

/** Reads the settings from the environment: MEDSEEK_CDS_TRUSTED_ISSUERS (JSON list), MEDSEEK_CDS_BASE_URL; demo mode only with MEDSEEK_DEMO. */
export function loadCdsAuthSettings(env: NodeJS.ProcessEnv = process.env, demo = false): CdsAuthSettings {
  let trusted: TrustedIssuer[] = [];
  if (env.MEDSEEK_CDS_TRUSTED_ISSUERS) {
    try {
      trusted = JSON.parse(env.MEDSEEK_CDS_TRUSTED_ISSUERS) as TrustedIssuer[];
    } catch (e) {
      throw new MedSeekError(
        'invalid',
        'MEDSEEK_CDS_TRUSTED_ISSUERS is not valid JSON (a list of {iss, jku?, jwks?})',
        { field: 'MEDSEEK_CDS_TRUSTED_ISSUERS' },
        { cause: e },
      );
    }
    if (!Array.isArray(trusted) || trusted.some((t) => typeof t?.iss !== 'string'))
      throw invalid('MEDSEEK_CDS_TRUSTED_ISSUERS must be a list of objects with an iss', {
        field: 'MEDSEEK_CDS_TRUSTED_ISSUERS',
      });
  }
  const skew =
    env.MEDSEEK_JWT_CLOCK_SKEW && /^\d{1,6}$/.test(env.MEDSEEK_JWT_CLOCK_SKEW)
      ? { clockTolerance: Number(env.MEDSEEK_JWT_CLOCK_SKEW) }
      : {};
  return {
    mode: demo ? 'demo' : 'jwt',
    trusted,
    ...skew,
    ...(env.MEDSEEK_CDS_BASE_URL ? { baseUrl: env.MEDSEEK_CDS_BASE_URL.replace(/\/$/, '') } : {}),
  };
}

export interface CdsCaller {
  readonly iss: string;
  readonly jti?: string;
  readonly tenant?: string;
  readonly demo: boolean;
}

const remoteSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export class CdsAuthError extends Error {}

/**
 * Checks the bearer JWT of a request to `endpoint` (the URL the client called). Returns the caller,
 * or throws CdsAuthError with the reason. `sql` records `jti`s to refuse replays.
 */
export async function verifyCdsJwt(
  settings: CdsAuthSettings,
  authorization: string | undefined,
  endpoints: readonly string[],
  sql?: Sql,
): Promise<CdsCaller> {
  const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (!m) {
    if (settings.mode === 'demo' && !authorization) return { iss: 'demo', demo: true };
    throw new CdsAuthError('a CDS Client must send Authorization: Bearer <JWT>');
  }
  const token = m[1]!;
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    throw new CdsAuthError('the bearer token is not a JWT');
  }
  if (!header.alg || !ALGORITHMS.includes(header.alg))
    throw new CdsAuthError(`JWT alg '${header.alg}' is not allowed (asymmetric signatures only)`);
  if (!header.kid) throw new CdsAuthError('JWT header has no kid');
  // Checked before the signature so the refusal names the claim (an unsigned check; the signature is verified below).
  if (typeof claims.exp !== 'number')
    throw new CdsAuthError("JWT rejected: the token has no 'exp' (expiry) claim; tokens must expire");
  if (header.typ !== undefined && header.typ !== 'JWT') throw new CdsAuthError("JWT header typ must be 'JWT'");
  const issuer = settings.trusted.find((t) => t.iss === claims.iss);
  if (!issuer) throw new CdsAuthError(`issuer '${claims.iss}' is not trusted`);
  let keys: Parameters<typeof jwtVerify>[1];
  if (header.jku) {
    if (!issuer.jku?.includes(header.jku))
      throw new CdsAuthError(`jku '${header.jku}' is not on the allowlist for ${issuer.iss}`);
    let set = remoteSets.get(header.jku);
    if (!set) {
      set = createRemoteJWKSet(new URL(header.jku));
      remoteSets.set(header.jku, set);
    }
    keys = set;
  } else if (issuer.jwks) keys = createLocalJWKSet(issuer.jwks);
  else if (issuer.jku?.length === 1) {
    const url = issuer.jku[0]!;
    let set = remoteSets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url));
      remoteSets.set(url, set);
    }
    keys = set;
  } else throw new CdsAuthError(`no JWK Set configured for ${issuer.iss}`);
  try {
    await jwtVerify(token, keys, {
      issuer: issuer.iss,
      audience: [...endpoints],
      algorithms: ALGORITHMS,
      requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti'],
      clockTolerance: settings.clockTolerance ?? 30,
    });
  } catch (e) {
    throw new CdsAuthError(`JWT rejected: ${joseRefusal(e)}`);
  }
  const lifetime = lifetimeRefusal(claims, settings.maxLifetime ?? CDS_MAX_LIFETIME, settings.clockTolerance ?? 30);
  if (lifetime) throw new CdsAuthError(`JWT rejected: ${lifetime}`);
  if (sql) {
    const r = await sql.query(
      'insert into cds_jwt_seen (iss, jti, expires_at) values ($1, $2, to_timestamp($3)) on conflict do nothing',
      [claims.iss, claims.jti, claims.exp],
    );
    if (r.rowCount === 0) throw new CdsAuthError('JWT jti already used (replay)');
  }
  return {
    iss: issuer.iss,
    ...(claims.jti ? { jti: claims.jti } : {}),
    ...(typeof claims.tenant === 'string' ? { tenant: claims.tenant } : {}),
    demo: false,
  };
}
