import type { Bundle, CapabilityStatement, OperationOutcome } from 'fhir/r4.js';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { searchRecords } from '../fhir/search/__fixtures__/records.js';
import required from '../fhir/search/required-params.json' with { type: 'json' };
import { FHIR_TYPES, searchParamsOf } from '../fhir/resource-types.js';
import { listen, type RunningServer } from '../listen.js';
import { createLogger } from '../logger.js';

const KEY = 'search-key-0123456789';

/** Search as an integrator does it: the fhir-kit-client library against a listening MedSeek. */
forEachBackend('FHIR search over HTTP (fhir-kit-client)', (db) => {
  let ctx: AppContext;
  let server: RunningServer;
  let client: InstanceType<typeof Client>;

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: false }), {
      db: db(),
      logger: createLogger('silent'),
      jwt: {},
      llm: false,
    });
    await ctx.resources.putMany(searchRecords);
    server = await listen(ctx, { port: 0, host: '127.0.0.1' });
    client = new Client({ baseUrl: `${server.url}/fhir`, bearerToken: KEY });
  });

  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });

  const search = async (resourceType: string, searchParams: Record<string, string | string[]>, headers = {}) =>
    (await client.search({ resourceType, searchParams, options: { headers } })) as unknown as Bundle;
  const matches = (b: Bundle) =>
    (b.entry ?? [])
      .filter((e) => e.search?.mode === 'match')
      .map((e) => e.resource!.id)
      .sort();
  const includes = (b: Bundle) =>
    (b.entry ?? [])
      .filter((e) => e.search?.mode === 'include')
      .map((e) => `${e.resource!.resourceType}/${e.resource!.id}`)
      .sort();

  it('answers the searches the issue found refused', async () => {
    expect(matches(await search('Observation', { patient: 'p1', category: 'laboratory' }))).toEqual(['glu']);
    expect(matches(await search('Condition', { patient: 'p1', 'clinical-status': 'active' }))).toEqual(['dm']);
    expect(matches(await search('MedicationRequest', { status: 'active' }))).toEqual(['met']);
    const enc = await search('Encounter', { patient: 'p1', _include: 'Encounter:subject' });
    expect(matches(enc)).toEqual(['e1']);
    expect(includes(enc)).toEqual(['Patient/p1']);
    const count = await search('Patient', { _summary: 'count' });
    expect(count).toMatchObject({ type: 'searchset', total: 2 });
    expect(count.entry).toBeUndefined();
  });

  it('chains, reverse-chains, sorts and pages through the client', async () => {
    expect(matches(await search('Observation', { 'subject:Patient.identifier': 'urn:mrn|M1' }))).toEqual(['glu', 'hr']);
    expect(matches(await search('Patient', { '_has:Observation:patient:code': '8867-4' }))).toEqual(['p1', 'p2']);
    const sorted = await search('Observation', { _sort: '-date', _count: '2' });
    expect(sorted.entry!.map((e) => e.resource!.id)).toEqual(['hr2', 'hr']);
    const next = (await client.nextPage({ bundle: sorted as never })) as unknown as Bundle;
    expect(next.entry!.map((e) => e.resource!.id)).toEqual(['glu']);
    const rev = await search('Patient', { _id: 'p1', _revinclude: 'Condition:patient' });
    expect(includes(rev)).toEqual(['Condition/dm', 'Condition/htn']);
  });

  it('trims resources for _summary=true and _elements, marking them SUBSETTED', async () => {
    const b = await search('Patient', { _id: 'p1', _elements: 'gender' });
    const p = b.entry![0]!.resource as unknown as Record<string, unknown>;
    expect(p.gender).toBe('male');
    expect(p.name).toBeUndefined();
    expect(JSON.stringify(p.meta)).toContain('SUBSETTED');
    const s = (await search('Observation', { _id: 'glu', _summary: 'true' })).entry![0]!.resource as unknown as Record<
      string,
      unknown
    >;
    expect(s.code).toBeDefined();
    expect(s.valueQuantity).toBeDefined();
    expect(s.note).toBeUndefined();
  });

  it('refuses an unknown parameter with a 400 naming it, and ignores it when asked to be lenient', async () => {
    const refused = await search('Observation', { colour: 'red' }).catch(
      (e: { response: { status: number; data: OperationOutcome } }) => e.response,
    );
    expect(refused).toMatchObject({ status: 400, data: { resourceType: 'OperationOutcome' } });
    expect((refused as { data: OperationOutcome }).data.issue[0]!.expression).toEqual(['colour']);
    const lenient = await search('Observation', { colour: 'red', code: '2339-0' }, { Prefer: 'handling=lenient' });
    expect(matches(lenient)).toEqual(['glu']);
    const self = lenient.link!.find((l) => l.relation === 'self')!.url;
    expect(self).not.toContain('colour');
    const outcome = lenient.entry!.find((e) => e.search?.mode === 'outcome')!.resource as OperationOutcome;
    expect(outcome.issue[0]).toMatchObject({ severity: 'warning', expression: ['colour'] });
  });

  it('advertises in the CapabilityStatement exactly the parameters it accepts', async () => {
    const cs = (await client.capabilityStatement()) as unknown as CapabilityStatement;
    const rest = cs.rest![0]!;
    const common = (rest.searchParam ?? []).map((p) => p.name);
    for (const type of Object.keys(FHIR_TYPES)) {
      const resource = rest.resource!.find((r) => r.type === type)!;
      const advertised = [...(resource.searchParam ?? []).map((p) => p.name), ...common].sort();
      expect(advertised, type).toEqual([...searchParamsOf(type), '_has'].sort());
      for (const p of resource.searchParam ?? []) {
        expect(p.type, `${type}.${p.name}`).toBeDefined();
        expect(p.documentation, `${type}.${p.name}`).toBeTruthy();
      }
    }
  });

  it('accepts every advertised parameter of every type, and every US Core 6.1 and IPS one', async () => {
    const app = createApp(ctx);
    const cs = (await client.capabilityStatement()) as unknown as CapabilityStatement;
    for (const resource of cs.rest![0]!.resource!.filter((r) => FHIR_TYPES[r.type])) {
      for (const p of resource.searchParam ?? []) {
        // `:missing` applies to every parameter type; _id and _lastUpdated take a plain value.
        const query =
          p.name === '_id' ? '_id=x' : p.name === '_lastUpdated' ? '_lastUpdated=ge2000' : `${p.name}:missing=true`;
        const res = await app.request(`/fhir/${resource.type}?${query}&_count=0`, {
          headers: { Authorization: `Bearer ${KEY}` },
        });
        expect(res.status, `${resource.type}?${query}`).toBe(200);
      }
    }
    for (const [type, bySource] of Object.entries(required.params)) {
      for (const [source, names] of Object.entries(bySource as Record<string, string[]>)) {
        for (const name of names) expect(searchParamsOf(type), `${source} ${type}.${name}`).toContain(name);
      }
    }
  });
});
