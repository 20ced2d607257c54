import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import type { FhirResource } from './resource-store.js';
import { createResourceRepository } from './resources.js';

const patient = {
  resourceType: 'Patient',
  id: 'p1',
  identifier: [{ system: 'urn:mrn', value: 'MRN-1' }],
  name: [{ family: '王', given: ['伟'] }],
  gender: 'male',
} satisfies FhirResource;

const potassium = {
  resourceType: 'Observation',
  id: 'k1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2823-3', display: 'Potassium' }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2024-03-05T08:30:00+08:00',
  valueQuantity: { value: 6.5, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
} satisfies FhirResource;

const glucose = {
  resourceType: 'Observation',
  id: 'g1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2023-12-31',
} satisfies FhirResource;

const otherPatientObs = {
  resourceType: 'Observation',
  id: 'k2',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2823-3' }] },
  subject: { reference: 'http://hospital.example/fhir/Patient/p2' },
  effectivePeriod: { start: '2024-01-01', end: '2024-01-03' },
} satisfies FhirResource;

const claim = {
  resourceType: 'Claim',
  id: 'c1',
  patient: { reference: 'Patient/p1' },
  created: '2024-03-05',
} satisfies FhirResource;
const eob = {
  resourceType: 'ExplanationOfBenefit',
  id: 'e1',
  patient: { reference: 'Patient/p1' },
} satisfies FhirResource;
const coverage = {
  resourceType: 'Coverage',
  id: 'cov1',
  beneficiary: { reference: 'Patient/p1' },
} satisfies FhirResource;

