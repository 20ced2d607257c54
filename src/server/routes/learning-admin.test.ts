import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { simulatedWorld } from '../../learning/__fixtures__/simulated.js';
import { CalibrationReleases, recordAlertContext } from '../../learning/index.js';
import { compileNetwork } from '../../reasoning/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
type Json = Record<string, any>;

forEachBackend('learning admin routes', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let admin = '';
  let clinician = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'medseek-learning-admin-'));

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { demo: false, dataDir, logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = createApp(ctx);
    admin = (await ctx.apiKeys.create('root', { role: 'admin' })).key;
    clinician = (await ctx.apiKeys.create('ward', { role: 'clinician', allPatients: true })).key;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const call = async (method: string, path: string, body?: unknown, key = admin) => {
    const res = await app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Json };
  };

  it('lists calibrations with their held-back reliability, activates and rolls back, admins only', async () => {
    const world = simulatedWorld(5);
    const net = compileNetwork(world.source);
    const ward = (d: number) => (d % 2 ? 'ward-a' : 'ward-b');
    const store = new CalibrationReleases(ctx.db);
    const r = await store.propose({
      network: net,
      cases: world.sample(300, 3, ward),
      label: 'wards',
      createdBy: 'dr.li',
    });
    expect((await call('POST', `/api/admin/calibration/${encodeURIComponent(r.id)}/activate`)).status).toBe(400);
    await store.evaluate(r.id, net, { label: 'held back', cases: world.sample(300, 4, ward) }, 'dr.li');

    expect((await call('GET', '/api/admin/calibration', undefined, clinician)).status).toBe(403);
    const listed = await call('GET', '/api/admin/calibration');
    expect(listed.status).toBe(200);
    const [c] = listed.json.calibrations;
    expect(c).toMatchObject({ id: r.id, status: 'candidate', data: { label: 'wards', cases: 300 } });
    expect(c.data.caseKeys).toBeUndefined();
    expect(Object.keys(c.evaluation.candidate.byDepartment)).toEqual(['ward-a', 'ward-b']);
    expect(c.evaluation.raw.bins[0]).toHaveProperty('meanConfidence');

    const activated = await call('POST', `/api/admin/calibration/${encodeURIComponent(r.id)}/activate`);
    expect(activated).toMatchObject({ status: 200, json: { status: 'active' } });
    expect((await store.active('test-world'))!.history.at(-1)!.by).toMatch(/root|key/);
    const back = await call('POST', '/api/admin/calibration/rollback', { networkId: 'test-world' });
    expect(back).toMatchObject({ status: 200, json: { networkId: 'test-world', active: null } });
    expect((await call('POST', '/api/admin/calibration/rollback', { networkId: 'test-world' })).status).toBe(400);
  });

  it('reports the alert burden from stored feedback, admins only', async () => {
    for (let i = 0; i < 21; i++) {
      await ctx.db.query(
        `insert into cds_card_issued (uuid, service_id, rule_id, patient_id, indicator, summary)
         values ($1, 'workspace', 'DDI16', 'p1', 'warning', 's')`,
        [`card-${i}`],
      );
      await ctx.db.query(
        `insert into cds_feedback (service_id, card_uuid, outcome, override_reason, outcome_timestamp, client_id)
         values ('workspace', $1, 'overridden', '{"reason": {"code": "not-applicable", "system": "x"}}', now(), 'u1')`,
        [`card-${i}`],
      );
      await recordAlertContext(ctx.db, { cardUuid: `card-${i}`, unit: 'ward-5', prescriber: 'dr.li' });
    }
    expect((await call('GET', '/api/admin/alert-burden', undefined, clinician)).status).toBe(403);
    const res = await call('GET', '/api/admin/alert-burden');
    expect(res.status).toBe(200);
    expect(res.json.rules).toEqual([
      expect.objectContaining({ ruleId: 'DDI16', decided: 21, overridden: 21, overrideRate: 1, review: true }),
    ]);
    expect(res.json.rules[0].byUnit).toEqual([
      { unit: 'ward-5', decided: 21, accepted: 0, overridden: 21, overrideRate: 1 },
    ]);
    expect((await call('GET', '/api/admin/alert-burden?minDecided=50')).json.rules[0].review).toBe(false);
    expect((await call('GET', '/api/admin/alert-burden?reviewRate=2')).status).toBe(400);
  });
});
