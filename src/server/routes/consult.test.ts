import { Hono } from 'hono';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { isMedSeekError } from '../../core/index.js';
import { compileNetwork } from '../../reasoning/index.js';
import { respiratoryModel } from '../../reasoning/consultation/__fixtures__/respiratory.js';
import { consultRoutes } from './consult.js';

const net = compileNetwork(respiratoryModel);

forEachBackend('consult routes', (db) => {
  let app: Hono;
  beforeAll(() => {
    app = new Hono();
    app.onError((e, c) => c.json({ error: e.message }, isMedSeekError(e) ? (e.code === 'not-found' ? 404 : 400) : 500));
    app.route('/api/consult', consultRoutes({ db: db(), resolve: async () => net }));
  });
  const post = (path: string, body: unknown) => app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

  it('runs a session over HTTP: create, re-prompt, answer, resume, report', async () => {
    const r = await post('/api/consult', { complaint: '咳嗽三天', lang: 'zh', age: 35, sex: 'male', kb: 'fixture' });
    expect(r.status).toBe(201);
    const created = await r.json();
    expect(created.reply.kind).toBe('question');
    const id = created.session.id;
    const bad = await (await post(`/api/consult/${id}/answers`, { text: '随便' })).json();
    expect(bad.reply.kind).toBe('reprompt');
    let reply = (await (await post(`/api/consult/${id}/answers`, { text: '没有' })).json()).reply;
    expect(reply.kind).toBe('question');
    const resumed = await (await app.request(`/api/consult/${id}`)).json();
    expect(resumed.lastPrompt).toBe(reply.text);
    for (let i = 0; i < 30 && reply.kind !== 'done'; i++) reply = (await (await post(`/api/consult/${id}/answers`, { text: '不知道' })).json()).reply;
    expect(reply.kind).toBe('done');
    const report = await (await app.request(`/api/consult/${id}/report`)).json();
    expect(report.label.zh).toContain('患者自述');
    const text = await (await app.request(`/api/consult/${id}/report?format=text&lang=en`)).text();
    expect(text).toContain('Pre-consultation report');
  });

  it('ends with an emergency and refuses answers after it', async () => {
    const created = await (await post('/api/consult', { complaint: 'I want to kill myself', lang: 'en', kb: 'fixture' })).json();
    expect(created.reply.kind).toBe('emergency');
    expect(created.session.triage.level).toBe(2);
    const r = await post(`/api/consult/${created.session.id}/answers`, { text: 'yes' });
    expect(r.status).toBe(400);
  });

  it('names the bad field and the unknown session', async () => {
    const r = await post('/api/consult', { lang: 'fr', complaint: 'x' });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/zh|en/);
    expect((await app.request('/api/consult/none')).status).toBe(404);
  });
});
