import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { alertBurden, type CalibrationRelease, CalibrationReleases } from '../../learning/index.js';
import { auditEvents } from '../audit/request.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RouteAccess, RoutePolicies } from '../env.js';
import { body, params, query } from '../validate.js';

/**
 * `/api/admin/…` for what the hospital learns from its own outcomes and feedback (issue 17), admins only:
 * - GET calibration: every calibration map of the differential (src/learning/calibrations.ts), newest last, each
 *   with its held-back evaluation: reliability bins per department, raw and calibrated, Brier score and ECE;
 * - POST calibration/:id/activate (refused unless its evaluation passed against what is active now),
 *   POST calibration/rollback {networkId};
 * - GET alert-burden ?minDecided=&reviewRate=&since=: override rates per rule, unit and prescriber with
 *   suggestions (learning/alert-burden.ts); nothing is changed by reading it.
 * Activation and roll-back are audited with who made them.
 */
const ADMIN: RouteAccess = { roles: ['admin'] };
const P = '/api/admin';
export const learningAdminPolicies: RoutePolicies = {
  [`GET ${P}/calibration`]: ADMIN,
  [`POST ${P}/calibration/:id/activate`]: ADMIN,
  [`POST ${P}/calibration/rollback`]: ADMIN,
  [`GET ${P}/alert-burden`]: ADMIN,
};

export const calibrationIdParams = z.object({ id: z.string().min(1).max(200).describe('The calibration id') });
export const calibrationRollbackBody = z
  .object({ networkId: z.string().min(1).max(200).describe('The network whose active calibration is rolled back') })
  .strict();
const number = (what: string, re: RegExp) => z.string().regex(re, what).transform(Number);
export const alertBurdenQuery = z.object({
  minDecided: number('must be a whole number', /^\d{1,6}$/)
    .optional()
    .describe('Decisions a rule needs before it can be flagged for review (default 20)'),
  reviewRate: number('must be a number from 0 to 1', /^(0(\.\d+)?|1(\.0+)?)$/)
    .optional()
    .describe('Override rate above which a rule is flagged for review (default 0.9)'),
  since: z
    .string()
    .refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO date or timestamp')
    .optional()
    .describe('Only feedback from this time on'),
});

/** A calibration as the administrator sees it: without the keys of the cases it was fitted on. */
const view = (r: CalibrationRelease) => {
  const { caseKeys: _, ...data } = r.data;
  return { ...r, data };
};

export function learningAdminRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const store = new CalibrationReleases(ctx.db);
  const audit = (c: Context<AppEnv>, action: string, resource: string, detail: Record<string, unknown>) =>
    ctx.audit.record(auditEvents(c, { action, resource, outcome: 200, patients: [], detail }));

  app.get('/calibration', async (c) => c.json({ calibrations: (await store.list()).map(view) }));
  app.post('/calibration/:id/activate', params(calibrationIdParams), async (c) => {
    const { id } = c.req.valid('param');
    const activated = await store.activate(id, c.get('principal').id);
    await audit(c, 'calibration.activate', `calibration/${id}`, { replaced: activated.parentId });
    return c.json(view(activated));
  });
  app.post('/calibration/rollback', body(calibrationRollbackBody), async (c) => {
    const { networkId } = c.req.valid('json');
    const restored = await store.rollback(networkId, c.get('principal').id);
    await audit(c, 'calibration.rollback', `calibration/${networkId}`, { activeAfter: restored?.id ?? null });
    return c.json({ networkId, active: restored ? view(restored) : null });
  });
  app.get('/alert-burden', query(alertBurdenQuery), async (c) => {
    const q = c.req.valid('query');
    const options = {
      ...(q.minDecided !== undefined ? { minDecided: q.minDecided } : {}),
      ...(q.reviewRate !== undefined ? { reviewRate: q.reviewRate } : {}),
      ...(q.since ? { since: new Date(q.since).toISOString() } : {}),
    };
    return c.json({ minDecided: 20, reviewRate: 0.9, ...options, rules: await alertBurden(ctx.db, options) });
  });
  return app;
}
