import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  alertBurden,
  type CalibrationRelease,
  CalibrationReleases,
  ConfirmedCaseStore,
  CurationCandidates,
  fitFromStore,
  type LearnedRelease,
  LearnedReleases,
} from '../../learning/index.js';
import { activeReleaseNetwork, knowledgeBaseResolver, releaseNetworks } from '../../reasoning/index.js';
import { auditEvents } from '../audit/request.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RouteAccess, RoutePolicies } from '../env.js';
import { body, params, query } from '../validate.js';
import { matchPreconsultations } from './learning-feedback.js';

/**
 * `/api/admin/…` for what the hospital learns from its own outcomes and feedback (issue 17), admins only:
 * - GET calibration: every calibration map of the differential (src/learning/calibrations.ts), newest last, each
 *   with its held-back evaluation: reliability bins per department, raw and calibrated, Brier score and ECE;
 * - POST calibration/:id/activate (refused unless its evaluation passed against what is active now),
 *   POST calibration/rollback {networkId};
 * - GET alert-burden ?minDecided=&reviewRate=&since=: override rates per rule, unit and prescriber with
 *   suggestions (learning/alert-burden.ts); nothing is changed by reading it;
 * - GET learning/confirmed-cases: the confirmed cases stored per network and source (accepted differentials,
 *   matched pre-consultations); POST learning/confirmed-cases/match: matches completed pre-consultations to the
 *   diagnoses their visits recorded (learning-feedback.ts);
 * - POST learning/fit {kb?, what, heldBackShare?}: a calibration map and/or a learned release fitted on the stored
 *   cases and evaluated on the stored cases held back from it (learning/fit-from-store.ts); nothing is activated;
 * - GET learning/releases, POST learning/releases/:id/activate, POST learning/releases/rollback {networkId};
 * - GET learning/curation ?status=, POST learning/curation/:id/decision {decision}, GET learning/curation/export:
 *   lexicon and assertion-cue candidates from fact corrections (learning/curation.ts), and the accepted ones as a
 *   lexicon addition for the knowledge team.
 * Fits, matches, activations, roll-backs and decisions are audited with who made them.
 */
