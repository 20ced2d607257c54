import { beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../core/index.js';
import { forEachBackend } from '../../../test/support/backends.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

const KEY = 'post-key';
const PATIENT_UUID = 'urn:uuid:6f1c2a3e-0d4b-4c5e-9f10-1a2b3c4d5e6f';

const transaction = (type: 'transaction' | 'batch', observationSubject = PATIENT_UUID) => ({
  resourceType: 'Bundle',
  type,
  entry: [
    {
      fullUrl: PATIENT_UUID,
      resource: { resourceType: 'Patient', name: [{ family: '李', given: ['娜'] }], gender: 'female' },
      request: { method: 'POST', url: 'Patient' },
    },
    {
      fullUrl: 'urn:uuid:0b8e2f6a-7c1d-4e3f-8a9b-2c3d4e5f6a7b',
      resource: {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        subject: { reference: observationSubject },
        effectiveDateTime: '2025-02-01T08:00:00Z',
        valueQuantity: { value: 88, unit: '/min' },
      },
      request: { method: 'POST', url: 'Observation' },
    },
  ],
});

forEachBackend('POST /fhir (transaction, batch)', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: false }), {
      db: db(),
      logger: createLogger('silent'),
      jwt: {},
      demoLoader: false,
    });
    app = createApp(ctx);
  });

  const post = (body: string | Uint8Array<ArrayBuffer>, contentType = 'application/fhir+json') =>
    app.request('/fhir', {
      method: 'POST',
      body,
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': contentType },
    });
  const json = async (r: Response) => (await r.json()) as Record<string, unknown>;

  it('writes a transaction, resolving urn:uuid references, and answers a transaction-response; again, unchanged', async () => {
    const res = await post(JSON.stringify(transaction('transaction')));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
    const entries = body.entry as { response: { status: string; location: string } }[];
    expect(entries.map((e) => e.response.status)).toEqual(['201 Created', '201 Created']);
    const patientId = /^Patient\/([^/]+)\//.exec(entries[0]!.response.location)![1]!;
    const obsLocation = entries[1]!.response.location.replace(/\/_history\/\d+$/, '');
    const obs = await json(await app.request(`/fhir/${obsLocation}`, { headers: { Authorization: `Bearer ${KEY}` } }));
    expect(obs.subject).toEqual({ reference: `Patient/${patientId}` });

    const rows = await ctx.audit.query({ patient: patientId });
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([
      ['read', 200],
      ['transaction', 200],
    ]);

    const again = await json(await post(JSON.stringify(transaction('transaction'))));
    expect((again.entry as { response: { status: string } }[]).map((e) => e.response.status)).toEqual([
      '200 OK',
      '200 OK',
    ]);
  });

  it('rejects a whole transaction with a dangling reference, naming the entry and field, writing nothing', async () => {
    const before = (await ctx.resources.search('Observation', { count: 0 })).total;
    const res = await post(JSON.stringify(transaction('transaction', 'urn:uuid:00000000-0000-4000-8000-000000000000')));
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.resourceType).toBe('OperationOutcome');
    const issue = (body.issue as { location?: string[]; expression?: string[] }[])[0]!;
    expect(issue.location?.[0]).toMatch(/^Bundle\.entry\[1\]/);
    expect(issue.expression?.[0]).toContain('subject');
    expect((await ctx.resources.search('Observation', { count: 0 })).total).toBe(before);
  });

  it('answers a batch entry by entry', async () => {
    const bundle = transaction('batch', 'urn:uuid:00000000-0000-4000-8000-000000000000');
    bundle.entry[0]!.resource.name = [{ family: 'Batch', given: ['Only'] }];
    const res = await post(JSON.stringify(bundle));
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.type).toBe('batch-response');
    const statuses = (body.entry as { response: { status: string } }[]).map((e) => e.response.status);
    expect(statuses[0]).toMatch(/^20[01]/);
    expect(statuses[1]).toBe('400 Bad Request');
  });

  it('answers 415, 400 and 413-class errors as OperationOutcomes', async () => {
    const cases: [Response, number][] = [
      [await post(JSON.stringify(transaction('transaction')), 'text/plain'), 415],
      [await post('{"resourceType": "Bundle", "type": "transaction", '), 400],
      [await post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 400],
      [await post(JSON.stringify({ resourceType: 'Patient', id: 'x' })), 400],
      [await post(JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [] })), 400],
    ];
    for (const [res, status] of cases) {
      expect(res.status).toBe(status);
      expect((await json(res)).resourceType).toBe('OperationOutcome');
    }
  });

  it('needs auth to write', async () => {
    const res = await app.request('/fhir', {
      method: 'POST',
      body: JSON.stringify(transaction('transaction')),
      headers: { 'Content-Type': 'application/fhir+json' },
    });
    expect(res.status).toBe(401);
  });
});
