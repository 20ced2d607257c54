import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';
import { exportRunner } from './fhir-bulk.js';

/**
 * FHIR Bulk Data export (https://hl7.org/fhir/uv/bulkdata/export.html) as a client drives it:
 * kick-off with `Prefer: respond-async`, poll the status URL, read the manifest, download NDJSON
 * with the same credential, cancel with DELETE; held to the caller's patient scope and audited.
 */
const ADMIN = 'bulk-admin-key-0123456789';

forEachBackend('FHIR bulk export', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let wardKey: string;
  let otherAdmin: string;

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
      { resourceType: 'Practitioner', id: 'dr1', name: [{ family: 'Li' }] },
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
      observation('o1', 'p1', '8867-4', 72),
      observation('o2', 'p1', '8480-6', 130),
      observation('o3', 'p2', '8867-4', 90),
      {
        resourceType: 'Group',
        id: 'g1',
        type: 'person',
        actual: true,
        member: [
          { entity: { reference: 'Patient/p2' } },
          { entity: { reference: 'Patient/p1' }, inactive: true },
          { entity: { reference: 'Practitioner/dr1' } },
        ],
      },
    ] as never);
    wardKey = (await ctx.apiKeys.create('ward A clinician', { role: 'clinician', units: ['ward-a'] })).key;
    otherAdmin = (await ctx.apiKeys.create('another admin', { role: 'admin' })).key;
  });
  afterAll(async () => {
    await exportRunner(ctx).idle();
    await ctx?.close();
  });

  const kickoff = (path: string, key = ADMIN, headers: Record<string, string> = {}) =>
    app.request(path, {
      headers: { Authorization: `Bearer ${key}`, Accept: 'application/fhir+json', Prefer: 'respond-async', ...headers },
    });
  const get = (url: string, key = ADMIN) => app.request(url, { headers: { Authorization: `Bearer ${key}` } });

  /** Kicks off, waits for the job, and returns the manifest and every file's resources by type. */
  async function exportAll(path: string, key = ADMIN, headers: Record<string, string> = {}) {
    const res = await kickoff(path, key, headers);
    expect(res.status, await res.clone().text()).toBe(202);
    const status = res.headers.get('content-location')!;
    expect(status).toMatch(/\/fhir\/\$export-status\/[0-9a-f-]{36}$/);
    await exportRunner(ctx).idle();
    const done = await get(status, key);
    expect(done.status, await done.clone().text()).toBe(200);
    expect(done.headers.get('expires')).toBeTruthy();
    const manifest = (await done.json()) as {
      transactionTime: string;
      request: string;
      requiresAccessToken: boolean;
      output: { type: string; url: string; count: number }[];
      error: { type: string; url: string; count: number }[];
    };
    const byType: Record<string, { id: string; meta?: { versionId?: string } }[]> = {};
    for (const f of manifest.output) {
      const file = await get(f.url, key);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/fhir+ndjson');
      const lines = (await file.text())
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(f.count);
      for (const r of lines) expect(r.resourceType).toBe(f.type);
      byType[f.type] = [...(byType[f.type] ?? []), ...lines];
    }
    const errors: string[] = [];
    for (const f of manifest.error) {
      const text = await (await get(f.url, key)).text();
      for (const l of text.trimEnd().split('\n')) errors.push(JSON.parse(l).issue[0].diagnostics);
    }
    const ids = (t: string) => (byType[t] ?? []).map((r) => r.id).sort();
    return { status, manifest, byType, ids, errors };
  }

  it('exports every stored resource at system level, as NDJSON files listed in a manifest', async () => {
    const { manifest, byType, ids } = await exportAll('/fhir/$export');
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.request).toContain('/fhir/$export');
    expect(Date.parse(manifest.transactionTime)).not.toBeNaN();
    expect(ids('Patient')).toEqual(['p1', 'p2']);
    expect(ids('Observation')).toEqual(['o1', 'o2', 'o3']);
    expect(ids('Practitioner')).toEqual(['dr1']);
    expect(ids('Group')).toEqual(['g1']);
    expect(byType.Observation![0]!.meta?.versionId).toBe('1');
  });

  it('narrows by _type, _since and _typeFilter', async () => {
    const typed = await exportAll('/fhir/$export?_type=Patient,Observation');
    expect(Object.keys(typed.byType).sort()).toEqual(['Observation', 'Patient']);

    const before = new Date(Date.now() - 1).toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await ctx.resources.put(observation('o2', 'p1', '8480-6', 128) as never);
    const since = await exportAll(`/fhir/$export?_type=Observation&_since=${encodeURIComponent(before)}`);
    expect(since.ids('Observation')).toEqual(['o2']);
    expect(since.byType.Observation![0]!.meta?.versionId).toBe('2');

    const filter = encodeURIComponent('Observation?code=http://loinc.org|8867-4');
    const filtered = await exportAll(`/fhir/$export?_type=Observation&_typeFilter=${filter}`);
    expect(filtered.ids('Observation')).toEqual(['o1', 'o3']);
  });

  it('refuses what it cannot do, naming the parameter; lenient clients get it noted instead', async () => {
    const noPrefer = await app.request('/fhir/$export', { headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(noPrefer.status).toBe(400);
    expect(JSON.stringify(await noPrefer.json())).toContain('Prefer');
    for (const [query, field] of [
      ['_type=Nonsense', '_type'],
      ['_since=yesterday', '_since'],
      ['_outputFormat=text/csv', '_outputFormat'],
      ['_typeFilter=Observation%3Fwibble%3D1', '_typeFilter'],
      ['_elements=id', '_elements'],
    ]) {
      const res = await kickoff(`/fhir/$export?${query}`);
      expect(res.status, query).toBe(400);
      const outcome = (await res.json()) as { issue: { expression?: string[] }[] };
      expect(outcome.issue[0]!.expression, query).toEqual([field]);
    }
    const lenient = await exportAll('/fhir/$export?_type=Patient,Nonsense', ADMIN, {
      Prefer: 'respond-async, handling=lenient',
    });
    expect(lenient.ids('Patient')).toEqual(['p1', 'p2']);
    expect(lenient.errors.join('\n')).toContain("_type 'Nonsense'");
  });

  it('holds a clinician to their patients and audits each download per patient', async () => {
    const last = await ctx.db.query<{ id: string }>('select coalesce(max(id), 0) as id from medseek_audit');
    const system = await kickoff('/fhir/$export', wardKey);
    expect(system.status).toBe(403);
    const mine = await exportAll('/fhir/Patient/$export', wardKey);
    expect(mine.ids('Patient')).toEqual(['p1']);
    expect(mine.ids('Observation')).toEqual(['o1', 'o2']);
    expect(mine.byType.Practitioner).toBeUndefined();
    const audit = await ctx.db.query<{ action: string; patient_id: string | null }>(
      "select action, patient_id from medseek_audit where action like 'export%' and id > $1",
      [last.rows[0]!.id],
    );
    const downloads = audit.rows.filter((r) => r.action === 'export-download').map((r) => r.patient_id);
    expect(downloads).toContain('p1');
    expect(downloads).not.toContain('p2');
    // Another credential does not see the job, its status or its files.
    const status = await get(mine.status, otherAdmin);
    expect(status.status).toBe(404);
  });

  it('exports a Group’s active patient members, noting members that are not patients', async () => {
    const g = await exportAll('/fhir/Group/g1/$export');
    expect(g.ids('Patient')).toEqual(['p2']);
    expect(g.ids('Observation')).toEqual(['o3']);
    expect(g.errors.join('\n')).toContain('Practitioner/dr1');
    const unknown = await kickoff('/fhir/Group/nope/$export');
    expect(unknown.status).toBe(404);
    // The ward clinician may not export a group holding a patient outside their ward.
    expect((await kickoff('/fhir/Group/g1/$export', wardKey)).status).toBe(403);
  });

  it('takes a POSTed Parameters body with patient references', async () => {
    const res = await app.request('/fhir/Patient/$export', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${ADMIN}`,
        Prefer: 'respond-async',
        'Content-Type': 'application/fhir+json',
      },
      body: JSON.stringify({
        resourceType: 'Parameters',
        parameter: [
          { name: '_type', valueString: 'Patient,Observation' },
          { name: 'patient', valueReference: { reference: 'Patient/p2' } },
        ],
      }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    await exportRunner(ctx).idle();
    const manifest = (await (await get(res.headers.get('content-location')!)).json()) as {
      output: { type: string; count: number }[];
    };
    expect(manifest.output.map((o) => [o.type, o.count]).sort()).toEqual([
      ['Observation', 1],
      ['Patient', 1],
    ]);
  });

  it('cancels a job on DELETE: its status and files are gone', async () => {
    const { status, manifest } = await exportAll('/fhir/$export?_type=Patient');
    const del = await app.request(status, { method: 'DELETE', headers: { Authorization: `Bearer ${ADMIN}` } });
    expect(del.status).toBe(202);
    expect((await get(status)).status).toBe(404);
    expect((await get(manifest.output[0]!.url)).status).toBe(404);
  });
});

function observation(id: string, patient: string, code: string, value: number) {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code }] },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime: '2024-03-01T08:00:00Z',
    valueQuantity: { value, unit: '/min' },
  };
}
