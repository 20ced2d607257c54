import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Sql } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import {
  activateRelease,
  activeReleaseId,
  type CurationEdit,
  curate,
  curationHistory,
  importBatch,
  importKnowledge,
  KnowledgeGraph,
  parseLocalCsv,
  parseLocalJson,
} from '../../knowledge/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditEvents } from '../audit/request.js';
import { ADMIN, STAFF } from '../auth/authorize.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { releasesWithReview } from '../knowledge-releases.js';
import { body, params, query } from '../validate.js';
import {
  activateParams,
  conceptQuery,
  curationBody,
  diseaseQuery,
  drugPairQuery,
  findQuery,
  importQuery,
  neighboursQuery,
  pathQuery,
  releaseQuery,
} from './schemas/kg.js';

/** Clinicians and admins query the graph; only admins change it (imports, activation, curation). */
export const kgPolicies: RoutePolicies = {
  'GET /api/kg/releases': STAFF,
  'POST /api/kg/releases/:id/activate': ADMIN,
  'POST /api/kg/import/cds': ADMIN,
  'POST /api/kg/import/local': ADMIN,
  'GET /api/kg/find': STAFF,
  'GET /api/kg/concept': STAFF,
  'GET /api/kg/neighbours': STAFF,
  'GET /api/kg/path': STAFF,
  'GET /api/kg/disease': STAFF,
  'GET /api/kg/drug-pair': STAFF,
  'GET /api/kg/lexicon': STAFF,
  'GET /api/kg/network': STAFF,
  'GET /api/kg/curation': ADMIN,
  'POST /api/kg/curation': ADMIN,
};

/**
 * `/api/kg/…`: the knowledge graph over HTTP (the same as `medseek kg …`).
 * - GET  releases · POST releases/:id/activate
 * - POST import/cds (the bundled rules) · POST import/local (a hospital's knowledge, JSON or text/csv body)
 *   (file imports of the large public sources are a command-line job: `medseek kg import`)
 * - GET  find?q=&type=&limit=&release= · GET concept?id= · GET neighbours?id=&type=&direction=
 * - GET  path?a=&b=&maxHops=&limit= · GET disease?id= · GET drug-pair?a=&b= · GET lexicon · GET network
 * - GET  curation (the edit history) · POST curation (an edit: add / override / retract)
 * Every query takes `release=` (default: the active release) and answers with the release it used.
 * Every write is audited: who, what, and the active release before and after (issue 24).
 */
