import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { type Database, openDatabase } from '../../store/index.js';
import { allRecords, p1 } from '../__fixtures__/records.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { listen, type RunningServer } from '../listen.js';
import { createLogger } from '../logger.js';

const HOSPITAL_TOKEN = 'hospital-ehr-token-42';
const ADMIN_KEY = 'smart-pull-admin-key-0123456789';

/**
 * After an EHR launch, the workspace asks MedSeek to copy the launch patient with the EHR's token.
 * The "EHR" is another MedSeek on a port of 127.0.0.1 that accepts HOSPITAL_TOKEN as its key.
 */
forEachBackend('POST /api/smart/pull', (db) => {
  let ehrDb: Database;
  let ehr: AppContext;
  let server: RunningServer;
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let patientKey: string;

  beforeAll(async () => {
    ehrDb = await openDatabase();
    ehr = await openContext(loadConfig({}, { apiKeys: [HOSPITAL_TOKEN], demo: false }), {
      db: ehrDb,
      logger: createLogger('silent'),
      llm: false,
      demoLoader: false,
      demoKnowledge: false,
    });
    await ehr.resources.putMany(allRecords);
    server = await listen(ehr, { port: 0, host: '127.0.0.1' });
    ctx = await openContext(loadConfig({}, { apiKeys: [ADMIN_KEY], demo: false }), {
      db: db(),
      logger: createLogger('silent'),
      llm: false,
      demoLoader: false,
      demoKnowledge: false,
    });
    app = createApp(ctx);
    patientKey = (await ctx.apiKeys.create('someone', { role: 'patient', patientId: 'x' })).key;
    process.env.MEDSEEK_SMART_ISSUERS = `${server.url}/fhir`;
  }, 120_000);

  afterAll(async () => {
    delete process.env.MEDSEEK_SMART_ISSUERS;
    await server?.close();
    await ehr?.close();
    await ehrDb?.close();
  });

  const pull = (body: unknown, key = ADMIN_KEY) =>
    app.request('http://medseek.test/api/smart/pull', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('copies the launch patient from a trusted EHR with the token it gave, and audits it', async () => {
    const res = await pull({ iss: `${server.url}/fhir/`, patient: p1.id, accessToken: HOSPITAL_TOKEN });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { resources: number }).resources).toBeGreaterThan(1);
    expect((await ctx.resources.read('Patient', p1.id))?.deleted).toBe(false);
    const audit = await ctx.db.query<{ action: string; outcome: number }>(
      'select action, outcome from medseek_audit where patient_id = $1 and action = $2',
      [p1.id, 'smart-pull'],
    );
    expect(audit.rows).toEqual([{ action: 'smart-pull', outcome: 200 }]);
  });

  it('refuses an issuer nobody configured, a patient credential, and MedSeek itself', async () => {
    const untrusted = await pull({ iss: 'https://elsewhere.example.org/fhir', patient: p1.id, accessToken: 't' });
    expect(untrusted.status).toBe(403);
    expect(JSON.stringify(await untrusted.json())).toContain('MEDSEEK_SMART_ISSUERS');
    expect(
      (await pull({ iss: `${server.url}/fhir`, patient: p1.id, accessToken: HOSPITAL_TOKEN }, patientKey)).status,
    ).toBe(403);
    expect((await pull({ iss: 'http://medseek.test/fhir', patient: p1.id, accessToken: 't' })).status).toBe(400);
    const bad = await pull({ iss: `${server.url}/fhir`, patient: 'not an id', accessToken: HOSPITAL_TOKEN });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('patient');
  });
});
