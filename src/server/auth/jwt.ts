import { createRemoteJWKSet, decodeJwt, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ROLES, type Role } from '../env.js';

/**
 * Bearer JWTs from the hospital's identity provider: verified with a shared HS256 secret
 * (`MEDSEEK_JWT_SECRET`) or the provider's JWKS (`MEDSEEK_JWKS_URL`, RS256/ES256…). `sub` is the user.
 * `MEDSEEK_JWT_ISSUER` / `MEDSEEK_JWT_AUDIENCE`, when set, are checked too.
 *
 * Every token must carry `exp`; `nbf` and `iat` are honoured; a token may live at most
 * `MEDSEEK_JWT_MAX_LIFETIME` seconds (default 3600: an access token, not a session) counted from
 * `iat` (or from now when it has none); `MEDSEEK_JWT_CLOCK_SKEW` seconds (default 60) of clock
 * difference are tolerated. The role comes from `MEDSEEK_JWT_ROLE_CLAIM` (default `medseek_role`, a
 * string) or a `roles` array; units from `MEDSEEK_JWT_UNITS_CLAIM` (default `medseek_units`), the
 * patient from `MEDSEEK_JWT_PATIENT_CLAIM` (default `medseek_patient`), all patients from
 * `medseek_all_patients: true`. A token without a known role is refused.
 */
export interface JwtSettings {
  readonly secret?: string;
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds; default 3600. */
  readonly maxLifetime?: number;
  /** Seconds; default 60. */
  readonly clockSkew?: number;
  readonly roleClaim?: string;
  readonly unitsClaim?: string;
  readonly patientClaim?: string;
}

export const DEFAULT_MAX_LIFETIME = 3600;
export const DEFAULT_CLOCK_SKEW = 60;

export function loadJwtSettings(env: NodeJS.ProcessEnv = process.env): JwtSettings {
  return {
    secret: env.MEDSEEK_JWT_SECRET || undefined,
    jwksUrl: env.MEDSEEK_JWKS_URL || undefined,
    issuer: env.MEDSEEK_JWT_ISSUER || undefined,
    audience: env.MEDSEEK_JWT_AUDIENCE || undefined,
    maxLifetime: seconds(env, 'MEDSEEK_JWT_MAX_LIFETIME', DEFAULT_MAX_LIFETIME),
    clockSkew: seconds(env, 'MEDSEEK_JWT_CLOCK_SKEW', DEFAULT_CLOCK_SKEW),
    roleClaim: env.MEDSEEK_JWT_ROLE_CLAIM || undefined,
    unitsClaim: env.MEDSEEK_JWT_UNITS_CLAIM || undefined,
    patientClaim: env.MEDSEEK_JWT_PATIENT_CLAIM || undefined,
  };
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^\d{1,9}$/.test(v)) throw new Error(`${name} must be a whole number of seconds, got '${v}'`);
  return Number(v);
}

export interface JwtPrincipal {
  readonly sub: string;
  readonly issuer?: string;
  readonly role: Role;
  readonly units?: readonly string[];
  readonly patientId?: string;
  readonly allPatients?: boolean;
}

/** A verified principal, or the reason the token was refused and the subject it claimed (for the audit log). */
export type JwtOutcome = { readonly principal: JwtPrincipal } | { readonly refused: string; readonly sub?: string };
export type JwtVerifier = (token: string) => Promise<JwtOutcome>;

