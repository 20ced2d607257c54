import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/index.js';
import { type Database, migrate, openDatabase } from '../../store/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

/**
 * The create and update interactions integrators expect (https://hl7.org/fhir/R4/http.html#create,
 * #update): validated against R4, held to the caller's role and patient scope, versioned, audited.
 */
const ADMIN = 'write-admin-key-0123456789';
let db: Database;
let ctx: AppContext;
let app: ReturnType<typeof createApp>;
let wardKey: string;

beforeAll(async () => {
  db = await openDatabase();
  await migrate(db);
  ctx = await openContext(loadConfig({}, { apiKeys: [ADMIN], demo: false, logLevel: 'silent' }), {
    db,
    logger: createLogger('silent'),
    demoLoader: false,
    llm: false,
  });
  app = createApp(ctx);
  // p1 is a patient of ward-a (an encounter there); p2 of no unit the ward clinician has.
  await ctx.resources.putMany([
    { resourceType: 'Organization', id: 'ward-a', name: 'Ward A' },
    { resourceType: 'Patient', id: 'p1' },
    { resourceType: 'Patient', id: 'p2' },
    {
      resourceType: 'Encounter',
      id: 'e1',
      status: 'finished',
      class: { code: 'IMP' },
      subject: { reference: 'Patient/p1' },
      serviceProvider: { reference: 'Organization/ward-a' },
    },
  ] as never);
  wardKey = (await ctx.apiKeys.create('ward A clinician', { role: 'clinician', units: ['ward-a'] })).key;
});
afterAll(async () => {
  await ctx?.close();
  await db?.close();
});

const send = (method: string, url: string, body: unknown, key = ADMIN, headers: Record<string, string> = {}) =>
  app.request(url, {
    method,
    body: JSON.stringify(body),
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/fhir+json', ...headers },
  });
const pulse = (patient: string) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { text: 'pulse' },
  subject: { reference: `Patient/${patient}` },
  valueQuantity: { value: 72, unit: '/min' },
});

describe('POST /fhir/{type} and PUT /fhir/{type}/{id}', () => {
  it('creates with a server-assigned id, version 1, Location and ETag', async () => {
    const res = await send('POST', '/fhir/Observation', { ...pulse('p1'), id: 'mine' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string };
    expect(body.id).not.toBe('mine');
    expect(res.headers.get('Location')).toMatch(new RegExp(`/fhir/Observation/${body.id}/_history/1$`));
    expect(res.headers.get('ETag')).toBe('W/"1"');
    expect(
      (await app.request(`/fhir/Observation/${body.id}`, { headers: { Authorization: `Bearer ${ADMIN}` } })).status,
    ).toBe(200);
  });

  it('refuses an invalid resource with an OperationOutcome naming the element, storing nothing', async () => {
    const before = (await db.query<{ n: string }>('select count(*) as n from fhir_resources')).rows[0]!.n;
    const res = await send('POST', '/fhir/Observation', { ...pulse('p1'), status: 'bogus' });
    expect(res.status).toBe(400);
    const outcome = (await res.json()) as { issue: { expression?: string[] }[] };
    expect(outcome.issue.flatMap((i) => i.expression ?? [])).toContain('Observation.status');
    expect((await db.query<{ n: string }>('select count(*) as n from fhir_resources')).rows[0]!.n).toBe(before);
  });

  it('updates to a new version, keeps the old one in history, and honours If-Match (412 on a stale version)', async () => {
    const created = (await (await send('PUT', '/fhir/Observation/obs-1', { ...pulse('p1'), id: 'obs-1' })).json()) as {
      id: string;
    };
    expect(created.id).toBe('obs-1');
    const second = await send(
      'PUT',
      '/fhir/Observation/obs-1',
      { ...pulse('p1'), id: 'obs-1', valueQuantity: { value: 80, unit: '/min' } },
      ADMIN,
      { 'If-Match': 'W/"1"' },
    );
    expect(second.status).toBe(200);
    expect(second.headers.get('ETag')).toBe('W/"2"');
    const stale = await send('PUT', '/fhir/Observation/obs-1', { ...pulse('p1'), id: 'obs-1' }, ADMIN, {
      'If-Match': 'W/"1"',
    });
    expect(stale.status).toBe(412);
    const v1 = (await (
      await app.request('/fhir/Observation/obs-1/_history/1', { headers: { Authorization: `Bearer ${ADMIN}` } })
    ).json()) as { valueQuantity: { value: number } };
    expect(v1.valueQuantity.value).toBe(72);
  });

  it('answers 400, not 500, to a resourceType or id that cannot be turned into text (found by the fuzz suite)', async () => {
    const odd = '{"toString":null}';
    const bundle = `{"resourceType":${odd},"type":"transaction","entry":[]}`;
    const post = (url: string, body: string) =>
      app.request(url, {
        method: 'POST',
        body,
        headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/fhir+json' },
      });
    expect((await post('/fhir', bundle)).status).toBe(400);
    expect((await post('/fhir/Observation', `{"resourceType":${odd}}`)).status).toBe(400);
    const put = await app.request('/fhir/Observation/o9', {
      method: 'PUT',
      body: `{"resourceType":"Observation","id":${odd}}`,
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/fhir+json' },
    });
    expect(put.status).toBe(400);
  });

  it("refuses a body whose id is not the URL's", async () => {
    const res = await send('PUT', '/fhir/Observation/obs-2', { ...pulse('p1'), id: 'other' });
    expect(res.status).toBe(400);
  });

  it("lets a ward clinician write for the ward's patient, not for another patient, nor move a resource out of scope", async () => {
    expect((await send('POST', '/fhir/Observation', pulse('p1'), wardKey)).status).toBe(201);
    expect((await send('POST', '/fhir/Observation', pulse('p2'), wardKey)).status).toBe(403);
    await send('PUT', '/fhir/Observation/obs-p2', { ...pulse('p2'), id: 'obs-p2' });
    // Re-pointing p2's observation at p1 would move it into the clinician's scope: refused.
    expect((await send('PUT', '/fhir/Observation/obs-p2', { ...pulse('p1'), id: 'obs-p2' }, wardKey)).status).toBe(403);
    const audit = await ctx.audit.query({ limit: 20 });
    expect(audit.some((a) => a.action === 'create' && a.outcome === 201)).toBe(true);
    expect(audit.some((a) => a.outcome === 403 && a.principal.startsWith('key:'))).toBe(true);
  });
});
