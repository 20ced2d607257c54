import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { allFacts, type TextSource } from '../core/index.js';
import { createResourceRepository, type FhirResource, type ResourceRepository } from '../store/index.js';
import * as en from './__fixtures__/en-patient.js';
import { extractPatientNotes, extractPendingNotes, loadNoteFacts, noteExtractions } from './note-store.js';
import { buildPatientState } from './patient-state.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

forEachBackend('patient state from the store', (db) => {
  let repo: ResourceRepository;
  beforeAll(async () => {
    repo = createResourceRepository(db());
    await repo.putMany(en.allResources as unknown as FhirResource[]);
  });

  it('extracts a patient’s notes into stored facts whose spans quote the note exactly', async () => {
    const report = await extractPatientNotes(db(), repo, 'p1');
    expect(report).toMatchObject({ patientId: 'p1', extracted: 1, unchanged: 0, failed: 0 });
    expect(report.facts).toBeGreaterThan(3);
    const facts = await loadNoteFacts(db(), 'p1', [{ documentId: 'doc-1', versionId: '1' }]);
    expect(facts).toHaveLength(report.facts);
    for (const f of facts) {
      const span = f.sources[0] as TextSource;
      expect(span.document).toBe('DocumentReference/doc-1');
      expect(en.noteText.slice(span.start, span.end)).toBe(span.quote);
    }
    expect(facts.map((f) => f.concept.display)).toEqual(
      expect.arrayContaining(['Chest pain', 'Metoprolol', 'Drug allergy']),
    );
  });

  it('is idempotent: a second run skips the note, a forced one replaces its facts', async () => {
    const before = await db().query<{ n: string }>('select count(*)::text as n from note_facts where patient_id = $1', [
      'p1',
    ]);
    expect(await extractPatientNotes(db(), repo, 'p1')).toMatchObject({ extracted: 0, unchanged: 1 });
    expect(await extractPatientNotes(db(), repo, 'p1', { force: true })).toMatchObject({ extracted: 1, unchanged: 0 });
    const after = await db().query<{ n: string }>('select count(*)::text as n from note_facts where patient_id = $1', [
      'p1',
    ]);
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('builds the fused state: note and coded facts merged, conflicts flagged, statuses at the moment', async () => {
    const state = await buildPatientState(db(), repo, 'p1', { at: '2024-03-06T00:00:00Z' });
    expect(state.demographics).toMatchObject({ sex: 'male', age: 63, weightKg: 78.5, heightCm: 175 });
    const htn = allFacts(state).find((f) => f.sources.some((s) => s.kind === 'resource' && s.id === 'c-htn'));
    expect(htn?.sources.some((s) => s.kind === 'text' && s.document === 'DocumentReference/doc-1')).toBe(true);
    expect(state.conflicts.map((c) => c.kind).sort()).toEqual(['assertion', 'dose']);
    expect(state.conflicts.find((c) => c.kind === 'dose')?.description).toMatch(/Metoprolol.*50 mg.*25 mg/);
    expect(state.biology[0]?.qualifiers).toMatchObject({ gene: 'CYP2C19', diplotype: '*2/*2' });
    expect(state.timeline.some((e) => e.kind === 'note' && e.factIds.length > 0)).toBe(true);
  });

  it('leaves out a note written after the moment', async () => {
    const state = await buildPatientState(db(), repo, 'p1', { at: '2024-03-03T00:00:00Z' });
    expect(allFacts(state).some((f) => f.sources.some((s) => s.kind === 'text'))).toBe(false);
    expect(state.conflicts).toEqual([]);
  });

  it('reads a new version of a note on its own, and records a note that cannot be read', async () => {
    await repo.put({
      ...en.dischargeNote,
      content: [
        { attachment: { contentType: 'text/plain', data: b64('Assessment: atrial fibrillation. Denies fever.') } },
      ],
    } as unknown as FhirResource);
    await repo.put({
      resourceType: 'DocumentReference',
      id: 'doc-bad',
      status: 'current',
      subject: { reference: 'Patient/p1' },
      date: '2024-03-04',
      content: [
        {
          attachment: {
            contentType: 'text/plain; charset=utf-8',
            data: Buffer.from([0xd0, 0xd8, 0xcd, 0xb4]).toString('base64'),
          },
        },
      ],
    } as FhirResource);
    const report = await extractPatientNotes(db(), repo, 'p1');
    expect(report).toMatchObject({ extracted: 1, failed: 1 });
    expect(report.notes.find((n) => n.document === 'DocumentReference/doc-bad')?.error).toMatch(/not valid utf-8/);
    const recorded = await noteExtractions(db(), 'p1');
    expect(recorded.find((r) => r.documentId === 'doc-bad')).toMatchObject({ status: 'error' });
    const state = await buildPatientState(db(), repo, 'p1', { at: '2024-03-06T00:00:00Z' });
    const quotes = allFacts(state).flatMap((f) =>
      f.sources.filter((s): s is TextSource => s.kind === 'text').map((s) => s.quote),
    );
    expect(quotes).toContain('atrial fibrillation');
    // The first version's facts are kept in the table but are not the current record.
    expect(quotes).not.toContain('chest pain');
  });

  it('extracts the notes pending after an import, for every patient, once', async () => {
    await repo.putMany([
      { resourceType: 'Patient', id: 'p2', gender: 'female', birthDate: '1970-01-01' },
      {
        resourceType: 'DocumentReference',
        id: 'doc-p2',
        status: 'current',
        subject: { reference: 'Patient/p2' },
        date: '2024-06-01',
        content: [
          {
            attachment: {
              contentType: 'text/plain; charset=utf-8',
              data: b64('主诉：发热伴咳嗽3天。否认药物过敏史。'),
            },
          },
        ],
      },
    ] as FhirResource[]);
    const first = await extractPendingNotes(db(), repo);
    expect(first).toMatchObject({ extracted: 1, patients: ['p2'], failed: 0 });
    expect(first.unchanged).toBe(2);
    expect(await extractPendingNotes(db(), repo, { patientIds: ['p2'] })).toMatchObject({ extracted: 0, unchanged: 1 });
    const state = await buildPatientState(db(), repo, 'p2', { at: '2024-06-02', extractMissing: false });
    expect(state.phenotype.map((f) => [f.concept.displayZh, f.assertion])).toEqual(
      expect.arrayContaining([
        ['发热', 'present'],
        ['咳嗽', 'present'],
      ]),
    );
  });

  it('survives several extractions of the same notes at once', async () => {
    const before = await loadNoteFacts(db(), 'p1', [{ documentId: 'doc-1', versionId: '2' }]);
    const reports = await Promise.all([1, 2, 3].map(() => extractPatientNotes(db(), repo, 'p1', { force: true })));
    for (const r of reports) expect(r).toMatchObject({ failed: 1, extracted: 1 });
    expect(await loadNoteFacts(db(), 'p1', [{ documentId: 'doc-1', versionId: '2' }])).toEqual(before);
    const states = await Promise.all(
      [1, 2].map(() => buildPatientState(db(), repo, 'p1', { at: '2024-03-06T00:00:00Z' })),
    );
    expect(JSON.stringify(states[0])).toBe(JSON.stringify(states[1]));
  });

  it('says so when the store holds nothing for the patient', async () => {
    await expect(buildPatientState(db(), repo, 'nobody')).rejects.toThrow(/no patient 'nobody'/);
  });
});