forEachBackend('resource repository', (db) => {
  const repo = () => createResourceRepository(db());

  it('creates a resource with version 1 and reads it back with meta set', async () => {
    const { outcome, stored } = await repo().put(patient);
    expect(outcome).toBe('created');
    expect(stored.versionId).toBe(1);
    expect(stored.patientId).toBe('p1');
    const read = await repo().read('Patient', 'p1');
    expect(read?.resource.meta?.versionId).toBe('1');
    expect(read?.resource.meta?.lastUpdated).toBe(stored.lastUpdated);
    expect(read?.resource.name).toEqual(patient.name);
    expect(read?.deleted).toBe(false);
  });

  it('treats an identical re-put as unchanged, whatever the key order or meta.versionId', async () => {
    const reordered = {
      gender: 'male',
      name: patient.name,
      id: 'p1',
      identifier: patient.identifier,
      resourceType: 'Patient',
      meta: { versionId: '77' },
    };
    const { outcome, stored } = await repo().put(reordered);
    expect(outcome).toBe('unchanged');
    expect(stored.versionId).toBe(1);
    expect(await repo().history('Patient', 'p1')).toHaveLength(1);
  });

  it('makes a new version on change and keeps the old one in history', async () => {
    const { outcome, stored } = await repo().put({ ...patient, gender: 'female' });
    expect(outcome).toBe('updated');
    expect(stored.versionId).toBe(2);
    const history = await repo().history('Patient', 'p1');
    expect(history.map((h) => [h.versionId, h.resource.gender])).toEqual([
      [2, 'female'],
      [1, 'male'],
    ]);
    expect((await repo().vread('Patient', 'p1', 1))?.resource.gender).toBe('male');
    expect((await repo().vread('Patient', 'p1', 2))?.resource.gender).toBe('female');
    expect(await repo().vread('Patient', 'p1', 3)).toBeUndefined();
  });

  it('soft-deletes: read says deleted, search no longer finds it, a put brings it back', async () => {
    await repo().put({ resourceType: 'Patient', id: 'gone', gender: 'other' });
    const deleted = await repo().delete('Patient', 'gone');
    expect(deleted?.deleted).toBe(true);
    expect(deleted?.versionId).toBe(2);
    expect((await repo().read('Patient', 'gone'))?.deleted).toBe(true);
    expect((await repo().search('Patient', { ids: ['gone'] })).total).toBe(0);
    expect(await repo().delete('Patient', 'gone')).toBeUndefined();
    const back = await repo().put({ resourceType: 'Patient', id: 'gone', gender: 'other' });
    expect(back.outcome).toBe('updated');
    expect(back.stored.versionId).toBe(3);
    expect((await repo().history('Patient', 'gone')).map((h) => h.deleted)).toEqual([false, true, false]);
  });

  it('writes a batch in input order with per-resource outcomes', async () => {
    const results = await repo().putMany([potassium, glucose, otherPatientObs, claim, eob, coverage, patient]);
    expect(results.map((r) => [r.stored.id, r.outcome])).toEqual([
      ['k1', 'created'],
      ['g1', 'created'],
      ['k2', 'created'],
      ['c1', 'created'],
      ['e1', 'created'],
      ['cov1', 'created'],
      ['p1', 'updated'],
    ]);
    expect(results.map((r) => r.stored.patientId)).toEqual(['p1', 'p1', 'p2', 'p1', 'p1', 'p1', 'p1']);
  });

  it('keeps outcomes right when one repository sees new, unchanged and mixed batches in turn', async () => {
    const one = repo();
    const batch = (n: number, status: string) =>
      Array.from({ length: n }, (_, i) => ({ resourceType: 'Observation', id: `seq-${i}`, status }));
    expect((await one.putMany(batch(3, 'final'))).map((r) => r.outcome)).toEqual(['created', 'created', 'created']);
    expect((await one.putMany(batch(3, 'final'))).map((r) => r.outcome)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    const mixed = await one.putMany([
      ...batch(2, 'amended'),
      { resourceType: 'Observation', id: 'seq-new', status: 'final' },
    ]);
    expect(mixed.map((r) => [r.stored.id, r.outcome, r.stored.versionId])).toEqual([
      ['seq-0', 'updated', 2],
      ['seq-1', 'updated', 2],
      ['seq-new', 'created', 1],
    ]);
    expect((await one.putMany(batch(1, 'final'))).map((r) => r.outcome)).toEqual(['updated']);
    expect((await one.history('Observation', 'seq-0')).map((h) => h.resource.status)).toEqual([
      'final',
      'amended',
      'final',
    ]);
  });

  it('refuses a resource without an id, or the same id twice, and writes nothing of that batch', async () => {
    await expect(
      repo().putMany([{ resourceType: 'Observation', id: 'x1' }, { resourceType: 'Observation' }]),
    ).rejects.toThrow(/resources\[1\].*id/);
    await expect(
      repo().putMany([
        { resourceType: 'Observation', id: 'x2' },
        { resourceType: 'Observation', id: 'x2' },
      ]),
    ).rejects.toThrow(/twice/);
    expect(await repo().read('Observation', 'x1')).toBeUndefined();
    expect(await repo().read('Observation', 'x2')).toBeUndefined();
  });

  it('rolls back every write of a transaction that fails', async () => {
    await expect(
      db().transaction(async (tx) => {
        await repo().putMany([{ resourceType: 'Observation', id: 'tx1' }], tx);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await repo().read('Observation', 'tx1')).toBeUndefined();
  });

  it('reads, locks and searches inside a transaction, seeing its own uncommitted writes', async () => {
    const inside = await db().transaction(async (tx) => {
      await repo().put({ resourceType: 'Patient', id: 'in-tx', gender: 'male' }, tx);
      const locked = await repo().read('Patient', 'in-tx', { tx, lock: true });
      const found = await repo().search('Patient', { ids: ['in-tx'] }, tx);
      const deleted = await repo().delete('Patient', 'in-tx', tx);
      return { locked: locked?.versionId, found: found.total, deleted: deleted?.versionId };
    });
    expect(inside).toEqual({ locked: 1, found: 1, deleted: 2 });
    expect((await repo().read('Patient', 'in-tx'))?.deleted).toBe(true);
  });

  it('keeps a locked row for the transaction that holds it: a version check and its write see the same version', async () => {
    if (db().dialect !== 'postgres') return; // PGlite has one connection: nothing runs beside a transaction.
    await repo().put({ resourceType: 'Patient', id: 'locked', gender: 'male' });
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const first = db().transaction(async (tx) => {
      await repo().read('Patient', 'locked', { tx, lock: true });
      order.push('first locked');
      await held;
      await repo().put({ resourceType: 'Patient', id: 'locked', gender: 'female' }, tx);
      order.push('first wrote');
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = db().transaction(async (tx) => {
      const seen = await repo().read('Patient', 'locked', { tx, lock: true });
      order.push(`second saw version ${seen?.versionId}`);
    });
    await new Promise((r) => setTimeout(r, 100));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first wrote', 'second saw version 2']);
  });

  it('searches by patient, with a total and paging', async () => {
    const all = await repo().search('Observation', { patient: 'p1', count: 1 });
    expect(all.total).toBe(2);
    expect(all.entries).toHaveLength(1);
    const next = await repo().search('Observation', { patient: 'Patient/p1', count: 1, offset: 1 });
    expect(next.entries.map((e) => e.id)).not.toEqual(all.entries.map((e) => e.id));
    expect((await repo().search('Observation', { patient: 'p1', count: 0 })).entries).toEqual([]);
    expect((await repo().search('Observation', { patient: 'p1', offset: 5 })).total).toBe(2);
  });

  it('searches by code as system|code, bare code, and OR of several', async () => {
    const ids = async (codes: string[]) =>
      (await repo().search('Observation', { codes })).entries.map((e) => e.id).sort();
    expect(await ids(['http://loinc.org|2823-3'])).toEqual(['k1', 'k2']);
    expect(await ids(['2823-3'])).toEqual(['k1', 'k2']);
    expect(await ids(['http://snomed.info/sct|2823-3'])).toEqual([]);
    expect(await ids(['2823-3', 'http://loinc.org|2345-7'])).toEqual(['g1', 'k1', 'k2']);
    expect(await ids(['|2823-3'])).toEqual([]);
  });

  it('searches by _id and identifier', async () => {
    expect((await repo().search('Observation', { ids: ['k1', 'g1', 'nope'] })).total).toBe(2);
    expect(await repo().findByIdentifier('Patient', ['urn:mrn|MRN-1'])).toBe('p1');
    expect(await repo().findByIdentifier('Patient', ['urn:mrn|MRN-9'])).toBeUndefined();
    expect((await repo().search('Patient', { identifiers: ['urn:mrn|MRN-1'] })).entries.map((e) => e.id)).toEqual([
      'p1',
    ]);
  });

  it('searches by date with FHIR prefixes against the resource date range', async () => {
    const ids = async (date: string[]) =>
      (await repo().search('Observation', { date })).entries.map((e) => e.id).sort();
    // k1 is 2024-03-05T00:30Z, g1 the day 2023-12-31, k2 the period 2024-01-01..2024-01-03.
    expect(await ids(['2024-03-05'])).toEqual(['k1']);
    expect(await ids(['eq2024'])).toEqual(['k1', 'k2']);
    expect(await ids(['ge2024-01-02'])).toEqual(['k1', 'k2']);
    expect(await ids(['lt2024-01-01'])).toEqual(['g1']);
    expect(await ids(['ge2023-12-31', 'lt2024-01-02'])).toEqual(['g1', 'k2']);
    expect(await ids(['gt2024-01-03'])).toEqual(['k1']);
    expect(await ids(['le2023-12-31'])).toEqual(['g1']);
    expect(await ids(['2024-03-05T00:30:00Z'])).toEqual(['k1']);
    await expect(repo().search('Observation', { date: ['yesterday'] })).rejects.toThrow(/date/);
  });

  it('searches and sorts by _lastUpdated', async () => {
    const before = new Date(Date.now() - 60_000).toISOString();
    const later = await repo().put({ ...glucose, status: 'amended' });
    const { entries } = await repo().search('Observation', {
      lastUpdated: [`ge${before}`],
      sort: '-_lastUpdated',
      count: 10,
    });
    expect(entries[0]?.id).toBe('g1');
    expect(entries[0]?.lastUpdated).toBe(later.stored.lastUpdated);
    expect((await repo().search('Observation', { lastUpdated: ['lt2000-01-01'] })).total).toBe(0);
    const byDate = await repo().search('Observation', { ids: ['k1', 'k2', 'g1'], sort: 'date', count: 10 });
    expect(byDate.entries.map((e) => e.id)).toEqual(['g1', 'k2', 'k1']);
  });

  it('returns the patient compartment for $everything, the patient first', async () => {
    const all = await repo().everything('p1');
    expect(all[0]?.resourceType).toBe('Patient');
    expect(all.map((r) => `${r.resourceType}/${r.id}`).sort()).toEqual(
      ['Claim/c1', 'Coverage/cov1', 'ExplanationOfBenefit/e1', 'Observation/g1', 'Observation/k1', 'Patient/p1'].sort(),
    );
  });

  it('indexes the codes and dates of the clinical types', async () => {
    const resources: FhirResource[] = [
      {
        resourceType: 'Condition',
        id: 'cd',
        subject: { reference: 'Patient/p3' },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '233604007' }] },
        onsetDateTime: '2024-02-01',
        abatementDateTime: '2024-02-20',
      },
      {
        resourceType: 'MedicationRequest',
        id: 'mr',
        subject: { reference: 'Patient/p3' },
        medicationCodeableConcept: {
          coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '855332' }],
        },
        authoredOn: '2024-02-02',
      },
      {
        resourceType: 'Procedure',
        id: 'pr',
        subject: { reference: 'Patient/p3' },
        code: { coding: [{ code: 'P1' }] },
        performedPeriod: { start: '2024-02-03T10:00:00Z', end: '2024-02-03T11:00:00Z' },
      },
      {
        resourceType: 'AllergyIntolerance',
        id: 'ai',
        patient: { reference: 'Patient/p3' },
        code: { coding: [{ code: 'A1' }] },
        recordedDate: '2024-02-04',
      },
      {
        resourceType: 'DiagnosticReport',
        id: 'dr',
        subject: { reference: 'Patient/p3' },
        code: { coding: [{ code: 'D1' }] },
        issued: '2024-02-05T00:00:00Z',
      },
      {
        resourceType: 'DocumentReference',
        id: 'doc',
        subject: { reference: 'Patient/p3' },
        type: { coding: [{ code: 'T1' }] },
        date: '2024-02-06T00:00:00Z',
      },
      {
        resourceType: 'ImagingStudy',
        id: 'im',
        subject: { reference: 'Patient/p3' },
        series: [{ modality: { code: 'CT' } }],
        started: '2024-02-07T00:00:00Z',
      },
      {
        resourceType: 'Encounter',
        id: 'en',
        subject: { reference: 'Patient/p3' },
        period: { start: '2024-02-01', end: '2024-02-20' },
      },
      {
        resourceType: 'MedicationStatement',
        id: 'ms',
        subject: { reference: 'Patient/p3' },
        medicationCodeableConcept: { coding: [{ code: 'M1' }] },
        effectivePeriod: { start: '2024-01-01' },
      },
    ];
    await repo().putMany(resources);
    const find = async (type: string, q: Parameters<ReturnType<typeof repo>['search']>[1]) =>
      (await repo().search(type, q)).entries.map((e) => e.id);
    expect(await find('Condition', { codes: ['233604007'], date: ['2024-02-10'] })).toEqual([]);
    expect(await find('Condition', { codes: ['233604007'], date: ['ge2024-02-10', 'le2024-02-10'] })).toEqual(['cd']);
    expect(await find('MedicationRequest', { codes: ['855332'], date: ['2024-02-02'] })).toEqual(['mr']);
    expect(await find('Procedure', { codes: ['|P1'], date: ['2024-02-03'] })).toEqual(['pr']);
    expect(await find('AllergyIntolerance', { codes: ['A1'], date: ['2024-02'] })).toEqual(['ai']);
    expect(await find('DiagnosticReport', { codes: ['D1'], date: ['2024-02-05'] })).toEqual(['dr']);
    expect(await find('DocumentReference', { codes: ['T1'], date: ['2024-02-06'] })).toEqual(['doc']);
    expect(await find('ImagingStudy', { codes: ['CT'], date: ['2024-02-07'] })).toEqual(['im']);
    expect(await find('Encounter', { patient: 'p3', date: ['2024-02-15'] })).toEqual([]);
    expect(await find('Encounter', { patient: 'p3', date: ['ge2024-02-15'] })).toEqual(['en']);
    expect(await find('MedicationStatement', { date: ['ge2030-01-01'] })).toEqual(['ms']);
    expect((await repo().everything('p3')).length).toBe(resources.length);
  });
});

describe('resource repository input checks', () => {
  it('names the field when the resourceType is wrong', async () => {
    const repo = createResourceRepository({
      dialect: 'pglite',
      query: async () => ({ rows: [], rowCount: 0 }),
      exec: async () => {},
      transaction: async (fn) => fn(undefined as never),
    });
    await expect(repo.put({ resourceType: 'observation', id: 'x' })).rejects.toThrow(/resourceType/);
    await expect(repo.put({ resourceType: 'Observation', id: 'bad id!' })).rejects.toThrow(/Observation\.id/);
  });
});
