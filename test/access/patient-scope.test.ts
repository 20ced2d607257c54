import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import type { AppContext } from '../../src/server/context.js';
import { forEachBackend } from '../support/backends.js';
import { accessContext, accessKeys, OTHER, OWN, PHYSICIAN_ONLY_TEXT } from './fixtures.js';

interface Bundle {
  total?: number;
  entry?: { resource: { resourceType: string; id: string; subject?: { reference: string }; meta?: unknown } }[];
}

/** The patient a resource belongs to, as the compartment defines it for these types. */
const patientOf = (r: { resourceType: string; id: string; subject?: { reference: string } }) =>
  r.resourceType === 'Patient' ? r.id : r.subject?.reference.replace('Patient/', '');

forEachBackend('patient-scoped credentials on FHIR', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let keys: Awaited<ReturnType<typeof accessKeys>>;

  beforeAll(async () => {
    ctx = await accessContext(db());
    keys = await accessKeys(ctx);
    app = createApp(ctx);
  });

  const get = async (path: string, key = keys.patient) => {
    const res = await app.request(path, { headers: { Authorization: `Bearer ${key}` } });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Bundle };
  };

  const ownOnly = (b: Bundle) => {
    expect(b.entry?.length).toBeGreaterThan(0);
    expect(b.entry!.map((e) => patientOf(e.resource)).filter((p) => p !== undefined && p !== OWN)).toEqual([]);
  };

  describe.each(['Observation', 'Condition', 'MedicationRequest', 'DocumentReference'])('%s', (type) => {
    it('a search without a patient gets only its own patient’s resources, and no physician-only content', async () => {
      const r = await get(`/fhir/${type}`);
      expect(r.status).toBe(200);
      ownOnly(r.body);
      expect(r.text).not.toContain(PHYSICIAN_ONLY_TEXT);
      expect(r.text).not.toContain(`${OTHER}-`);
    });

    it('a search naming another patient is refused 403 and audited', async () => {
      const r = await get(`/fhir/${type}?patient=${OTHER}`);
      expect(r.status).toBe(403);
      expect(r.text).toContain('OperationOutcome');
      const rows = await ctx.audit.query({ patient: OTHER });
      expect(rows.some((x) => x.action === 'denied' && x.outcome === 403 && x.resource === `/fhir/${type}`)).toBe(true);
    });

    it('a read of another patient’s resource is refused 403', async () => {
      const short = { Observation: 'obs', Condition: 'cond', MedicationRequest: 'med', DocumentReference: 'doc' }[type];
      expect((await get(`/fhir/${type}/${OTHER}-${short}`)).status).toBe(403);
      expect((await get(`/fhir/${type}/${OWN}-${short}`)).status).toBe(200);
    });
  });

  it('$everything of its own patient: its record only, without physician-only resources or elements', async () => {
    const r = await get(`/fhir/Patient/${OWN}/$everything`);
    expect(r.status).toBe(200);
    ownOnly(r.body);
    expect(r.text).not.toContain(PHYSICIAN_ONLY_TEXT);
    expect(r.text).not.toContain(`${OWN}-ddx`);
    expect(r.text).toContain('patient-facing: heart rate normal');
    // A clinician sees the whole record, physician-only content included.
    const staff = await get(`/fhir/Patient/${OWN}/$everything`, keys.clinician);
    expect(staff.text).toContain(PHYSICIAN_ONLY_TEXT);
    expect(staff.text).toContain(`${OWN}-ddx`);
  });

  it('$everything, read and history of another patient are refused', async () => {
    expect((await get(`/fhir/Patient/${OTHER}/$everything`)).status).toBe(403);
    expect((await get(`/fhir/Patient/${OTHER}`)).status).toBe(403);
    expect((await get(`/fhir/Observation/${OTHER}-obs/_history`)).status).toBe(403);
    expect((await get(`/fhir/Observation/${OTHER}-obs/_history/1`)).status).toBe(403);
  });

  it('a physician-only resource is refused to its own patient; a marked element is stripped from a read', async () => {
    expect((await get(`/fhir/Condition/${OWN}-ddx`)).status).toBe(403);
    const obs = await get(`/fhir/Observation/${OWN}-obs`);
    expect(obs.status).toBe(200);
    expect(obs.text).not.toContain(PHYSICIAN_ONLY_TEXT);
    expect((await get(`/fhir/Observation/${OWN}-obs/_history/1`)).text).not.toContain(PHYSICIAN_ONLY_TEXT);
  });

  it('a Patient search finds its own patient only; resources outside any compartment are not read', async () => {
    const r = await get('/fhir/Patient');
    expect(r.body.entry?.map((e) => e.resource.id)).toEqual([OWN]);
    expect((await get(`/fhir/Patient?_id=${OTHER}`)).body.total).toBe(0);
    expect((await get('/fhir/Practitioner/dr-a')).status).toBe(403);
  });

  it('a clinician sees the patients of their unit only, and must name a patient to search clinical types', async () => {
    const patients = await get('/fhir/Patient', keys.clinician);
    expect(patients.body.entry?.map((e) => e.resource.id)).toEqual([OWN]);
    expect((await get(`/fhir/Observation?patient=${OWN}`, keys.clinician)).status).toBe(200);
    expect((await get(`/fhir/Observation?patient=${OTHER}`, keys.clinician)).status).toBe(403);
    // Their unit holds one patient here: a search naming none is limited to that patient.
    const unnamed = await get('/fhir/Observation', keys.clinician);
    expect(unnamed.status).toBe(200);
    ownOnly(unnamed.body);
    expect((await get(`/fhir/Patient/${OTHER}/$everything`, keys.clinician)).status).toBe(403);
    const list = (await (
      await app.request('/api/patients', { headers: { Authorization: `Bearer ${keys.clinician}` } })
    ).json()) as { patients: { id: string }[] };
    expect(list.patients.map((p) => p.id)).toEqual([OWN]);
    expect(
      (await app.request(`/api/patients/${OTHER}/state`, { headers: { Authorization: `Bearer ${keys.clinician}` } }))
        .status,
    ).toBe(403);
  });
});
