import { describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../test/support/backends.js';
import { indexes, markers, records, searchIds } from './__fixtures__/load-records.js';
import { arrayLiteral, newRow, openCopySink } from './copy.js';
import { CHUNK, CopyText, copyField, copyRows } from './copy-text.js';
import { FRESH_LOAD_LOCK } from './fresh-load.js';
import { migrate, openDatabase, refreshSearchIndex } from './index.js';
import type { FhirResource } from './resource-store.js';
import { createResourceRepository, prepareWrite, SEP } from './resources.js';

describe('COPY fields', () => {
  it('escapes backslash, tab, newline and carriage return, and writes null as \\N', () => {
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField(null)).toBe('\\N');
    expect(copyField('plain')).toBe('plain');
  });

  it('writes rows into buffers as copyField writes them, beyond ASCII and across buffers too', () => {
    // Long ones too (16 characters and more are copied natively when nothing in them needs escaping).
    const long = [
      'Patient/0123456789abcdef-0123',
      'http://loinc.org|8867-4\tpulse',
      'Ngô văn Hùng, bệnh nhân',
      'a\\b'.repeat(9),
    ];
    const fields = ['plain', 'a\\b\tc\nd\re', 'Ngô\tvăn', '患者\\备注', '', null, undefined, ...long];
    const rows = Array.from({ length: 20_000 }, (_, i) => [`${i}`, ...fields, i % 7000 ? 'x' : 'y'.repeat(CHUNK + 7)]);
    const chunks = [
      ...copyRows(rows, (out, row) => {
        for (const f of row.slice(0, -1)) out.field(f);
        out.last(row.at(-1));
      }),
    ];
    const expected = rows.map((row) => `${row.map(copyField).join('\t')}\n`).join('');
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
    expect(chunks.length).toBeGreaterThan(2);
    const json = new CopyText()
      .field('t')
      .lastJson(JSON.stringify({ a: 'tab\there \\ "q" é' }))
      .take();
    expect(Buffer.concat(json).toString('utf8')).toBe('t\t{"a":"tab\\\\there \\\\\\\\ \\\\"q\\\\" é"}\n');
  });

  it('quotes every text[] element, escaping backslashes and double quotes', () => {
    expect(arrayLiteral([])).toBe('{}');
    expect(arrayLiteral(['a', 'b"c', 'd\\e', '{f,g}', ''])).toBe('{"a","b\\"c","d\\\\e","{f,g}",""}');
    expect(arrayLiteral(['x\\"y'])).toBe('{"x\\\\\\"y"}');
  });

  it("splits a new row's identifier holding the separator as the merge does", () => {
    const [p] = prepareWrite([
      { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:a', value: `1${SEP}2` }, { value: '3' }] },
    ]);
    const out = new CopyText();
    newRow(out, p!, new Date(0).toISOString());
    const row = Buffer.concat(out.take()).toString('utf8').split('\t');
    const merged = p!.index.identifiers.join(SEP).split(SEP);
    expect(merged.length).toBeGreaterThan(p!.index.identifiers.length);
    expect(row[8]).toBe(arrayLiteral(merged));
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
      // Indexed for search as the version that won: the other writer's queue entry is done, its values gone.
      expect((await db.query('select id from fhir_search_pending')).rows).toEqual([]);
      const names = await db.query<{ id: string; text: string }>(
        "select id, text from fhir_search_values where param = 'family' order by id, text",
      );
      expect(names.rows).toEqual([{ id: 'race1', text: 'sink' }]);
    } finally {
      await sink.close();
      await db.close();
      await scratch.drop();
    }
  }, 120_000);
});

describe.skipIf(!server)('the COPY import sink and the search index [postgres]', () => {
  const patient = (family: string): FhirResource => ({
    resourceType: 'Patient',
    id: 'sp1',
    name: [{ family, given: ['José', 'Tab\there'] }],
    identifier: [{ system: 'urn:mrn', value: '7', type: { coding: [{ system: 'urn:t', code: 'MR' }] } }],
    telecom: [{ system: 'phone', value: '555 0100' }],
    address: [{ line: ['1 Back\\slash St'], city: 'Springfield' }],
    birthDate: '1970-05',
  });
  const observation = (value: number): FhirResource => ({
    resourceType: 'Observation',
    id: 'so1',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'HR' },
    subject: { reference: 'Patient/sp1' },
    effectivePeriod: { start: '2024-01-02T03:04:05Z' },
    valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    component: [{ code: { text: 'line one\nline two' }, valueQuantity: { value: 1e-7 } }],
  });
  const condition: FhirResource = {
    resourceType: 'Condition',
    id: 'sc1',
    subject: { reference: 'Patient/sp1' },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
    onsetDateTime: '2019',
  };
  const rounds: FhirResource[][] = [
    [patient('Ng'), observation(72), condition],
    [patient('Ngo'), observation(72.5), condition, { ...condition, id: 'sc2' }],
  ];
  const values = async (db: Awaited<ReturnType<typeof openDatabase>>) =>
    (
      await db.query<Record<string, unknown>>(
        `select resource_type, id, param, system, code, text, exact, qualifier, (lo at time zone 'UTC')::text as lo,
           (hi at time zone 'UTC')::text as hi, num_lo::text as num_lo, num_hi::text as num_hi, ref, ref_type, ref_id
         from fhir_search_values`,
      )
    ).rows
      .map((r) => JSON.stringify(r))
      .sort();

  it('indexes what it writes in the same transaction, as the queue indexes the store’s own writes', async () => {
    const viaSink = await createScratchDatabase(server!);
    const viaQueue = await createScratchDatabase(server!);
    const sinkDb = await openDatabase({ databaseUrl: viaSink.url, maxConnections: 2 });
    const queueDb = await openDatabase({ databaseUrl: viaQueue.url, maxConnections: 2 });
    const sink = await openCopySink(viaSink.url);
    try {
      await migrate(sinkDb);
      await migrate(queueDb);
      const repo = createResourceRepository(queueDb);
      for (const round of rounds) {
        await sink.write(round, { atomic: false });
        await repo.putMany(round);
        // Nothing of the sink's is left for the queue.
        expect((await sinkDb.query('select 1 from fhir_search_pending')).rows).toEqual([]);
        await refreshSearchIndex(queueDb);
        const indexed = await values(sinkDb);
        expect(indexed).toEqual(await values(queueDb));
        expect(indexed.some((v) => v.includes('"num_lo":"72.5"'))).toBe(round === rounds[1]);
      }
      // A write that does not index itself is still queued.
      await createResourceRepository(sinkDb).put({ ...condition, id: 'sc3' });
      expect((await sinkDb.query("select id from fhir_search_pending where id = 'sc3'")).rows).toHaveLength(1);
    } finally {
      await sink.close();
      await sinkDb.close();
      await queueDb.close();
      await viaSink.drop();
      await viaQueue.drop();
    }
  }, 120_000);
});

