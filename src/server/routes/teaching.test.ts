import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import { isMedSeekError } from '../../core/index.js';
import { ensureDemoRelease } from '../../knowledge/index.js';
import { loadCaseLibrary } from '../../teaching/index.js';
import { STAFF } from '../auth/authorize.js';
import type { AppEnv } from '../env.js';
import { answeringRoutes, staleOperations, undocumentedRoutes } from '../openapi/coverage.js';
import { buildOpenApiDocument } from '../openapi/document.js';
import { teachingDoc } from '../openapi/modules/teaching.js';
import { teachingPolicies, teachingRoutes } from './teaching.js';

const fixture = fileURLToPath(new URL('../../teaching/__fixtures__/ccks-sample.jsonl', import.meta.url));

forEachBackendWithDemoRelease('teaching routes', (db) => {
  let app: Hono<AppEnv>;
  beforeAll(async () => {
    await ensureDemoRelease(db());
    app = new Hono<AppEnv>();
    app.onError((e, c) =>
      c.json(
        { error: e.message, field: isMedSeekError(e) ? e.location.field : undefined },
        isMedSeekError(e) && e.code === 'not-found' ? 404 : 400,
      ),
    );
    app.use('*', async (c, next) => {
      c.set('principal', { kind: 'api-key', id: 'key:tutor', name: 'tutor', role: 'clinician', allPatients: true });
      c.set('requestId', 'req-teach');
      await next();
    });
    app.route('/api/teaching', teachingRoutes({ db: db(), library: () => loadCaseLibrary({ ccksFiles: [fixture] }) }));
  }, 240_000);

  const post = (path: string, body: unknown) =>
    app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

  it('describes every route in its OpenAPI module, with the policy of each', () => {
    const mounted = new Hono<AppEnv>().route('/api/teaching', teachingRoutes({ db: db() }));
    const routes = answeringRoutes(mounted.routes);
    expect(routes).toHaveLength(5);
    const doc = buildOpenApiDocument([teachingDoc], teachingPolicies);
    expect(undocumentedRoutes(routes, doc)).toEqual([]);
    expect(staleOperations(routes, doc)).toEqual([]);
    for (const key of routes) expect(teachingPolicies[key], key).toBeDefined();
  });

  it('lets clinicians and admins in, as the other clinician routes', () => {
    for (const access of Object.values(teachingPolicies)) expect(access).toEqual(STAFF);
  });

  it('reveals a case one step at a time and compares the answer with MedSeek', async () => {
    const list = await (await app.request('/api/teaching/cases?lang=zh')).json();
    const fx = list.cases.find(
      (c: { origin: string; complaint: string }) => c.origin === 'fixture' && c.complaint.includes('发热'),
    );
    expect(fx.steps).toEqual(['主诉', '病史', '体格检查', '辅助检查', '诊断']);
    const first = await (await app.request(`/api/teaching/cases/${fx.id}`)).json();
    expect(first.steps.map((s: { key: string }) => s.key)).toEqual(['complaint']);
    expect(JSON.stringify(first)).not.toContain('诊疗经过');
    const third = await (await app.request(`/api/teaching/cases/${fx.id}?step=2`)).json();
    expect(third.steps.map((s: { key: string; by: string }) => [s.key, s.by])).toEqual([
      ['complaint', 'record'],
      ['history', 'record'],
      ['exam', 'record'],
    ]);
    const fb = await (
      await post(`/api/teaching/cases/${fx.id}/steps/2/answer`, { differential: ['肺炎'], tests: ['胸部CT'] })
    ).json();
    expect(fb.step).toBe('exam');
    expect(fb.medseek.length).toBeGreaterThan(0);
    expect(fb.tests).toEqual([{ text: '胸部CT', done: true }]);
    expect(fb.differential[0]).toMatchObject({ text: '肺炎', inRecord: true });
  });

  it('refuses a bad step, answer or case id, naming the field', async () => {
    const list = await (await app.request('/api/teaching/cases')).json();
    const id = list.cases[0].id;
    const r1 = await app.request(`/api/teaching/cases/${id}?step=9`);
    expect(r1.status).toBe(400);
    const r2 = await post(`/api/teaching/cases/${id}/steps/1/answer`, { differential: 'pneumonia' });
    expect(r2.status).toBe(400);
    expect((await r2.json()).error).toMatch(/differential/);
    const r3 = await app.request('/api/teaching/cases/case-000000000000');
    expect(r3.status).toBe(404);
  });

  it('serves practice questions without their keys, and checks an answer with its source', async () => {
    const r = await (await app.request('/api/teaching/questions?kind=interaction&limit=5')).json();
    expect(r.questions).toHaveLength(5);
    expect(r.counts.interaction.generated).toBe(r.total);
    const q = r.questions[0];
    expect(q.answer).toBeUndefined();
    expect(q.explanation).toBeUndefined();
    expect(q.source.citation).toBeTruthy();
    const answers = await Promise.all(
      q.options.map(async (o: { id: string }) =>
        (await post(`/api/teaching/questions/${q.id}/answer`, { choice: o.id })).json(),
      ),
    );
    expect(answers.filter((a) => a.correct)).toHaveLength(1);
    expect(answers[0].source.relation).toBe(q.source.relation);
    expect(answers[0].explanation.en.length).toBeGreaterThan(0);
    const bad = await post(`/api/teaching/questions/${q.id}/answer`, { choice: 'drug:nothing' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).field).toBe('choice');
  });
});