export function kgRoutes(ctx: { readonly db: Sql; readonly audit: AuditLog }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const graph = () => new KnowledgeGraph(ctx.db);
  const audit = (c: Context<AppEnv>, action: string, resource: string, detail: Record<string, unknown>) =>
    ctx.audit.record(auditEvents(c, { action, resource, outcome: 200, patients: [], detail }));

  app.get('/releases', async (c) => c.json(await releasesWithReview(ctx.db)));

  app.post('/releases/:id/activate', params(activateParams), async (c) => {
    const { id } = c.req.valid('param');
    const before = await activeReleaseId(ctx.db);
    await activateRelease(ctx.db, id);
    await audit(c, 'kg.activate', `kg-release/${id}`, { activeBefore: before ?? null, activeAfter: id });
    return c.json({ active: id });
  });

  app.post('/import/cds', query(importQuery), async (c) => {
    const activate = c.req.valid('query').activate ?? false;
    const before = await activeReleaseId(ctx.db);
    const result = await importKnowledge(ctx.db, 'cds', undefined, { activate });
    await audit(c, 'kg.import', `kg-release/${result.releaseId}`, {
      kind: 'cds',
      batchId: result.batchId,
      releaseId: result.releaseId,
      activeBefore: before ?? null,
      activeAfter: (await activeReleaseId(ctx.db)) ?? null,
    });
    return c.json(result, 201);
  });

  // The body is JSON or text/csv: parsed by knowledge's own readers (parseLocalJson/Csv name the field).
  app.post('/import/local', query(importQuery), async (c) => {
    const type = c.req.header('Content-Type') ?? '';
    const text = await c.req.text();
    if (!text.trim()) throw invalid('empty body: send the hospital knowledge as JSON or text/csv', { field: 'body' });
    const batch = type.includes('csv') ? parseLocalCsv(text, 'request body') : parseLocalJson(text, 'request body');
    const activate = c.req.valid('query').activate ?? false;
    const before = await activeReleaseId(ctx.db);
    const result = await importBatch(ctx.db, batch, { activate });
    await audit(c, 'kg.import', `kg-release/${result.releaseId}`, {
      kind: batch.kind,
      batchId: result.batchId,
      releaseId: result.releaseId,
      activeBefore: before ?? null,
      activeAfter: (await activeReleaseId(ctx.db)) ?? null,
    });
    return c.json(result, 201);
  });

  app.get('/find', query(findQuery), async (c) => {
    const { q, type, limit, release } = c.req.valid('query');
    const g = graph();
    const { releaseId } = await g.resolveRelease(release);
    const matches = await g.find(q, { release: releaseId, limit: limit ?? 10, ...(type ? { types: type } : {}) });
    return c.json({ release: releaseId, matches });
  });

  app.get('/concept', query(conceptQuery), async (c) => {
    const { id, release } = c.req.valid('query');
    const g = graph();
    const { releaseId } = await g.resolveRelease(release);
    const concept = await g.concept(id, { release: releaseId });
    if (!concept) throw invalid(`no concept '${id}' in release ${releaseId}`, { field: 'id' });
    return c.json({ release: releaseId, concept });
  });

  app.get('/neighbours', query(neighboursQuery), async (c) => {
    const { id, type, direction, limit, release } = c.req.valid('query');
    const g = graph();
    const { releaseId } = await g.resolveRelease(release);
    const neighbours = await g.neighbours(id, {
      release: releaseId,
      direction: direction ?? 'both',
      ...(type ? { types: type } : {}),
      limit: limit ?? 1000,
    });
    return c.json({ release: releaseId, neighbours });
  });

  app.get('/path', query(pathQuery), async (c) => {
    const { a: from, b: to, maxHops, limit, release } = c.req.valid('query');
    const g = graph();
    const { releaseId } = await g.resolveRelease(release);
    const ro = { release: releaseId };
    const [a, b] = await Promise.all([g.resolve(from, ro), g.resolve(to, ro)]);
    const paths = await g.paths(a.id, b.id, { ...ro, maxHops: maxHops ?? 3, limit: limit ?? 5 });
    return c.json({ release: releaseId, from: a, to: b, paths });
  });

  app.get('/disease', query(diseaseQuery), async (c) => {
    const { id, release } = c.req.valid('query');
    const g = graph();
    const { releaseId } = await g.resolveRelease(release);
    const concept = await g.resolve(id, { release: releaseId });
    return c.json({ release: releaseId, ...(await g.diseaseProfile(concept.id, { release: releaseId })) });
  });

  app.get('/drug-pair', query(drugPairQuery), async (c) => {
    const { a, b, release } = c.req.valid('query');
    const g = graph();
    const { releaseId } = await g.resolveRelease(release);
    return c.json({ release: releaseId, ...(await g.drugPair(a, b, { release: releaseId })) });
  });

  app.get('/lexicon', query(releaseQuery), async (c) => {
    const g = graph();
    const { releaseId } = await g.resolveRelease(c.req.valid('query').release);
    const entries = await g.exportLexicon({ release: releaseId });
    return c.json({ release: releaseId, count: entries.length, entries });
  });

  app.get('/network', query(releaseQuery), async (c) => {
    const net = await graph().causalNetwork({ release: c.req.valid('query').release });
    return c.json({ ...net, concepts: Object.fromEntries(net.concepts) });
  });

  app.get('/curation', async (c) => c.json({ edits: await curationHistory(ctx.db) }));

  app.post('/curation', body(curationBody), async (c) => {
    const edit: CurationEdit = c.req.valid('json');
    const before = await activeReleaseId(ctx.db);
    const result = await curate(ctx.db, edit);
    // Retractions and overrides are curation edits too: one audited write each, naming what changed.
    const action = edit.retract?.length && !edit.add?.length && !edit.override?.length ? 'kg.retract' : 'kg.curate';
    await audit(c, action, `kg-release/${result.releaseId}`, {
      author: edit.author,
      reason: edit.reason.slice(0, 500),
      added: edit.add?.length ?? 0,
      overridden: edit.override?.length ?? 0,
      retracted: edit.retract?.length ?? 0,
      baseRelease: before ?? null,
      releaseId: result.releaseId,
      batchId: result.batchId,
      relationIds: result.relationIds.slice(0, 200),
    });
    return c.json(result, 201);
  });

  return app;
}
