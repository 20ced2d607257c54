import { Hono } from 'hono';
import { invalid } from '../../core/index.js';
import type { AppContext } from '../context.js';
import { ADMIN } from '../auth/authorize.js';
import type { AppEnv, RoutePolicies } from '../env.js';

/** The audit log is the administrators' (issue 14: never a patient's, nor a clinician's). */
export const auditPolicies: RoutePolicies = { 'GET /api/audit': ADMIN };

/**
 * `GET /api/audit?patient=&principal=&limit=&before=`: the audit log, newest first, for
 * privacy officers and patients' access requests. Administrators only.
 */
export function auditRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const known = new Set(['patient', 'principal', 'limit', 'before']);
    for (const name of new URL(c.req.url).searchParams.keys()) {
      if (!known.has(name)) throw invalid(`unknown parameter '${name}'; supported: ${[...known].join(', ')}`, { field: name });
    }
    const patient = c.req.query('patient');
    const principal = c.req.query('principal');
    const limit = wholeNumber('limit', c.req.query('limit'));
    const before = wholeNumber('before', c.req.query('before'));
    const rows = await ctx.audit.query({
      ...(patient ? { patient } : {}),
      ...(principal ? { principal } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(before !== undefined ? { before } : {}),
    });
    return c.json({ entries: rows, count: rows.length });
  });
  return app;
}

function wholeNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,12}$/.test(v)) throw invalid(`${name} must be a whole number, got '${v}'`, { field: name });
  return Number(v);
}