describe.skipIf(!server)('the COPY import sink into an empty store: a fresh load [postgres]', () => {
  const dump = async (db: Awaited<ReturnType<typeof openDatabase>>) =>
    Object.fromEntries(
      await Promise.all(
        [
          [
            'resources',
            'select resource_type, id, version_id, content_hash, codes, identifiers, resource from fhir_resources',
          ],
          ['history', 'select resource_type, id, version_id, resource from fhir_resource_history'],
          [
            'values',
            'select resource_type, id, param, system, code, text, exact, lo, hi, num_lo, ref from fhir_search_values',
          ],
          ['pending', 'select resource_type, id from fhir_search_pending'],
        ].map(async ([name, sql]) => [name, (await db.query(sql!)).rows.map((r) => JSON.stringify(r)).sort()]),
      ),
    );
  const all = records(60);
  const changed = { ...all[0]!, name: [{ family: 'Ngo', given: ['Changed'] }] };

  it('drops the indexes while it loads, builds them at close, stores and finds what the slow path does', async () => {
    const viaFresh = await createScratchDatabase(server!);
    const viaSlow = await createScratchDatabase(server!);
    const freshDb = await openDatabase({ databaseUrl: viaFresh.url, maxConnections: 2 });
    const slowDb = await openDatabase({ databaseUrl: viaSlow.url, maxConnections: 2 });
    try {
      await migrate(freshDb);
      await migrate(slowDb);
      const before = await indexes(freshDb);
      const fresh = await openCopySink(viaFresh.url, { freshLoadAfter: 0 });
      const slow = await openCopySink(viaSlow.url, { freshLoad: false });
      for (const sink of [fresh, slow]) {
        await sink.write(all.slice(0, 120), { atomic: false });
        // Written again during the load: a new version, and its search values those of the new one.
        await sink.write([changed, ...all.slice(120)], { atomic: false });
      }
      expect(await indexes(freshDb)).toEqual({});
      expect(await markers(freshDb)).toBe(Object.keys(before).length);
      expect(await indexes(slowDb)).toEqual(before);
      await fresh.close();
      await slow.close();
      expect(await indexes(freshDb)).toEqual(before);
      expect(await markers(freshDb)).toBe(0);
      await refreshSearchIndex(freshDb);
      await refreshSearchIndex(slowDb);
      expect(await dump(freshDb)).toEqual(await dump(slowDb));
      const found = await searchIds(slowDb);
      expect(found.every((ids) => ids.length > 0)).toBe(true);
      expect(await searchIds(freshDb)).toEqual(found);
    } finally {
      await freshDb.close();
      await slowDb.close();
      await viaFresh.drop();
      await viaSlow.drop();
    }
  }, 120_000);

  it('a load that died between the drop and the build is mended by the next sink before it writes', async () => {
    const scratch = await createScratchDatabase(server!);
    const db = await openDatabase({ databaseUrl: scratch.url, maxConnections: 2 });
    try {
      await migrate(db);
      const before = await indexes(db);
      // A small import keeps the indexes (FRESH_LOAD_AFTER).
      const small = await openCopySink(scratch.url);
      await small.write(all.slice(0, 10), { atomic: false });
      expect(await indexes(db)).toEqual(before);
      await small.close();
      const crashed = await openCopySink(scratch.url, { freshLoadAfter: 0 });
      await crashed.write(all.slice(0, 120), { atomic: false });
      expect(await markers(db)).toBe(Object.keys(before).length);
      // The process dies: the server ends its sessions, the load's lock with them.
      await db.query(
        `select pg_terminate_backend(pid) from pg_locks
         where locktype = 'advisory' and objid = $1 and pid <> pg_backend_pid()
           and database = (select oid from pg_database where datname = current_database())`,
        [FRESH_LOAD_LOCK],
      );
      const next = await openCopySink(scratch.url);
      expect(await indexes(db)).toEqual(before);
      expect(await markers(db)).toBe(0);
      // Into a store no longer empty: written with its indexes in place.
      await next.write([changed, ...all.slice(120)], { atomic: false });
      expect(await markers(db)).toBe(0);
      await next.close();
      await crashed.close().catch(() => {});
      await refreshSearchIndex(db);
      expect((await searchIds(db)).every((ids) => ids.length > 0)).toBe(true);
    } finally {
      await db.close();
      await scratch.drop();
    }
  }, 120_000);
});
