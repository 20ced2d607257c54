import { Hono } from 'hono';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../core/index.js';
import { forEachBackend } from '../../test/support/backends.js';
import { createResourceRepository, type Database, openDatabase } from '../store/index.js';
import { allRecords } from './__fixtures__/records.js';
import { type AppContext, openContext } from './context.js';
import { pullFromFhir } from './fhir-pull.js';
import { listen, type RunningServer } from './listen.js';
import { createLogger } from './logger.js';

const HOSPITAL_KEY = 'hospital-key-42';

/**
 * The "hospital" is MedSeek itself on a random port of 127.0.0.1 (its own in-memory database,
 * its own API key); the store pulled into is the backend under test.
 */
forEachBackend('medseek pull', (db) => {
  let hospitalDb: Database;
  let hospital: AppContext;
  let server: RunningServer;
  let plain: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    hospitalDb = await openDatabase();
    hospital = await openContext(loadConfig({}, { apiKeys: [HOSPITAL_KEY], demo: false }), {
      db: hospitalDb,
      logger: createLogger('silent'),
      jwt: {},
    });
    await hospital.resources.putMany(allRecords);
    server = await listen(hospital, { port: 0, host: '127.0.0.1' });
    plain = await withoutEverything(server.url);
  });

  afterAll(async () => {
    await plain?.close();
    await server?.close();
    await hospital?.close();
    await hospitalDb?.close();
  });

  it('falls back to per-type searches when the CapabilityStatement offers no $everything', async () => {
    const repo = createResourceRepository(db());
    const summary = await pullFromFhir(db(), repo, {
      base: `${plain.url}/fhir`,
      bearer: HOSPITAL_KEY,
      patients: ['p1'],
      pageSize: 10,
    });
    expect(summary.mode).toBe('per-type');
    expect(summary.patients).toBe(1);
    // Patient, 25 heart rates, a condition, an encounter, an allergy, a note; the practitioner and
    // organization they reference; not p2's glucose that the condition cites.
    expect(summary.created).toBe(32);
    expect(await repo.read('Practitioner', 'prac-1')).toBeDefined();
    expect((await repo.search('Observation', { patient: 'p1', count: 0 })).total).toBe(25);
    expect(await repo.read('AllergyIntolerance', 'alg-1')).toBeDefined();
    expect(await repo.read('Observation', 'glu-1')).toBeUndefined();
  });

  it('pulls every patient with $everything, following next links, idempotently, audited on the hospital side', async () => {
    const repo = createResourceRepository(db());
    const summary = await pullFromFhir(db(), repo, { base: `${server.url}/fhir`, bearer: HOSPITAL_KEY, pageSize: 7 });
    expect(summary.mode).toBe('everything');
    expect(summary.patients).toBe(2);
    expect(summary.resources).toBe(allRecords.length);
    // p1 came over in the previous test; p2 and its glucose are new.
    expect(summary).toMatchObject({ created: 2, unchanged: 32, updated: 0 });
    // p1's 32 resources at 7 a page: 5 pages; plus metadata, the patient list, p2, and one try for
    // the glucose's performer, which the hospital does not have.
    expect(summary.requests).toBe(9);
    expect(summary.missingReferences).toEqual(['Practitioner/ghost']);
    const note = await repo.read('DocumentReference', 'doc-1');
    expect(note?.resource.type).toMatchObject({ text: '入院记录' });
    expect((await repo.read('Observation', 'glu-1'))?.patientId).toBe('p2');
    const audit = await hospital.audit.query({ patient: 'p1' });
    expect(audit.some((r) => r.action === 'everything' && r.principal === 'key:env:1')).toBe(true);

    const again = await pullFromFhir(db(), repo, { base: `${server.url}/fhir`, bearer: HOSPITAL_KEY });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: allRecords.length });
  });

  it('fails clearly without the token or with a wrong one, writing nothing', async () => {
    const repo = createResourceRepository(db());
    await expect(pullFromFhir(db(), repo, { base: `${server.url}/fhir`, patients: ['p2'] })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(
      pullFromFhir(db(), repo, { base: `${server.url}/fhir`, bearer: 'wrong', patients: ['p2'] }),
    ).rejects.toThrow(/401/);
    await expect(
      pullFromFhir(db(), repo, { base: `${server.url}/fhir`, bearer: HOSPITAL_KEY, patients: ['nobody'] }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });
});

/** A front for the hospital whose CapabilityStatement lists no operations (a server without $everything). */
async function withoutEverything(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const front = new Hono();
  front.all('*', async (c) => {
    const url = new URL(c.req.url);
    const res = await fetch(`${target}${url.pathname}${url.search}`, { headers: c.req.raw.headers });
    if (url.pathname === '/fhir/metadata') {
      const cs = (await res.json()) as { rest: { resource: { operation?: unknown }[] }[] };
      for (const rest of cs.rest) for (const r of rest.resource) delete r.operation;
      return c.json(cs);
    }
    if (url.pathname.includes('$everything'))
      return c.json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported' }] }, 404);
    // Rewrite the hospital's links to point at the front, as a real proxy would.
    const text = (await res.text()).replaceAll(target, `http://${c.req.header('host')}`);
    return c.body(text, res.status as 200, { 'Content-Type': res.headers.get('content-type') ?? 'application/json' });
  });
  return new Promise((resolve) => {
    const s = serve({ fetch: front.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => s.close(() => done())),
      }),
    );
  });
}
