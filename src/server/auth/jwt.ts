import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';

/**
 * Bearer JWTs from the hospital's identity provider: verified with a shared HS256 secret
 * (`MEDSEEK_JWT_SECRET`) or the provider's JWKS (`MEDSEEK_JWKS_URL`, RS256/ES256…). `sub` is the user.
 * `MEDSEEK_JWT_ISSUER` / `MEDSEEK_JWT_AUDIENCE`, when set, are checked too.
 */
export interface JwtSettings {
  readonly secret?: string;
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
}

export function loadJwtSettings(env: NodeJS.ProcessEnv = process.env): JwtSettings {
  return {
    secret: env.MEDSEEK_JWT_SECRET || undefined,
    jwksUrl: env.MEDSEEK_JWKS_URL || undefined,
    issuer: env.MEDSEEK_JWT_ISSUER || undefined,
    audience: env.MEDSEEK_JWT_AUDIENCE || undefined,
  };
}

export interface JwtPrincipal {
  readonly sub: string;
  readonly issuer?: string;
}

export type JwtVerifier = (token: string) => Promise<JwtPrincipal | undefined>;

/** A compact JWS: three base64url parts. API keys never look like this. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/** A verifier, or undefined when no JWT settings are configured (then JWTs are refused). */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier | undefined {
  const options = { ...(settings.issuer ? { issuer: settings.issuer } : {}), ...(settings.audience ? { audience: settings.audience } : {}) };
  const verifiers: JwtVerifier[] = [];
  if (settings.secret) {
    const key = new TextEncoder().encode(settings.secret);
    verifiers.push(async (token) => principal((await jwtVerify(token, key, { ...options, algorithms: ['HS256'] })).payload));
  }
  if (settings.jwksUrl) {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(settings.jwksUrl));
    verifiers.push(async (token) => principal((await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256', 'EdDSA'] })).payload));
  }
  if (verifiers.length === 0) return undefined;
  return async (token) => {
    for (const verify of verifiers) {
      try {
        const p = await verify(token);
        if (p) return p;
      } catch {
        // Bad signature, expired, wrong algorithm for this verifier: try the next one.
      }
    }
    return undefined;
  };
}

function principal(payload: { sub?: string; iss?: string }): JwtPrincipal | undefined {
  // A token without a subject names nobody, and an audit row must name someone.
  if (!payload.sub) return undefined;
  return { sub: payload.sub, ...(payload.iss ? { issuer: payload.iss } : {}) };
}
