import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ADMIN } from '../auth/authorize.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { query } from '../validate.js';

/** The audit log is the administrators' (issue 14: never a patient's, nor a clinician's). */
export const auditPolicies: RoutePolicies = { 'GET /api/audit': ADMIN };

/**
 * `GET /api/audit?patient=&principal=&limit=&before=`: the audit log, newest first, for
 * privacy officers and patients' access requests. Administrators only.
 */
const whole = (what: string) =>
  z
    .string()
    .regex(/^\d{1,12}$/, 'must be a whole number')
    .transform(Number)
    .optional()
    .describe(what);

/** The audit search's parameters; any other is refused (a misspelt filter must not return everything). */
export const auditQuery = z.strictObject({
  patient: z.string().optional().describe('Entries naming this Patient id'),
  principal: z.string().optional().describe('Entries by this principal'),
  limit: whole('How many (newest first)'),
  before: whole('Entries before this sequence number (paging)'),
});

export function auditRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', query(auditQuery), async (c) => {
    const { patient, principal, limit, before } = c.req.valid('query');
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
