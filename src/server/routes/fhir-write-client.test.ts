import { Client, RESPONSE_KEY } from 'fhir-kit-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { type AppContext, openContext } from '../context.js';
import { listen, type RunningServer } from '../listen.js';
import { createLogger } from '../logger.js';

/**
 * The write interactions as an integrator drives them: through fhir-kit-client (a widely used
 * JavaScript FHIR client) against a running MedSeek over HTTP, on both backends.
 */
const KEY = 'client-write-admin-key-0123456789';

type Resource = { resourceType: string; id: string; meta?: { versionId?: string } } & Record<string, unknown>;
type ClientError = { response?: { status: number; data?: { resourceType?: string } } };
/** The HTTP response fhir-kit-client keeps on what it returns. */
const responseOf = (r: unknown): Response => (r as Record<string, Response>)[RESPONSE_KEY]!;

forEachBackend('FHIR writes through fhir-kit-client', (db) => {
  let ctx: AppContext;
  let server: RunningServer;
  let client: Client;

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: false, logLevel: 'silent' }), {
      db: db(),
      logger: createLogger('silent'),
      demoLoader: false,
      llm: false,
    });
    server = await listen(ctx, { port: 0, host: '127.0.0.1' });
    client = new Client({ baseUrl: `${server.url}/fhir`, bearerToken: KEY });
  });
  afterAll(async () => {
    await server?.close(1000);
    await ctx?.close();
  });

  const statusOf = async (p: Promise<unknown>): Promise<number> => {
    try {
      return responseOf(await p).status;
    } catch (e) {
      return (e as ClientError).response?.status ?? -1;
    }
  };
  const patient = (mrn: string, extra: Record<string, unknown> = {}) => ({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:2.16.840.1.113883.2.4.6.3', value: mrn }],
    name: [{ family: '王', given: ['芳'] }],
    gender: 'female',
    ...extra,
  });

  it('creates, reads back, updates, patches and deletes a patient', async () => {
    const created = (await client.create({ resourceType: 'Patient', body: patient('K-1') })) as Resource;
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.meta?.versionId).toBe('1');
    expect(responseOf(created).status).toBe(201);

    const updated = (await client.update({
      resourceType: 'Patient',
      id: created.id,
      body: { ...patient('K-1'), id: created.id, birthDate: '1961-04-02' },
      options: { headers: { 'If-Match': 'W/"1"' } },
    })) as Resource;
    expect([updated.meta?.versionId, updated.birthDate]).toEqual(['2', '1961-04-02']);

    const patched = (await client.patch({
      resourceType: 'Patient',
      id: created.id,
      jsonPatch: [{ op: 'replace', path: '/gender', value: 'male' }],
    })) as Resource;
    expect([patched.meta?.versionId, patched.gender]).toEqual(['3', 'male']);

    expect(await statusOf(client.delete({ resourceType: 'Patient', id: created.id }))).toBe(204);
    let gone: ClientError | undefined;
    try {
      await client.read({ resourceType: 'Patient', id: created.id });
    } catch (e) {
      gone = e as ClientError;
    }
    expect(gone?.response?.status).toBe(410);
    expect(gone?.response?.data?.resourceType).toBe('OperationOutcome');
    const v2 = (await client.vread({ resourceType: 'Patient', id: created.id, version: '2' })) as Resource;
    expect(v2.birthDate).toBe('1961-04-02');
    const history = (await client.history({ resourceType: 'Patient', id: created.id })) as unknown as {
      entry: { request: { method: string } }[];
    };
    expect(history.entry.map((e) => e.request.method)).toEqual(['DELETE', 'PUT', 'PUT', 'POST']);
  });

  it('update to a client-assigned id creates it (201), and a stale If-Match is refused (412)', async () => {
    const body = { ...patient('K-2'), id: 'k-2' };
    expect(await statusOf(client.update({ resourceType: 'Patient', id: 'k-2', body }))).toBe(201);
    expect(
      await statusOf(client.update({ resourceType: 'Patient', id: 'k-2', body: { ...body, gender: 'male' } })),
    ).toBe(200);
    expect(
      await statusOf(
        client.update({ resourceType: 'Patient', id: 'k-2', body, options: { headers: { 'If-Match': 'W/"1"' } } }),
      ),
    ).toBe(412);
  });

  it('conditional create: the second identical request finds the first', async () => {
    const options = { headers: { 'If-None-Exist': 'identifier=urn:oid:2.16.840.1.113883.2.4.6.3|K-3' } };
    const first = (await client.create({ resourceType: 'Patient', body: patient('K-3'), options })) as Resource;
    const second = (await client.create({ resourceType: 'Patient', body: patient('K-3'), options })) as Resource;
    expect(second.id).toBe(first.id);
    expect(responseOf(second).status).toBe(200);
    const found = (await client.search({
      resourceType: 'Patient',
      searchParams: { identifier: 'urn:oid:2.16.840.1.113883.2.4.6.3|K-3' },
    })) as unknown as { total: number };
    expect(found.total).toBe(1);
  });

  it('a batch posted to the base (the client adds a trailing slash) answers each entry', async () => {
    const res = (await client.batch({
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { resource: patient('K-4'), request: { method: 'POST', url: 'Patient' } },
          { resource: { ...patient('K-5'), gender: 'neither' }, request: { method: 'POST', url: 'Patient' } },
          { request: { method: 'DELETE', url: 'Patient/k-2' } },
        ],
      },
    })) as unknown as { type: string; entry: { response: { status: string } }[] };
    expect(res.type).toBe('batch-response');
    expect(res.entry.map((e) => e.response.status)).toEqual(['201 Created', '400 Bad Request', '204 No Content']);
    expect(await statusOf(client.read({ resourceType: 'Patient', id: 'k-2' }))).toBe(410);
  });

  it('a transaction through the client is all or nothing', async () => {
    const before = (await client.search({
      resourceType: 'Patient',
      searchParams: { _summary: 'count' },
    })) as unknown as {
      total: number;
    };
    const status = await statusOf(
      client.transaction({
        body: {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            { resource: patient('K-6'), request: { method: 'POST', url: 'Patient' } },
            { request: { method: 'DELETE', url: 'Patient/not-there' } },
          ],
        },
      }),
    );
    expect(status).toBe(404);
    const after = (await client.search({
      resourceType: 'Patient',
      searchParams: { _summary: 'count' },
    })) as unknown as {
      total: number;
    };
    expect(after.total).toBe(before.total);
  });
});
