import { afterAll, beforeAll, expect, it } from 'vitest';
import { createResourceRepository, type Database, migrate, openDatabase } from '../store/index.js';
import { pullFromFhir } from './fhir-pull.js';

/**
 * `medseek pull` validates what the other server sends: an invalid resource is left out and listed
 * with its element and reason, the valid rest of the patient is stored, and a patient whose Patient
 * resource is invalid is not pulled at all.
 */
const BASE = 'https://hospital.example/fhir';
const everything: Record<string, unknown[]> = {
  p1: [
    { resourceType: 'Patient', id: 'p1', gender: 'female' },
    {
      resourceType: 'Observation',
      id: 'o-ok',
      status: 'final',
      code: { text: 'pulse' },
      subject: { reference: 'Patient/p1' },
    },
    {
      resourceType: 'Observation',
      id: 'o-bad',
      status: 'bogus',
      code: { text: 'pulse' },
      subject: { reference: 'Patient/' },
    },
  ],
  p2: [
    { resourceType: 'Patient', id: 'p2', gender: 42 },
    {
      resourceType: 'Observation',
      id: 'o-p2',
      status: 'final',
      code: { text: 'pulse' },
      subject: { reference: 'Patient/p2' },
    },
  ],
};

const fakeFetch = (async (input: string | URL | Request) => {
  const url = String(input);
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/fhir+json' } });
  if (url.endsWith('/metadata'))
    return json({
      resourceType: 'CapabilityStatement',
      rest: [{ operation: [{ name: 'everything' }], resource: [{ type: 'Patient', interaction: [{ code: 'read' }] }] }],
    });
  const m = /\/Patient\/([^/]+)\/\$everything/.exec(url);
  if (m)
    return json({
      resourceType: 'Bundle',
      type: 'searchset',
      entry: (everything[m[1]!] ?? []).map((resource) => ({ resource })),
    });
  return new Response('{}', { status: 404 });
}) as typeof fetch;

let db: Database;
beforeAll(async () => {
  db = await openDatabase();
  await migrate(db);
});
afterAll(async () => db?.close());

it('stores the valid resources of a pull and lists the invalid ones with element and reason', async () => {
  const repo = createResourceRepository(db);
  const summary = await pullFromFhir(db, repo, { base: BASE, patients: ['p1', 'p2'], fetch: fakeFetch });
  expect(summary.patients).toBe(1);
  expect(summary.created).toBe(2);
  expect(await repo.read('Observation', 'o-ok')).toBeDefined();
  expect(await repo.read('Observation', 'o-bad')).toBeUndefined();
  expect(await repo.read('Patient', 'p2')).toBeUndefined();
  expect(await repo.read('Observation', 'o-p2')).toBeUndefined();
  expect(summary.rejected.map((r) => [r.patient, r.resource, r.field])).toEqual([
    ['p1', 'Observation/o-bad', 'Observation.status'],
    ['p1', 'Observation/o-bad', 'Observation.subject.reference'],
    ['p2', 'Patient/p2', 'Patient.gender'],
  ]);
});
