import type { MiddlewareHandler } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, Principal } from '../env.js';
import { clientAddress } from '../client-address.js';
import { FHIR_JSON, operationOutcome } from '../fhir/operation-outcome.js';
import { looksLikeJwt } from './jwt.js';

/** The credential a request carries: `Authorization: Bearer <key|jwt>` or `X-API-Key: <key>`. */
export function credentialOf(headers: { header(name: string): string | undefined }): string | undefined {
  const auth = headers.header('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  return headers.header('x-api-key')?.trim() || undefined;
}

export async function authenticate(ctx: AppContext, credential: string | undefined): Promise<Principal | undefined> {
  if (!credential) return undefined;
  if (looksLikeJwt(credential)) {
    const p = ctx.jwt ? await ctx.jwt(credential) : undefined;
    return p ? { kind: 'jwt', id: `jwt:${p.sub}`, name: p.sub, role: 'clinician', allPatients: true } : undefined;
  }
  const k = await ctx.apiKeys.verify(credential);
  return k ? { kind: 'api-key', id: `key:${k.id}`, name: k.name, role: 'admin' } : undefined;
}

/**
 * Requires a valid API key or bearer JWT, except in demo mode (explicit, loopback only), where an
 * anonymous caller is the `demo` principal and a credential, if sent, is still checked.
 * Refusals are 401 OperationOutcomes; refusals on patient-data paths are audited.
 */
export function requireAuth(ctx: AppContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const credential = credentialOf(c.req);
    const principal = await authenticate(ctx, credential);
    if (principal) {
      c.set('principal', principal);
      return next();
    }
    if (!credential && ctx.config.demo) {
      c.set('principal', { kind: 'demo', id: 'demo', name: 'demo', role: 'admin', allPatients: true });
      return next();
    }
    if (c.req.path.startsWith('/fhir/') || c.req.path.startsWith('/api/')) {
      await ctx.audit.record([
        {
          principal: 'anonymous',
          principalKind: 'anonymous',
          action: 'denied',
          resource: c.req.path,
          purpose: c.req.header('x-purpose-of-use')?.slice(0, 64) || 'unknown',
          outcome: 401,
          ...optional('clientAddress', clientAddress(c)),
          requestId: c.get('requestId'),
        },
      ]);
    }
    const message = credential ? 'the API key or bearer token is not valid' : 'authentication required: send Authorization: Bearer <API key or token> or X-API-Key';
    c.header('WWW-Authenticate', 'Bearer realm="medseek"');
    return c.body(JSON.stringify(operationOutcome('login', message)), 401, { 'Content-Type': FHIR_JSON });
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
