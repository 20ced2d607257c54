import { describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../test/support/backends.js';
import { copyField, openCopySink } from './copy.js';
import { migrate, openDatabase, refreshSearchIndex } from './index.js';
import { createResourceRepository } from './resources.js';

describe('COPY fields', () => {
  it('escapes backslash, tab, newline and carriage return, and writes null as \\N', () => {
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField(null)).toBe('\\N');
    expect(copyField('plain')).toBe('plain');
  });
});

const server = process.env.MEDSEEK_TEST_DATABASE_URL;

describe.skipIf(!server)('the COPY import sink [postgres]', () => {
  it('creates, versions and leaves unchanged exactly as the store’s own writes, with history and search', async () => {
    const scratch = await createScratchDatabase(server!);
    const db = await openDatabase({ databaseUrl: scratch.url, maxConnections: 2 });
    const sink = await openCopySink(scratch.url);
    try {
      await migrate(db);
      const patient = (family: string) => ({
        resourceType: 'Patient',
        id: 'cp1',
        name: [{ family, given: ['Tab\there', 'back\\slash'] }],
        identifier: [{ system: 'urn:mrn', value: '42' }],
        birthDate: '1970-01-01',
      });
      const obs = {
        resourceType: 'Observation',
        id: 'co1',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        subject: { reference: 'Patient/cp1' },
        effectiveDateTime: '2024-01-02T03:04:05Z',
        note: [{ text: 'line one\nline two' }],
      };
      expect(await sink.write([patient('Ng'), obs], { atomic: false })).toEqual(['created', 'created']);
      // Same content in another key order: unchanged, no new version.
      const { status, ...rest } = obs;
      const reordered = { ...rest, status };
      expect(await sink.write([patient('Ng'), reordered], { atomic: false })).toEqual(['unchanged', 'unchanged']);
      expect(await sink.write([patient('Ngo'), obs], { atomic: false })).toEqual(['updated', 'unchanged']);
      const repo = createResourceRepository(db);
      const history = await repo.history('Patient', 'cp1');
      expect(history.map((h) => [h.versionId, (h.resource.name as { family: string }[])[0]!.family])).toEqual([
        [2, 'Ngo'],
        [1, 'Ng'],
      ]);
      const stored = await repo.read('Observation', 'co1');
      expect(stored).toMatchObject({ versionId: 1, patientId: 'cp1' });
      expect((stored!.resource.note as { text: string }[])[0]!.text).toBe('line one\nline two');
      expect((await repo.read('Patient', 'cp1'))!.resource.name).toEqual([
        { family: 'Ngo', given: ['Tab\there', 'back\\slash'] },
      ]);
      expect(await sink.findByIdentifier('Patient', ['urn:mrn|42'])).toBe('cp1');
      await refreshSearchIndex(db);
      const values = await db.query<{ param: string; code: string | null }>(
        `select param, code from fhir_search_values
         where resource_type = 'Observation' and id = 'co1' and param = 'code'`,
      );
      expect(values.rows.map((r) => r.code)).toContain('8867-4');
      // A bad resource rejects its batch whole, naming the field.
      await expect(sink.write([{ resourceType: 'Patient', id: 'bad id!' }], { atomic: false })).rejects.toThrow(
        'Patient.id',
      );
      expect(await sink.write([{ resourceType: 'Patient', id: 'cp2' }], { atomic: false })).toEqual(['created']);
    } finally {
      await sink.close();
      await db.close();
      await scratch.drop();
    }
  }, 120_000);
});
