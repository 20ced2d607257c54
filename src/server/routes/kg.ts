import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Sql } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import {
  activateRelease,
  activeReleaseId,
  CONCEPT_TYPES,
  type ConceptType,
  type CurationEdit,
  curate,
  curationHistory,
  importBatch,
  importKnowledge,
  KnowledgeGraph,
  listReleases,
  parseLocalCsv,
  parseLocalJson,
  RELATION_TYPES,
  type RelationType,
} from '../../knowledge/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditEvents } from '../audit/request.js';
import { ADMIN, STAFF } from '../auth/authorize.js';
import type { AppEnv, RoutePolicies } from '../env.js';

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

  app.get('/releases', async (c) => c.json({ releases: await listReleases(ctx.db) }));

  app.post('/releases/:id/activate', async (c) => {
    const id = whole('id', c.req.param('id'))!;
    const before = await activeReleaseId(ctx.db);
    await activateRelease(ctx.db, id);
    await audit(c, 'kg.activate', `kg-release/${id}`, { activeBefore: before ?? null, activeAfter: id });
    return c.json({ active: id });
  });

  app.post('/import/cds', async (c) => {
    const activate = c.req.query('activate') === 'true';
    const before = await activeReleaseId(ctx.db);
    const result = await importKnowledge(ctx.db, 'cds', undefined, { activate });
    await audit(c, 'kg.import', `kg-release/${result.releaseId}`, { kind: 'cds', batchId: result.batchId, releaseId: result.releaseId, activeBefore: before ?? null, activeAfter: (await activeReleaseId(ctx.db)) ?? null });
    return c.json(result, 201);
  });

  app.post('/import/local', async (c) => {
    const type = c.req.header('Content-Type') ?? '';
    const text = await c.req.text();
    if (!text.trim()) throw invalid('empty body: send the hospital knowledge as JSON or text/csv', { field: 'body' });
    const batch = type.includes('csv') ? parseLocalCsv(text, 'request body') : parseLocalJson(text, 'request body');
    const activate = c.req.query('activate') === 'true';
    const before = await activeReleaseId(ctx.db);
    const result = await importBatch(ctx.db, batch, { activate });
    await audit(c, 'kg.import', `kg-release/${result.releaseId}`, { kind: batch.kind, batchId: result.batchId, releaseId: result.releaseId, activeBefore: before ?? null, activeAfter: (await activeReleaseId(ctx.db)) ?? null });
    return c.json(result, 201);
  });

  app.get('/find', async (c) => {
    const q = c.req.query('q');
    if (!q) throw invalid('q is required', { field: 'q' });
    const types = list(c.req.query('type'), CONCEPT_TYPES, 'type') as ConceptType[] | undefined;
    const release = whole('release', c.req.query('release'));
    const g = graph();
    const { releaseId } = await g.resolveRelease(release);
    const matches = await g.find(q, { release: releaseId, limit: whole('limit', c.req.query('limit')) ?? 10, ...(types ? { types } : {}) });
    return c.json({ release: releaseId, matches });
  });

  app.get('/concept', async (c) => {
    const id = required(c.req.query('id'), 'id');
    const g = graph();
    const { releaseId } = await g.resolveRelease(whole('release', c.req.query('release')));
    const concept = await g.concept(id, { release: releaseId });
    if (!concept) throw invalid(`no concept '${id}' in release ${releaseId}`, { field: 'id' });
    return c.json({ release: releaseId, concept });
  });

  app.get('/neighbours', async (c) => {
    const id = required(c.req.query('id'), 'id');
    const types = list(c.req.query('type'), RELATION_TYPES, 'type') as RelationType[] | undefined;
    const direction = c.req.query('direction') ?? 'both';
    if (!['in', 'out', 'both'].includes(direction)) throw invalid("direction must be in, out or both", { field: 'direction' });
    const g = graph();
    const { releaseId } = await g.resolveRelease(whole('release', c.req.query('release')));
    const neighbours = await g.neighbours(id, { release: releaseId, direction: direction as 'in' | 'out' | 'both', ...(types ? { types } : {}), limit: whole('limit', c.req.query('limit')) ?? 1000 });
    return c.json({ release: releaseId, neighbours });
  });

  app.get('/path', async (c) => {
    const g = graph();
    const { releaseId } = await g.resolveRelease(whole('release', c.req.query('release')));
    const ro = { release: releaseId };
    const [a, b] = await Promise.all([g.resolve(required(c.req.query('a'), 'a'), ro), g.resolve(required(c.req.query('b'), 'b'), ro)]);
    const paths = await g.paths(a.id, b.id, { ...ro, maxHops: whole('maxHops', c.req.query('maxHops')) ?? 3, limit: whole('limit', c.req.query('limit')) ?? 5 });
    return c.json({ release: releaseId, from: a, to: b, paths });
  });

  app.get('/disease', async (c) => {
    const g = graph();
    const { releaseId } = await g.resolveRelease(whole('release', c.req.query('release')));
    const concept = await g.resolve(required(c.req.query('id'), 'id'), { release: releaseId });
    return c.json({ release: releaseId, ...(await g.diseaseProfile(concept.id, { release: releaseId })) });
  });

  app.get('/drug-pair', async (c) => {
    const g = graph();
    const { releaseId } = await g.resolveRelease(whole('release', c.req.query('release')));
    return c.json({ release: releaseId, ...(await g.drugPair(required(c.req.query('a'), 'a'), required(c.req.query('b'), 'b'), { release: releaseId })) });
  });

  app.get('/lexicon', async (c) => {
    const g = graph();
    const { releaseId } = await g.resolveRelease(whole('release', c.req.query('release')));
    const entries = await g.exportLexicon({ release: releaseId });
    return c.json({ release: releaseId, count: entries.length, entries });
  });

  app.get('/network', async (c) => {
    const net = await graph().causalNetwork({ release: whole('release', c.req.query('release')) });
    return c.json({ ...net, concepts: Object.fromEntries(net.concepts) });
  });

  app.get('/curation', async (c) => c.json({ edits: await curationHistory(ctx.db) }));

  app.post('/curation', async (c) => {
    let edit: CurationEdit;
    try {
      edit = (await c.req.json()) as CurationEdit;
    } catch {
      throw invalid('body must be JSON: {author, reason, source, add?, override?, retract?}', { field: 'body' });
    }
    const before = await activeReleaseId(ctx.db);
    const result = await curate(ctx.db, edit);
    const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
    // Retractions and overrides are curation edits too: one audited write each, naming what changed.
    const action = edit.retract?.length && !edit.add?.length && !edit.override?.length ? 'kg.retract' : 'kg.curate';
    await audit(c, action, `kg-release/${result.releaseId}`, {
      author: edit.author,
      reason: String(edit.reason ?? '').slice(0, 500),
      added: count(edit.add),
      overridden: count(edit.override),
      retracted: count(edit.retract),
      baseRelease: before ?? null,
      releaseId: result.releaseId,
      batchId: result.batchId,
      relationIds: result.relationIds.slice(0, 200),
    });
    return c.json(result, 201);
  });

  return app;
}

function required(v: string | undefined, name: string): string {
  if (!v?.trim()) throw invalid(`${name} is required`, { field: name });
  return v;
}

function whole(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,9}$/.test(v)) throw invalid(`${name} must be a whole number, got '${v}'`, { field: name });
  return Number(v);
}

function list(v: string | undefined, known: readonly string[], name: string): string[] | undefined {
  if (!v) return undefined;
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const it of items) if (!known.includes(it)) throw invalid(`unknown ${name} '${it}'; known: ${known.join(', ')}`, { field: name });
  return items;
}
