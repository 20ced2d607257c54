import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

/**
 * The FHIR R4 write interactions over HTTP (https://hl7.org/fhir/R4/http.html): conditional create
 * and update, patch, delete, If-Match, Prefer, and batch/transaction Bundles using them, on both
 * backends. Create and update themselves are also covered by fhir-write.test.ts.
 */
const ADMIN = 'rest-write-admin-key-0123456789';

type Outcome = {
  resourceType: string;
  issue: { code: string; diagnostics?: string; expression?: string[]; location?: string[] }[];
};
type Entry = {
  response: { status: string; location?: string; etag?: string; outcome?: Outcome };
  resource?: Record<string, unknown>;
};

forEachBackend('FHIR writes', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let wardKey: string;

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [ADMIN], demo: false, logLevel: 'silent' }), {
      db: db(),
      logger: createLogger('silent'),
      demoLoader: false,
      llm: false,
    });
    app = createApp(ctx);
    await ctx.resources.putMany([
      { resourceType: 'Organization', id: 'ward-a', name: 'Ward A' },
      { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:mrn', value: 'MRN-1' }] },
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

  const send = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}, key = ADMIN) =>
    app.request(url, {
      method,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/fhir+json', ...headers },
    });
  const get = (url: string) => send('GET', url);
  const json = async <T = Record<string, unknown>>(r: Response) => (await r.json()) as T;
  const pulse = (patient: string, value = 72, extra: Record<string, unknown> = {}) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: `Patient/${patient}` },
    valueQuantity: { value, unit: '/min' },
    ...extra,
  });
  const count = async (table: string) =>
    Number((await db().query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);

  it('conditional create: makes one when nothing matches, answers 200 with the match, 412 when several match', async () => {
    const mrn = { system: 'urn:mrn', value: 'MRN-9' };
    const first = await send(
      'POST',
      '/fhir/Patient',
      { resourceType: 'Patient', identifier: [mrn] },
      {
        'If-None-Exist': 'identifier=urn:mrn|MRN-9',
      },
    );
    expect(first.status).toBe(201);
    const created = await json<{ id: string }>(first);
    const again = await send(
      'POST',
      '/fhir/Patient',
      { resourceType: 'Patient', identifier: [mrn], gender: 'male' },
      {
        'If-None-Exist': 'identifier=urn:mrn|MRN-9',
      },
    );
    expect(again.status).toBe(200);
    expect((await json<{ id: string; gender?: string }>(again)).id).toBe(created.id);
    expect(again.headers.get('Location')).toContain(`/fhir/Patient/${created.id}/_history/1`);
    // A second patient with the same identifier (written directly): now the condition is ambiguous.
    await send('PUT', '/fhir/Patient/dup-9', { resourceType: 'Patient', id: 'dup-9', identifier: [mrn] });
    const ambiguous = await send(
      'POST',
      '/fhir/Patient',
      { resourceType: 'Patient', identifier: [mrn] },
      {
        'If-None-Exist': 'identifier=urn:mrn|MRN-9',
      },
    );
    expect(ambiguous.status).toBe(412);
    expect((await json<Outcome>(ambiguous)).resourceType).toBe('OperationOutcome');
    const noCriteria = await send(
      'POST',
      '/fhir/Patient',
      { resourceType: 'Patient' },
      { 'If-None-Exist': '_count=1' },
    );
    expect(noCriteria.status).toBe(400);
    const unknown = await send(
      'POST',
      '/fhir/Patient',
      { resourceType: 'Patient' },
      { 'If-None-Exist': 'shoe-size=9' },
    );
    expect(unknown.status).toBe(400);
  });

  it('update as create to a client id answers 201, then 200; Prefer return=minimal and OperationOutcome', async () => {
    const created = await send('PUT', '/fhir/Observation/client-1', { ...pulse('p1'), id: 'client-1' });
    expect(created.status).toBe(201);
    expect(created.headers.get('ETag')).toBe('W/"1"');
    const minimal = await send(
      'PUT',
      '/fhir/Observation/client-1',
      { ...pulse('p1', 75), id: 'client-1' },
      {
        Prefer: 'return=minimal',
      },
    );
    expect(minimal.status).toBe(200);
    expect(await minimal.text()).toBe('');
    expect(minimal.headers.get('Location')).toMatch(/\/fhir\/Observation\/client-1\/_history\/2$/);
    expect(minimal.headers.get('Last-Modified')).toMatch(/GMT$/);
    const oo = await send(
      'PUT',
      '/fhir/Observation/client-1',
      { ...pulse('p1', 76), id: 'client-1' },
      {
        Prefer: 'return=OperationOutcome',
      },
    );
    expect(oo.status).toBe(200);
    const body = await json<Outcome>(oo);
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0]!.diagnostics).toContain('version 3');
  });

  it('conditional update: updates the one match, creates when none, refuses several (412) and a foreign body id', async () => {
    const one = await send('PUT', '/fhir/Patient?identifier=urn:mrn|MRN-1', {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:mrn', value: 'MRN-1' }],
      gender: 'female',
    });
    expect(one.status).toBe(200);
    expect((await json<{ id: string; gender: string }>(one)).id).toBe('p1');
    const none = await send('PUT', '/fhir/Patient?identifier=urn:mrn|MRN-NEW', {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:mrn', value: 'MRN-NEW' }],
    });
    expect(none.status).toBe(201);
    const foreign = await send('PUT', '/fhir/Patient?identifier=urn:mrn|MRN-1', {
      resourceType: 'Patient',
      id: 'p2',
      identifier: [{ system: 'urn:mrn', value: 'MRN-1' }],
    });
    expect(foreign.status).toBe(400);
    const several = await send('PUT', '/fhir/Patient?identifier=urn:mrn|MRN-9', { resourceType: 'Patient' });
    expect(several.status).toBe(412);
    expect((await send('PUT', '/fhir/Patient', { resourceType: 'Patient' })).status).toBe(400);
  });

  it('patch: applies a JSON Patch as a new version, validates the result, honours If-Match, storing nothing on failure', async () => {
    await send('PUT', '/fhir/Observation/patch-1', { ...pulse('p1'), id: 'patch-1' });
    const patch = (ops: unknown, headers: Record<string, string> = {}) =>
      send('PATCH', '/fhir/Observation/patch-1', ops, { 'Content-Type': 'application/json-patch+json', ...headers });
    const ok = await patch([{ op: 'replace', path: '/valueQuantity/value', value: 90 }], { 'If-Match': 'W/"1"' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ETag')).toBe('W/"2"');
    expect((await json<{ valueQuantity: { value: number } }>(ok)).valueQuantity.value).toBe(90);

    const versions = await count('fhir_resource_history');
    const invalid = await patch([{ op: 'replace', path: '/status', value: 'bogus' }]);
    expect(invalid.status).toBe(400);
    expect((await json<Outcome>(invalid)).issue.flatMap((i) => i.expression ?? [])).toContain('Observation.status');
    const stale = await patch([{ op: 'replace', path: '/valueQuantity/value', value: 91 }], { 'If-Match': 'W/"1"' });
    expect(stale.status).toBe(412);
    const failedTest = await patch([{ op: 'test', path: '/status', value: 'amended' }]);
    expect(failedTest.status).toBe(400);
    const retype = await patch([{ op: 'replace', path: '/id', value: 'other' }]);
    expect(retype.status).toBe(400);
    const wrongType = await send('PATCH', '/fhir/Observation/patch-1', [], { 'Content-Type': 'application/fhir+json' });
    expect(wrongType.status).toBe(415);
    expect(await count('fhir_resource_history')).toBe(versions);
    const current = await json<{ meta: { versionId: string }; status: string }>(await get('/fhir/Observation/patch-1'));
    expect([current.meta.versionId, current.status]).toEqual(['2', 'final']);
    expect(
      (await send('PATCH', '/fhir/Observation/nobody', [], { 'Content-Type': 'application/json-patch+json' })).status,
    ).toBe(404);
  });

  it('delete: a deleted version in history, read 410 with an OperationOutcome, vread of older versions, gone from search', async () => {
    await send('PUT', '/fhir/Observation/del-1', { ...pulse('p1', 50), id: 'del-1' });
    await send('PUT', '/fhir/Observation/del-1', { ...pulse('p1', 55), id: 'del-1' });
    expect((await send('DELETE', '/fhir/Observation/del-1', undefined, { 'If-Match': 'W/"1"' })).status).toBe(412);
    const del = await send('DELETE', '/fhir/Observation/del-1');
    expect(del.status).toBe(204);
    expect(del.headers.get('ETag')).toBe('W/"3"');
    const read = await get('/fhir/Observation/del-1');
    expect(read.status).toBe(410);
    expect((await json<Outcome>(read)).resourceType).toBe('OperationOutcome');
    const v2 = await get('/fhir/Observation/del-1/_history/2');
    expect(v2.status).toBe(200);
    expect((await json<{ valueQuantity: { value: number } }>(v2)).valueQuantity.value).toBe(55);
    const history = await json<{ entry: { request: { method: string } }[] }>(
      await get('/fhir/Observation/del-1/_history'),
    );
    expect(history.entry.map((e) => e.request.method)).toEqual(['DELETE', 'PUT', 'POST']);
    const search = await json<{ entry?: { resource: { id: string } }[] }>(await get('/fhir/Observation?_id=del-1'));
    expect(search.entry ?? []).toEqual([]);
    // Deleting again changes nothing; Prefer return=OperationOutcome says so.
    const again = await send('DELETE', '/fhir/Observation/del-1', undefined, { Prefer: 'return=OperationOutcome' });
    expect(again.status).toBe(200);
    expect((await json<Outcome>(again)).issue[0]!.diagnostics).toContain('already deleted');
    expect((await send('DELETE', '/fhir/Observation/never-was')).status).toBe(404);
    // A later update brings it back as a new version.
    const back = await send('PUT', '/fhir/Observation/del-1', { ...pulse('p1', 60), id: 'del-1' });
    expect([back.status, back.headers.get('ETag')]).toEqual([201, 'W/"4"']);
  });

  it("the patient's state follows a write and a delete at once", async () => {
    const state = async () => JSON.stringify(await json(await get('/api/patients/p2/state')));
    const created = await send(
      'POST',
      '/fhir/Observation',
      pulse('p2', 131, { effectiveDateTime: '2025-03-01T08:00:00Z' }),
    );
    const id = (await json<{ id: string }>(created)).id;
    expect(await state()).toContain(`"resourceType":"Observation","id":"${id}"`);
    await send('DELETE', `/fhir/Observation/${id}`);
    expect(await state()).not.toContain(`"id":"${id}"`);
  });

  it('holds every write to roles and patient scope, and audits writes and refusals', async () => {
    await send('PUT', '/fhir/Observation/scope-2', { ...pulse('p2'), id: 'scope-2' });
    const asWard = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
      send(method, url, body, headers, wardKey);
    expect((await asWard('DELETE', '/fhir/Observation/scope-2')).status).toBe(403);
    expect(
      (
        await asWard(
          'PATCH',
          '/fhir/Observation/scope-2',
          [{ op: 'replace', path: '/subject/reference', value: 'Patient/p1' }],
          {
            'Content-Type': 'application/json-patch+json',
          },
        )
      ).status,
    ).toBe(403);
    // Refused before the body is looked at: the condition names p2; the patch targets p2's resource.
    expect((await asWard('PUT', '/fhir/Observation?patient=p2', { resourceType: 'Nonsense' })).status).toBe(403);
    expect(
      (await asWard('PATCH', '/fhir/Observation/scope-2', 'not json', { 'Content-Type': 'text/plain' })).status,
    ).toBe(403);
    expect((await get('/fhir/Observation/scope-2')).status).toBe(200);
    const own = await asWard('POST', '/fhir/Observation', pulse('p1'));
    expect(own.status).toBe(201);
    const id = (await json<{ id: string }>(own)).id;
    expect((await asWard('DELETE', `/fhir/Observation/${id}`)).status).toBe(204);
    const audit = await ctx.audit.query({ limit: 50 });
    expect(audit.some((a) => a.action === 'delete' && a.outcome === 204 && a.resource === `Observation/${id}`)).toBe(
      true,
    );
    expect(audit.some((a) => a.outcome === 403 && a.patientId === 'p2')).toBe(true);
  });

  it('batch at the base with a trailing slash: each entry independent, with its own status', async () => {
    await send('PUT', '/fhir/Observation/batch-1', { ...pulse('p1'), id: 'batch-1' });
    const patch = Buffer.from(JSON.stringify([{ op: 'replace', path: '/valueQuantity/value', value: 99 }])).toString(
      'base64',
    );
    const res = await send('POST', '/fhir/', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: pulse('p1', 61), request: { method: 'POST', url: 'Observation' } },
        {
          resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch },
          request: { method: 'PATCH', url: 'Observation/batch-1' },
        },
        { resource: { ...pulse('p1'), status: 'bogus' }, request: { method: 'POST', url: 'Observation' } },
        { request: { method: 'DELETE', url: 'Observation/no-such' } },
        {
          resource: { ...pulse('p1'), id: 'batch-1' },
          request: { method: 'PUT', url: 'Observation/batch-1', ifMatch: 'W/"1"' },
        },
        { request: { method: 'DELETE', url: 'Observation/batch-1' } },
      ],
    });
    expect(res.status).toBe(200);
    const body = await json<{ type: string; entry: Entry[] }>(res);
    expect(body.type).toBe('batch-response');
    expect(body.entry.map((e) => e.response.status)).toEqual([
      '201 Created',
      '200 OK',
      '400 Bad Request',
      '404 Not Found',
      '412 Precondition Failed',
      '204 No Content',
    ]);
    expect(body.entry[2]!.response.outcome!.issue[0]!.location).toEqual(['Bundle.entry[2]']);
    expect((await get('/fhir/Observation/batch-1')).status).toBe(410);
  });

  it('transaction: all or nothing, in FHIR order, references between entries and conditional ones resolved', async () => {
    await send('PUT', '/fhir/Observation/tx-old', { ...pulse('p1'), id: 'tx-old' });
    const bundle = (last: Record<string, unknown>) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:3f1c2a3e-0d4b-4c5e-9f10-1a2b3c4d5e6f',
          resource: { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: 'TX-1' }] },
          request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:mrn|TX-1' },
        },
        {
          resource: pulse('x', 80, { subject: { reference: 'urn:uuid:3f1c2a3e-0d4b-4c5e-9f10-1a2b3c4d5e6f' } }),
          request: { method: 'POST', url: 'Observation' },
        },
        {
          resource: pulse('x', 81, { subject: { reference: 'Patient?identifier=urn:mrn|MRN-1' } }),
          request: { method: 'PUT', url: 'Observation/tx-new' },
        },
        { request: { method: 'DELETE', url: 'Observation/tx-old' } },
        last,
      ],
    });
    const before = await count('fhir_resources');
    const failing = await send('POST', '/fhir', bundle({ request: { method: 'DELETE', url: 'Observation/tx-none' } }));
    expect(failing.status).toBe(404);
    const outcome = await json<Outcome>(failing);
    expect(outcome.issue[0]!.location).toEqual(['Bundle.entry[4]']);
    expect(await count('fhir_resources')).toBe(before);
    expect((await get('/fhir/Observation/tx-old')).status).toBe(200);

    const ok = await send(
      'POST',
      '/fhir/',
      bundle({ resource: pulse('p1', 82), request: { method: 'POST', url: 'Observation' } }),
      { Prefer: 'return=representation' },
    );
    const body = await json<{ type: string; entry: Entry[] }>(ok);
    expect([ok.status, body.type], JSON.stringify(body)).toEqual([200, 'transaction-response']);
    expect(body.entry.map((e) => e.response.status)).toEqual([
      '201 Created',
      '201 Created',
      '201 Created',
      '204 No Content',
      '201 Created',
    ]);
    const patientId = body.entry[0]!.resource!.id as string;
    expect(body.entry[1]!.resource!.subject).toEqual({ reference: `Patient/${patientId}` });
    expect(body.entry[2]!.resource!.subject).toEqual({ reference: 'Patient/p1' });
    expect((await get('/fhir/Observation/tx-old')).status).toBe(410);
    const twice = await send('POST', '/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { ...pulse('p1'), id: 'tx-new' }, request: { method: 'PUT', url: 'Observation/tx-new' } },
        { request: { method: 'DELETE', url: 'Observation/tx-new' } },
      ],
    });
    expect(twice.status).toBe(409);
    expect((await json<Outcome>(twice)).issue[0]!.location).toEqual(['Bundle.entry[1]']);
    const rows = await ctx.audit.query({ patient: patientId });
    expect(rows.map((r) => [r.action, r.outcome])).toContainEqual(['transaction', 200]);
  });
});
