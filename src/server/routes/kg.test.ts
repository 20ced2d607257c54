import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { isMedSeekError } from '../../core/index.js';
import { importKnowledge } from '../../knowledge/index.js';
import { kgRoutes } from './kg.js';

const fx = (p: string) => new URL(`../../knowledge/__fixtures__/${p}`, import.meta.url);

forEachBackend('kg routes', (db) => {
  let app: Hono;
  beforeAll(async () => {
    await importKnowledge(db(), 'cds', undefined, { activate: true });
    await importKnowledge(db(), 'ddxplus', fx('ddxplus').pathname, { activate: true });
    app = new Hono();
    app.onError((e, c) => c.json({ error: e.message }, isMedSeekError(e) ? 400 : 500));
    app.route('/api/kg', kgRoutes({ db: db() }));
  });

  it('lists releases and finds a concept in the active one', async () => {
    const r = await app.request('/api/kg/releases');
    expect((await r.json()).releases.map((x: { id: number }) => x.id)).toEqual([1, 2]);
    const f = await (await app.request('/api/kg/find?q=%E5%8D%8E%E6%B3%95%E6%9E%97')).json();
    expect(f).toMatchObject({ release: 2, matches: [{ concept: { id: 'drug:warfarin' } }] });
  });

  it('answers a path with each edge and its source', async () => {
    const r = await (await app.request('/api/kg/path?a=ddxplus:E_79&b=ddxplus:E_91&maxHops=2&limit=1')).json();
    expect(r.paths[0].edges.map((e: { type: string; source: { licence: string } }) => [e.type, e.source.licence])).toEqual([
      ['risk-factor-of', 'CC-BY'],
      ['has-finding', 'CC-BY'],
    ]);
  });

  it('answers a drug pair, imports hospital knowledge from a body, and activates a release', async () => {
    const pair = await (await app.request('/api/kg/drug-pair?a=warfarin&b=naproxen')).json();
    expect(pair.interactions.map((i: { attrs: { rule: string } }) => i.attrs.rule)).toEqual(['DDI16']);
    const imp = await app.request('/api/kg/import/local?activate=true', { method: 'POST', body: readFileSync(fx('local.json'), 'utf8'), headers: { 'Content-Type': 'application/json' } });
    expect(imp.status).toBe(201);
    expect((await imp.json()).releaseId).toBe(3);
    expect((await app.request('/api/kg/releases/2/activate', { method: 'POST' })).status).toBe(200);
    const rel = await (await app.request('/api/kg/releases')).json();
    expect(rel.releases.find((x: { active: boolean }) => x.active).id).toBe(2);
  });

  it('refuses bad parameters with the field named', async () => {
    const r = await app.request('/api/kg/neighbours?id=drug:warfarin&type=likes');
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/unknown type 'likes'/);
    expect((await app.request('/api/kg/find')).status).toBe(400);
  });
});
