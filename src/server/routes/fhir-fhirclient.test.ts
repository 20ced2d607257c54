import smart from 'fhirclient';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { type AppContext, openContext } from '../context.js';
import { listen, type RunningServer } from '../listen.js';
import { createLogger } from '../logger.js';
import { exportRunner } from './fhir-bulk.js';

/**
 * The FHIR API as SMART apps reach it: through the `fhirclient` library's FhirClient (the request
 * layer of the Client `FHIR.oauth2.ready()` hands an app; here it sends an API key as the bearer
 * token) against a running MedSeek over HTTP, on both backends: create, the searches US Core apps
 * send first, update, JSON Patch, delete, and a Bulk Data kick-off.
 */
const KEY = 'fhirclient-admin-key-0123456789';

type Resource = { resourceType: string; id: string; meta?: { versionId?: string; lastUpdated?: string } } & Record<
  string,
  unknown
>;
/** The Node entry exports FhirClient at run time; its typings only declare it in its own module. */
const FhirClient = (smart as unknown as { FhirClient: typeof import('fhirclient/lib/FhirClient.js').default })
  .FhirClient;
class KeyedClient extends FhirClient {
  override async getRequestDefaults(): Promise<Partial<RequestInit>> {
    return { headers: { Authorization: `Bearer ${KEY}` } };
  }
}

type Bundle = { total?: number; entry?: { resource: Resource; search?: { mode?: string } }[] };

forEachBackend('FHIR API through fhirclient', (db) => {
  let ctx: AppContext;
  let server: RunningServer;
  let client: KeyedClient;

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: false, logLevel: 'silent' }), {
      db: db(),
      logger: createLogger('silent'),
      demoLoader: false,
      llm: false,
    });
    server = await listen(ctx, { port: 0, host: '127.0.0.1' });
    client = new KeyedClient(`${server.url}/fhir`);
  });
  afterAll(async () => {
    await exportRunner(ctx).idle();
    await server?.close(1000);
    await ctx?.close();
  });

  it('creates, searches by category and status with _include, updates, patches and deletes', async () => {
    const patient = (await client.create({
      resourceType: 'Patient',
      name: [{ family: '赵' }],
      gender: 'male',
    })) as Resource;
    expect(patient.id).toBeTruthy();
    const lab = (await client.create({
      resourceType: 'Observation',
      status: 'final',
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '2823-3' }], text: 'Potassium' },
      subject: { reference: `Patient/${patient.id}` },
      effectiveDateTime: '2024-05-01T07:00:00Z',
      valueQuantity: { value: 5.9, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
    })) as Resource;
    const found = (await client.fhirRequest(
      `Observation?patient=${patient.id}&category=laboratory&date=ge2024-01-01&_include=Observation:subject`,
    )) as Bundle;
    expect(found.entry?.map((e) => [e.resource.resourceType, e.search?.mode])).toEqual([
      ['Observation', 'match'],
      ['Patient', 'include'],
    ]);
    const count = (await client.fhirRequest('Patient?_summary=count')) as Bundle;
    expect(count.total).toBeGreaterThanOrEqual(1);

    const updated = (await client.update({ ...lab, status: 'amended' } as never)) as Resource;
    expect(updated.meta?.versionId).toBe('2');
    const patched = (await client.patch(`Observation/${lab.id}`, [
      { op: 'replace', path: '/status', value: 'corrected' },
    ])) as Resource;
    expect([patched.status, patched.meta?.versionId]).toEqual(['corrected', '3']);

    await client.delete(`Observation/${lab.id}`);
    await expect(client.fhirRequest(`Observation/${lab.id}`)).rejects.toMatchObject({ status: 410 });
  });

  it('kicks off a Bulk Data export and reads its manifest and files', async () => {
    const kick = (await client.fhirRequest('$export?_type=Patient', {
      headers: { Prefer: 'respond-async', Accept: 'application/fhir+json' },
      includeResponse: true,
    })) as { response: Response };
    expect(kick.response.status).toBe(202);
    const status = kick.response.headers.get('content-location')!;
    await exportRunner(ctx).idle();
    const manifest = (await client.fhirRequest(status)) as { output: { type: string; url: string; count: number }[] };
    expect(manifest.output.map((o) => o.type)).toEqual(['Patient']);
    const ndjson = await fetch(manifest.output[0]!.url, { headers: { Authorization: `Bearer ${KEY}` } });
    const lines = (await ndjson.text()).trim().split('\n');
    expect(lines).toHaveLength(manifest.output[0]!.count);
  });
});
