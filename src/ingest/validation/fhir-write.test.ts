import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/index.js';
import { createApp } from '../../server/app.js';
import { type AppContext, openContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { type Database, migrate, openDatabase } from '../../store/index.js';

/**
 * Issue 24: a transaction Bundle with a Patient `"gender": 42` and an Observation with
 * `"status": "bogus"`, `"valueQuantity": "high"`, `"subject": {"reference": "Patient/"}` was
 * stored (201 for both). Through the app it is refused with an OperationOutcome naming each element.
 */
const KEY = 'validate-key-0123456789';
let db: Database;
let ctx: AppContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await openDatabase();
  await migrate(db);
  ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: false, logLevel: 'silent' }), {
    db,
    logger: createLogger('silent'),
    demoLoader: false,
    llm: false,
  });
  app = createApp(ctx);
});
afterAll(async () => {
  await ctx?.close();
  await db?.close();
});

const count = async () =>
  Number((await db.query<{ n: number | string }>('select count(*) as n from fhir_resources')).rows[0]!.n);

describe('POST /fhir validates every entry', () => {
  it('refuses the transaction of issue 24 with an OperationOutcome naming each element path, storing nothing', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:6f1c2a3e-0d4b-4c5e-9f10-1a2b3c4d5e6f',
          resource: { resourceType: 'Patient', gender: 42 },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Observation',
            status: 'bogus',
            code: { text: 'pulse' },
            valueQuantity: 'high',
            subject: { reference: 'Patient/' },
          },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    };
    const before = await count();
    const res = await app.request('/fhir', {
      method: 'POST',
      body: JSON.stringify(bundle),
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/fhir+json' },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      resourceType: string;
      issue: { expression?: string[]; diagnostics: string }[];
    };
    expect(body.resourceType).toBe('OperationOutcome');
    const byPath = new Map(body.issue.filter((i) => i.expression).map((i) => [i.expression![0]!, i.diagnostics]));
    expect([...byPath.keys()]).toEqual([
      'Patient.gender',
      'Observation.status',
      'Observation.valueQuantity',
      'Observation.subject.reference',
    ]);
    expect(byPath.get('Patient.gender')).toMatch(/expected a string \(code\), got a number \(42\)/);
    expect(byPath.get('Observation.status')).toMatch(/'bogus' is not in the required value set/);
    expect(byPath.get('Observation.valueQuantity')).toMatch(/expected an object \(Quantity\)/);
    expect(byPath.get('Observation.subject.reference')).toMatch(/'Patient\/' has no id/);
    expect(await count()).toBe(before);
  });

  it('answers a batch per entry: the valid entry is written, the invalid one gets its OperationOutcome', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        {
          resource: { resourceType: 'Patient', id: 'ok', gender: 'female' },
          request: { method: 'PUT', url: 'Patient/ok' },
        },
        {
          resource: { resourceType: 'Patient', id: 'bad', gender: 42 },
          request: { method: 'PUT', url: 'Patient/bad' },
        },
      ],
    };
    const res = await app.request('/fhir', {
      method: 'POST',
      body: JSON.stringify(bundle),
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/fhir+json' },
    });
    expect(res.status).toBe(200);
    const out = (await res.json()) as {
      entry: { response: { status: string; outcome?: { issue: { expression?: string[] }[] } } }[];
    };
    expect(out.entry[0]!.response.status).toMatch(/^201/);
    expect(out.entry[1]!.response.status).toMatch(/^400/);
    expect(out.entry[1]!.response.outcome!.issue[0]!.expression).toEqual(['Patient.gender']);
    expect(await ctx.resources.read('Patient', 'bad')).toBeUndefined();
  });
});