const ADMIN: RouteAccess = { roles: ['admin'] };
const P = '/api/admin';
export const learningAdminPolicies: RoutePolicies = {
  [`GET ${P}/calibration`]: ADMIN,
  [`POST ${P}/calibration/:id/activate`]: ADMIN,
  [`POST ${P}/calibration/rollback`]: ADMIN,
  [`GET ${P}/alert-burden`]: ADMIN,
  [`GET ${P}/learning/confirmed-cases`]: ADMIN,
  [`POST ${P}/learning/confirmed-cases/match`]: ADMIN,
  [`POST ${P}/learning/fit`]: ADMIN,
  [`GET ${P}/learning/releases`]: ADMIN,
  [`POST ${P}/learning/releases/:id/activate`]: ADMIN,
  [`POST ${P}/learning/releases/rollback`]: ADMIN,
  [`GET ${P}/learning/curation`]: ADMIN,
  [`POST ${P}/learning/curation/:id/decision`]: ADMIN,
  [`GET ${P}/learning/curation/export`]: ADMIN,
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

export const learningFitBody = z
  .object({
    kb: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The network (release:<id>, ddxplus, dxy); default the active knowledge release'),
    what: z.enum(['calibration', 'release', 'both']).describe('What to fit from the stored confirmed cases'),
    heldBackShare: z
      .number()
      .gt(0)
      .lt(1)
      .optional()
      .describe('Share of the stored cases held back for the evaluation (default 0.3)'),
  })
  .strict();
export const releaseIdParams = z.object({ id: z.string().min(1).max(200).describe('The learned release id') });
export const curationIdParams = z.object({ id: z.string().min(1).max(200).describe('The candidate id') });
export const curationQuery = z.object({
  status: z.enum(['candidate', 'accepted', 'rejected']).optional().describe('Only candidates with this status'),
});
export const curationDecisionBody = z
  .object({ decision: z.enum(['accept', 'reject']).describe('Accept into the export, or reject') })
  .strict();

/** A calibration as the administrator sees it: without the keys of the cases it was fitted on. */
const view = (r: CalibrationRelease) => {
  const { caseKeys: _, ...data } = r.data;
  return { ...r, data };
};
/** A learned release as the administrator sees it: its diff and evaluation, not its counts or case keys. */
const releaseView = (r: LearnedRelease) => {
  const { caseKeys: _, ...data } = r.data;
  const { stats: _s, ...rest } = r;
  return { ...rest, data };
};

export function learningAdminRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const store = new CalibrationReleases(ctx.db);
  const releases = new LearnedReleases(ctx.db);
  const confirmed = new ConfirmedCaseStore(ctx.db);
  const curation = new CurationCandidates(ctx.db);
  const networkOf = releaseNetworks(ctx.db);
  const resolve = knowledgeBaseResolver({ sql: ctx.db });
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

  app.get('/learning/confirmed-cases', async (c) => c.json({ counts: await confirmed.counts() }));
  app.post('/learning/confirmed-cases/match', async (c) => {
    const report = await matchPreconsultations(ctx, c.get('principal').id);
    await audit(c, 'learning.match', 'learning/confirmed-cases', { ...report });
    return c.json(report);
  });
  app.post('/learning/fit', body(learningFitBody), async (c) => {
    const { kb, what, heldBackShare } = c.req.valid('json');
    const { network, modelRelease } = kb
      ? { network: await resolve(kb), modelRelease: kb.startsWith('release:') ? kb.slice(8) : undefined }
      : await activeReleaseNetwork(ctx.db, networkOf).then((r) => ({
          network: r.net,
          modelRelease: String(r.release),
        }));
    const result = await fitFromStore(ctx.db, {
      network,
      what,
      by: c.get('principal').id,
      ...(heldBackShare !== undefined ? { heldBackShare } : {}),
      ...(modelRelease ? { modelRelease } : {}),
    });
    await audit(c, 'learning.fit', `learning/${result.networkId}`, {
      calibration: result.calibration?.id ?? null,
      release: result.release?.id ?? null,
      fitted: result.fitted,
      heldBack: result.heldBack,
    });
    return c.json(
      {
        ...result,
        ...(result.calibration ? { calibration: view(result.calibration) } : {}),
        ...(result.release ? { release: releaseView(result.release) } : {}),
      },
      201,
    );
  });

  app.get('/learning/releases', async (c) => c.json({ releases: (await releases.list()).map(releaseView) }));
  app.post('/learning/releases/:id/activate', params(releaseIdParams), async (c) => {
    const { id } = c.req.valid('param');
    const activated = await releases.activate(id, c.get('principal').id);
    await audit(c, 'learned-release.activate', `learned-release/${id}`, { replaced: activated.parentId });
    return c.json(releaseView(activated));
  });
  app.post('/learning/releases/rollback', body(calibrationRollbackBody), async (c) => {
    const { networkId } = c.req.valid('json');
    const restored = await releases.rollback(networkId, c.get('principal').id);
    await audit(c, 'learned-release.rollback', `learned-release/${networkId}`, { activeAfter: restored?.id ?? null });
    return c.json({ networkId, active: restored ? releaseView(restored) : null });
  });

  app.get('/learning/curation', query(curationQuery), async (c) =>
    c.json({ candidates: await curation.list(c.req.valid('query').status) }),
  );
  app.post('/learning/curation/:id/decision', params(curationIdParams), body(curationDecisionBody), async (c) => {
    const { id } = c.req.valid('param');
    const { decision } = c.req.valid('json');
    const decided = await curation.decide(id, decision === 'accept' ? 'accepted' : 'rejected', c.get('principal').id);
    await audit(c, `curation.${decision}`, `curation/${id}`, { kind: decided.kind, term: decided.term });
    return c.json(decided);
  });
  app.get('/learning/curation/export', async (c) => c.json(await curation.exportAccepted()));
  return app;
}
