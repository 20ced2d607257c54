import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { isMedSeekError } from '../../core/index.js';
import { importKnowledge } from '../../knowledge/index.js';
import { AuditLog } from '../audit/audit-log.js';
import type { AppEnv } from '../env.js';
import { kgRoutes } from './kg.js';

const fx = (p: string) => new URL(`../../knowledge/__fixtures__/${p}`, import.meta.url);

forEachBackend('kg routes', (db) => {
  let app: Hono<AppEnv>;
  let audit: AuditLog;
  beforeAll(async () => {
    await importKnowledge(db(), 'cds', undefined, { activate: true });
    await importKnowledge(db(), 'ddxplus', fx('ddxplus').pathname, { activate: true });
    audit = new AuditLog(db());
    app = new Hono<AppEnv>();
    app.onError((e, c) => c.json({ error: e.message }, isMedSeekError(e) ? 400 : 500));
    // The principal app.ts's access control would have set: an administrator's key.
    app.use('*', async (c, next) => {
      c.set('principal', { kind: 'api-key', id: 'key:kg-admin', name: 'kg admin', role: 'admin' });
      c.set('requestId', 'req-kg');
      await next();
    });
    app.route('/api/kg', kgRoutes({ db: db(), audit }));
  });

  it('lists releases and finds a concept in the active one', async () => {
    const r = await app.request('/api/kg/releases');
    expect((await r.json()).releases.map((x: { id: number }) => x.id)).toEqual([1, 2]);
    const f = await (await app.request('/api/kg/find?q=%E5%8D%8E%E6%B3%95%E6%9E%97')).json();
    expect(f).toMatchObject({ release: 2, matches: [{ concept: { id: 'drug:warfarin' } }] });
  });

  it('answers a path with each edge and its source', async () => {
    const r = await (await app.request('/api/kg/path?a=ddxplus:E_79&b=ddxplus:E_91&maxHops=2&limit=1')).json();
    expect(
      r.paths[0].edges.map((e: { type: string; source: { licence: string } }) => [e.type, e.source.licence]),
    ).toEqual([
      ['risk-factor-of', 'CC-BY'],
      ['has-finding', 'CC-BY'],
    ]);
  });

  it('answers a drug pair, imports hospital knowledge from a body, and activates a release', async () => {
    const pair = await (await app.request('/api/kg/drug-pair?a=warfarin&b=naproxen')).json();
    expect(pair.interactions.map((i: { attrs: { rule: string } }) => i.attrs.rule)).toEqual(['DDI16']);
    const imp = await app.request('/api/kg/import/local?activate=true', {
      method: 'POST',
      body: readFileSync(fx('local.json'), 'utf8'),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(imp.status).toBe(201);
    expect((await imp.json()).releaseId).toBe(3);
    expect((await app.request('/api/kg/releases/2/activate', { method: 'POST' })).status).toBe(200);
    const rel = await (await app.request('/api/kg/releases')).json();
    expect(rel.releases.find((x: { active: boolean }) => x.active).id).toBe(2);
    // Both writes on the record: who, what, the active release before and after.
    const rows = await audit.query({ principal: 'key:kg-admin' });
    expect(rows.find((r) => r.action === 'kg.import')).toMatchObject({
      resource: 'kg-release/3',
      principalKind: 'api-key',
      detail: { kind: 'local', releaseId: 3, activeBefore: 2, activeAfter: 3 },
    });
    expect(rows.find((r) => r.action === 'kg.activate')).toMatchObject({
      resource: 'kg-release/2',
      detail: { activeBefore: 3, activeAfter: 2 },
    });
  });

  it('audits a curation (a retraction) with its author, the release it edited and the new one', async () => {
    const before = await (
      await app.request('/api/kg/neighbours?id=ddxplus:path:Pneumonia&type=has-finding&direction=out')
    ).json();
    const relationId = before.neighbours[0].relation.id as string;
    const r = await app.request('/api/kg/curation', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        author: 'dr.wang',
        reason: 'not in our population',
        source: { id: 'audit-2026', name: 'Respiratory audit' },
        retract: [relationId],
      }),
    });
    expect(r.status).toBe(201);
    const result = (await r.json()) as { releaseId: number; batchId: number };
    const row = (await audit.query({ principal: 'key:kg-admin' })).find((x) => x.action === 'kg.retract');
    expect(row).toMatchObject({
      resource: `kg-release/${result.releaseId}`,
      outcome: 200,
      requestId: 'req-kg',
      detail: { author: 'dr.wang', retracted: 1, baseRelease: 2, releaseId: result.releaseId, batchId: result.batchId },
    });
  });

  it('refuses bad parameters with the field named', async () => {
    const r = await app.request('/api/kg/neighbours?id=drug:warfarin&type=likes');
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/query field type: unknown value 'likes'/);
    const noQ = await app.request('/api/kg/find');
    expect(noQ.status).toBe(400);
    expect((await noQ.json()).error).toMatch(/field q\b/);
    const badLimit = await app.request('/api/kg/find?q=x&limit=ten');
    expect((await badLimit.json()).error).toMatch(/field limit: must be a whole number/);
  });

  it('refuses a curation edit without its source with a 400 naming source, before anything is written', async () => {
    const releases = async () => (await (await app.request('/api/kg/releases')).json()).releases.length as number;
    const count = await releases();
    const r = await app.request('/api/kg/curation', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ author: 'dr.wang', reason: 'local decision', retract: ['x'] }),
    });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/body field source:/);
    const notJson = await app.request('/api/kg/curation', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toMatch(/field body/);
    expect(await releases()).toBe(count);
  });
});
