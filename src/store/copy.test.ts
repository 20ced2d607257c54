import { describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../test/support/backends.js';
import { arrayLiteral, copyField, openCopySink } from './copy.js';
import { migrate, openDatabase, refreshSearchIndex } from './index.js';
import { createResourceRepository } from './resources.js';

describe('COPY fields', () => {
  it('escapes backslash, tab, newline and carriage return, and writes null as \\N', () => {
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField(null)).toBe('\\N');
    expect(copyField('plain')).toBe('plain');
  });

  it('quotes every text[] element, escaping backslashes and double quotes', () => {
    expect(arrayLiteral([])).toBe('{}');
    expect(arrayLiteral(['a', 'b"c', 'd\\e', '{f,g}', ''])).toBe('{"a","b\\"c","d\\\\e","{f,g}",""}');
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

      // Codes and identifiers with quotes, backslashes, commas and braces: a new resource copied straight
      // in stores the same arrays as the merge does.
      const odd = (id: string) => ({
        resourceType: 'Observation',
        id,
        status: 'final',
        code: { coding: [{ system: 'urn:x"y', code: 'a\\b,{c}' }] },
        identifier: [{ system: 'urn:q', value: 'tab\there "quoted"' }],
      });
      expect(await sink.write([odd('odd1')], { atomic: false })).toEqual(['created']);
      await repo.put(odd('odd2'));
      const arrays = await db.query<{ id: string; codes: string[]; identifiers: string[] }>(
        `select id, codes, identifiers from fhir_resources where id in ('odd1', 'odd2') order by id`,
      );
      expect(arrays.rows[0]!.codes).toEqual(['urn:x"y|a\\b,{c}', 'a\\b,{c}']);
      expect(arrays.rows[0]!.identifiers).toEqual(['urn:q|tab\there "quoted"']);
      expect(arrays.rows[1]!.codes).toEqual(arrays.rows[0]!.codes);
      expect(arrays.rows[1]!.identifiers).toEqual(arrays.rows[0]!.identifiers);
    } finally {
      await sink.close();
      await db.close();
      await scratch.drop();
    }
  }, 120_000);
});

describe.skipIf(!server)('the COPY import sink under a concurrent writer [postgres]', () => {
  it('merges the batch when another transaction creates one of its new resources meanwhile', async () => {
    const scratch = await createScratchDatabase(server!);
    const db = await openDatabase({ databaseUrl: scratch.url, maxConnections: 3 });
    const sink = await openCopySink(scratch.url, { connections: 1 });
    try {
      await migrate(db);
      const repo = createResourceRepository(db);
      const patient = (family: string) => ({ resourceType: 'Patient', id: 'race1', name: [{ family }] });
      let written: Promise<string[]> | undefined;
      await db.transaction(async (tx) => {
        await repo.put(patient('Other'), tx);
        // The sink does not see the uncommitted row, so it copies race1 as new, and waits on its key.
        written = sink.write([patient('Sink'), { resourceType: 'Patient', id: 'race2' }], { atomic: false });
        for (let i = 0; i < 200; i++) {
          const { rows } = await db.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
          );
          if (rows[0]!.n > 0) break;
          await new Promise((r) => setTimeout(r, 25));
        }
      });
      // Committed: the COPY fails on the primary key and the batch is merged instead.
      expect(await written).toEqual(['updated', 'created']);
      const history = await repo.history('Patient', 'race1');
      expect(history.map((h) => [h.versionId, (h.resource.name as { family: string }[])[0]!.family])).toEqual([
        [2, 'Sink'],
        [1, 'Other'],
      ]);
    } finally {
      await sink.close();
      await db.close();
      await scratch.drop();
    }
  }, 120_000);
});
