import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/index.js';
import { type Database, migrate, openDatabase } from '../../store/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

/**
 * Searching the directory the record references (US Core's Practitioner, Organization, Location,
 * PractitionerRole searches): staff limited to their units may, since it is nobody's record; a
 * patient may not (as on read); Groups list patients, so only a caller who sees every patient may.
 */
const ADMIN = 'directory-admin-key-0123456789';
let db: Database;
let ctx: AppContext;
let app: ReturnType<typeof createApp>;
let wardKey: string;
let patientKey: string;

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
  await ctx.resources.putMany([
    { resourceType: 'Organization', id: 'ward-a', name: 'Ward A', address: [{ city: 'Chengdu' }] },
    { resourceType: 'Practitioner', id: 'dr1', name: [{ family: 'Li', given: ['Wei'] }] },
    { resourceType: 'Practitioner', id: 'dr2', name: [{ family: 'Wang' }] },
    { resourceType: 'Patient', id: 'p1' },
    {
      resourceType: 'Group',
      id: 'g1',
      type: 'person',
      actual: true,
      member: [{ entity: { reference: 'Patient/p1' } }],
    },
  ] as never);
  wardKey = (await ctx.apiKeys.create('ward A clinician', { role: 'clinician', units: ['ward-a'] })).key;
  patientKey = (await ctx.apiKeys.create('p1', { role: 'patient', patientId: 'p1' })).key;
});
afterAll(async () => {
  await ctx?.close();
  await db?.close();
});

const get = (url: string, key: string) => app.request(url, { headers: { Authorization: `Bearer ${key}` } });
const ids = async (res: Response) =>
  ((await res.json()) as { entry?: { resource: { id: string } }[] }).entry?.map((e) => e.resource.id) ?? [];

describe('FHIR search of directory types', () => {
  it('answers a unit clinician’s Practitioner and Organization searches', async () => {
    const byName = await get('/fhir/Practitioner?name=li', wardKey);
    expect(byName.status).toBe(200);
    expect(await ids(byName)).toEqual(['dr1']);
    const org = await get('/fhir/Organization?address-city=chengdu', wardKey);
    expect(await ids(org)).toEqual(['ward-a']);
  });

  it('refuses a patient, and a Group search by anyone who does not see every patient', async () => {
    expect((await get('/fhir/Practitioner?name=li', patientKey)).status).toBe(403);
    expect((await get('/fhir/Group', wardKey)).status).toBe(403);
    const all = await get('/fhir/Group?member=Patient/p1', ADMIN);
    expect(all.status).toBe(200);
    expect(await ids(all)).toEqual(['g1']);
  });
});
