import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { isMedSeekError } from '../../core/index.js';
import { respiratoryModel } from '../../reasoning/consultation/__fixtures__/respiratory.js';
import { compileNetwork } from '../../reasoning/index.js';
import { AuditLog } from '../audit/audit-log.js';
import type { AppEnv, Principal } from '../env.js';
import { consultRoutes } from './consult.js';
import { reportQuery } from './schemas/consult.js';

const net = compileNetwork(respiratoryModel);
const STATUS = { 'not-found': 404, forbidden: 403, conflict: 409 } as const;

/**
 * `/api/consult` validates bodies, queries and `:id` through the shared validator: a malformed request
 * from an allowed caller is a 400 naming the field, and a caller refused before the body is read
 * still gets the same audited 403 whatever they sent.
 */
forEachBackend('consult route validation', (db) => {
  let audit: AuditLog;
  const apps = new Map<string, Hono<AppEnv>>();
  const as = (principal: Principal) => {
    const app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('principal', principal);
      c.set('requestId', 'r1');
      await next();
    });
    app.onError((e, c) => {
      if (!isMedSeekError(e)) return c.json({ error: e.message }, 500);
      const status = e.code in STATUS ? STATUS[e.code as keyof typeof STATUS] : 400;
      return c.json({ error: e.message, field: e.location.field, where: e.location.where }, status);
    });
    app.route('/api/consult', consultRoutes({ db: db(), resolve: async () => net, audit }));
    return app;
  };
  beforeAll(() => {
    audit = new AuditLog(db());
    apps.set(
      'clinician',
      as({ kind: 'api-key', id: 'key:dr-li', name: '李医生', role: 'clinician', allPatients: true }),
    );
    apps.set(
      'patient',
      as({ kind: 'patient-link', id: 'link:l-val', name: 'patient', role: 'patient', patientId: 'p-val' } as Principal),
    );
  });
  const call = (who: string, path: string, body?: string) =>
    apps
      .get(who)!
      .request(
        path,
        body === undefined ? {} : { method: 'POST', body, headers: { 'Content-Type': 'application/json' } },
      );

  it('answers a malformed body with a 400 naming the field', async () => {
    const r = await call('clinician', '/api/consult', JSON.stringify({ complaint: '咳嗽', age: 'old' }));
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ field: 'age', where: 'body' });
    const none = await call('clinician', '/api/consult', '{not json');
    expect(none.status).toBe(400);
    expect((await none.json()).field).toBe('body');
    const answer = await call('clinician', '/api/consult/some-session/answers', JSON.stringify({ text: 42 }));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ field: 'text', where: 'body' });
  });

  it('checks the query: the queue limit is a whole number, the report options named values', async () => {
    const queue = await call('clinician', '/api/consult?limit=ten');
    expect(queue.status).toBe(400);
    expect(await queue.json()).toMatchObject({ field: 'limit', where: 'query' });
    expect((await call('clinician', '/api/consult?limit=5')).status).toBe(200);
    const report = await call('clinician', '/api/consult/some-session/report?format=pdf');
    expect(report.status).toBe(400);
    const body = await report.json();
    expect(body).toMatchObject({ field: 'format', where: 'query' });
    expect(body.error).toContain("format must be json or text, got 'pdf'");
    expect(reportQuery.safeParse({ audience: 'boss' }).error?.issues[0]?.message).toBe(
      "audience must be clinician or patient, got 'boss'",
    );
  });

  it('refuses a patient at a staff route with the audited 403 before looking at the body', async () => {
    for (const path of ['/api/consult/some-session/draft/verify', '/api/consult/some-session/accept']) {
      const r = await call('patient', path, '{not json');
      expect(r.status, path).toBe(403);
      expect((await r.json()).field).toBe('Authorization');
    }
    const denied = (await audit.query({ principal: 'link:l-val' })).filter((row) => row.action === 'denied');
    expect(denied.map((row) => row.resource)).toEqual(expect.arrayContaining(['consult-session/some-session/draft']));
    // The queue refuses them before its query is read.
    expect((await call('patient', '/api/consult?limit=ten')).status).toBe(403);
  });

  it('names the bad field of an allowed staff caller’s draft', async () => {
    const empty = await call('clinician', '/api/consult/none/draft/verify', '{}');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ field: 'text', where: 'body' });
    const created = await (
      await call('clinician', '/api/consult', JSON.stringify({ complaint: '咳嗽三天', kb: 'fixture' }))
    ).json();
    const r = await call('clinician', `/api/consult/${created.session.id}/accept`, JSON.stringify({ text: 'x' }));
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ field: 'patientId', where: 'body' });
  });
});

describe('consult query schemas', () => {
  it('leave the report options to their defaults when absent', () => {
    expect(reportQuery.parse({})).toEqual({});
  });
});