/** A compact JWS: three base64url parts. API keys never look like this. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/** The subject a token claims, unverified: only to name a refused credential in the audit log. */
export function claimedSubject(token: string): string | undefined {
  try {
    const sub = decodeJwt(token).sub;
    return typeof sub === 'string' && sub ? sub.slice(0, 128) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks the time claims jose leaves optional: `exp` present, the lifetime within the maximum.
 * Returns the refusal, naming the claim, or undefined.
 */
export function lifetimeRefusal(
  payload: JWTPayload,
  maxLifetime: number,
  skew: number,
  now = Math.floor(Date.now() / 1000),
): string | undefined {
  if (typeof payload.exp !== 'number') return "the token has no 'exp' (expiry) claim; tokens must expire";
  const from = typeof payload.iat === 'number' ? payload.iat : now;
  if (payload.exp - from > maxLifetime + skew)
    return `the token's 'exp' is ${payload.exp - from} s after its ${typeof payload.iat === 'number' ? "'iat'" : 'use'}; the maximum lifetime is ${maxLifetime} s`;
  if (typeof payload.iat === 'number' && payload.iat > now + skew)
    return "the token's 'iat' (issued at) is in the future";
  return undefined;
}

/** jose's refusal in words that name the claim. */
export function joseRefusal(e: unknown): string {
  if (e instanceof errors.JWTExpired) return "the token's 'exp' has passed (expired)";
  if (e instanceof errors.JWTClaimValidationFailed)
    return `claim '${e.claim}' ${e.reason === 'missing' ? 'is missing' : `failed: ${e.message}`}`;
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (e instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not allowed";
  if (e instanceof Error) return e.message;
  return 'the token is not valid';
}

/** A verifier, or undefined when no JWT settings are configured (then JWTs are refused). */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier | undefined {
  const skew = settings.clockSkew ?? DEFAULT_CLOCK_SKEW;
  const maxLifetime = settings.maxLifetime ?? DEFAULT_MAX_LIFETIME;
  const options = {
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
    requiredClaims: ['exp', 'sub'],
    clockTolerance: skew,
  };
  const verifiers: ((token: string) => Promise<JWTPayload>)[] = [];
  if (settings.secret) {
    const key = new TextEncoder().encode(settings.secret);
    verifiers.push(async (token) => (await jwtVerify(token, key, { ...options, algorithms: ['HS256'] })).payload);
  }
  if (settings.jwksUrl) {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(settings.jwksUrl));
    verifiers.push(
      async (token) =>
        (
          await jwtVerify(token, jwks, {
            ...options,
            algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256', 'EdDSA'],
          })
        ).payload,
    );
  }
  if (verifiers.length === 0) return undefined;
  return async (token) => {
    const sub = claimedSubject(token);
    const named = sub ? { sub } : {};
    let payload: JWTPayload | undefined;
    let refusal: string | undefined;
    for (const verify of verifiers) {
      try {
        payload = await verify(token);
        break;
      } catch (e) {
        // Bad signature or wrong algorithm for this verifier: try the next; keep the most telling reason.
        const reason = joseRefusal(e);
        if (
          !refusal ||
          !(
            e instanceof errors.JWSSignatureVerificationFailed ||
            e instanceof errors.JOSEAlgNotAllowed ||
            e instanceof errors.JWKSNoMatchingKey
          )
        )
          refusal = reason;
      }
    }
    if (!payload) return { refused: refusal ?? 'the token is not valid', ...named };
    const lifetime = lifetimeRefusal(payload, maxLifetime, skew);
    if (lifetime) return { refused: lifetime, ...named };
    return principalOf(payload, settings);
  };
}

function principalOf(payload: JWTPayload, settings: JwtSettings): JwtOutcome {
  const sub = payload.sub;
  // A token without a subject names nobody, and an audit row must name someone.
  if (!sub) return { refused: "claim 'sub' is missing" };
  const roleClaim = settings.roleClaim ?? 'medseek_role';
  const asked = [payload[roleClaim], ...(Array.isArray(payload.roles) ? payload.roles : [])].filter(
    (r): r is string => typeof r === 'string',
  );
  // Several roles: the least privileged one known wins, so a token never gains by listing more.
  const role = [...ROLES].reverse().find((r) => asked.includes(r));
  if (!role)
    return {
      refused: `the token carries no known role: set claim '${roleClaim}' (or 'roles') to one of ${ROLES.join(', ')}`,
      sub,
    };
  const unitsRaw = payload[settings.unitsClaim ?? 'medseek_units'];
  const units = Array.isArray(unitsRaw)
    ? unitsRaw.filter((u): u is string => typeof u === 'string')
    : typeof unitsRaw === 'string'
      ? unitsRaw.split(/[\s,]+/).filter(Boolean)
      : [];
  const patientRaw = payload[settings.patientClaim ?? 'medseek_patient'];
  const patientId = typeof patientRaw === 'string' && patientRaw ? patientRaw : undefined;
  if (role === 'patient' && !patientId)
    return {
      refused: `a patient token needs claim '${settings.patientClaim ?? 'medseek_patient'}' naming its Patient id`,
      sub,
    };
  return {
    principal: {
      sub,
      ...(payload.iss ? { issuer: payload.iss } : {}),
      role,
      ...(units.length ? { units } : {}),
      ...(role === 'patient' && patientId ? { patientId } : {}),
      ...(role === 'clinician' && payload.medseek_all_patients === true ? { allPatients: true } : {}),
    },
  };
}
