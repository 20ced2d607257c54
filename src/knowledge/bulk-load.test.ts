import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import type { Sql } from '../core/index.js';
import type { BatchData } from './batch.js';
import { batchRows, writeBatchesBulk } from './bulk-load.js';
import { ensureStartingRelease, parseStartingRelease } from './default-release.js';
import { DiseaseXrefs, icd10cnNames } from './importers/disease-xrefs.js';
import { parseDoidSymptoms } from './importers/doid.js';
import { parseHpo } from './importers/hpo.js';
import { activeReleaseId, releaseWithBatch } from './releases.js';

const fixture = (p: string) => readFileSync(new URL(`./__fixtures__/${p}`, import.meta.url), 'utf8');

function fixtureBatches(): BatchData[] {
  const xrefs = new DiseaseXrefs(fixture('doid/do-xrefs.tsv'), icd10cnNames(fixture('doid/icd10cn.csv')));
  const labels = fixture('hpo/hp-labels.tsv');
  return [
    parseHpo(fixture('hpo/phenotype.hpoa'), labels, undefined, xrefs),
    parseDoidSymptoms(fixture('doid/disease-symptom.tsv'), undefined, xrefs, labels),
  ];
}

/** The knowledge tables' indexes and constraints, as the catalogue defines them. */
async function schema(sql: Sql): Promise<string[]> {
  const r = await sql.query<{ def: string }>(
    `select indexdef as def from pg_indexes where tablename like 'kg\\_%' and schemaname = current_schema()
     union all select conname || ' ' || pg_get_constraintdef(c.oid) from pg_constraint c
       join pg_class t on t.oid = c.conrelid where t.relname like 'kg\\_%'
     order by 1`,
  );
  return r.rows.map((x) => x.def);
}

async function rowCounts(sql: Sql): Promise<Record<string, number>> {
  const r = await sql.query<{ t: string; n: string | number }>(
    `select 'batch' as t, count(*) as n from kg_batch union all select 'concept', count(*) from kg_concept
     union all select 'term', count(*) from kg_term union all select 'code', count(*) from kg_code
     union all select 'relation', count(*) from kg_relation union all select 'release', count(*) from kg_release`,
  );
  return Object.fromEntries(r.rows.map((x) => [x.t, Number(x.n)]));
}

// minRows 0: the fixtures (a few dozen rows) take the bulk path the broad release takes on PGlite.
forEachBackend('bulk load of knowledge batches', (db) => {
  it('stores every row, reuses stored batches and leaves the indexes, keys and triggers as they were', async () => {
    const before = await schema(db());
    const batches = fixtureBatches();
    const phases: string[] = [];
    const written = await db().transaction((tx) =>
      writeBatchesBulk(tx, batches, { minRows: 0, progress: (_d, _t, phase) => phases.push(phase) }),
    );
    expect(written.map((w) => w.created)).toEqual([true, true]);
    const counts = await rowCounts(db());
    const expected = batches.reduce((n, b) => n + batchRows(b), 0);
    expect(counts.concept! + counts.term! + counts.code! + counts.relation!).toBe(expected);
    expect(await schema(db())).toEqual(before);
    if (db().dialect === 'pglite') expect(phases).toContain('indexing kg_relation');
    // Lookups use the rebuilt indexes' data: a concept by a normalised name.
    const found = await db().query('select concept_id from kg_term where norm = $1', ['fever']);
    expect(found.rows.length).toBeGreaterThan(0);
    // The foreign keys are enforced again after the load.
    await expect(
      db().query(
        `insert into kg_relation (batch_id, id, type, from_id, source_id) values ($1, 'x', 'prior', 'y', 'nope')`,
        [written[0]!.batchId],
      ),
    ).rejects.toThrow(/foreign key/);
    // Same content again: the stored batches are reused, nothing is written.
    const again = await db().transaction((tx) => writeBatchesBulk(tx, fixtureBatches(), { minRows: 0 }));
    expect(again).toEqual(written.map((w) => ({ batchId: w.batchId, created: false })));
    expect(await rowCounts(db())).toEqual(counts);
  });

  it('a load that fails leaves the active release active, nothing of it stored, and the indexes in place', async () => {
    const [hpo] = fixtureBatches();
    const first = await db().transaction(async (tx) => {
      const [w] = await writeBatchesBulk(tx, [hpo!], { minRows: 0 });
      return releaseWithBatch(tx, [w!.batchId], { base: null, activate: true });
    });
    const before = { counts: await rowCounts(db()), schema: await schema(db()) };
    // A batch whose relation names a source it does not bring: caught by the load's reference check (PGlite, whose
    // triggers are off meanwhile) or by the foreign key (PostgreSQL); either way the whole transaction rolls back.
    const bad: BatchData = {
      ...hpo!,
      key: 'broken',
      contentHash: 'broken-content',
      sources: [],
      relations: hpo!.relations.map((r) => ({ ...r, sourceId: 'no-such-source' })),
    };
    await expect(
      db().transaction(async (tx) => {
        const w = await writeBatchesBulk(tx, [bad], { minRows: 0 });
        return releaseWithBatch(tx, [w[0]!.batchId], { base: null, activate: true });
      }),
    ).rejects.toThrow(/no-such-source|foreign key/);
    expect(await activeReleaseId(db())).toBe(first.releaseId);
    expect(await rowCounts(db())).toEqual(before.counts);
    expect(await schema(db())).toEqual(before.schema);
  });

  it('a store that has a release keeps it: no broad release is built over it', async () => {
    const active = await activeReleaseId(db());
    const counts = await rowCounts(db());
    expect(await ensureStartingRelease(db(), 'broad')).toEqual({ summary: 'already imported' });
    expect(await ensureStartingRelease(db(), 'none')).toEqual({ summary: 'none asked for' });
    expect(await activeReleaseId(db())).toBe(active);
    expect(await rowCounts(db())).toEqual(counts);
  });
});

it('reads --knowledge / MEDSEEK_KNOWLEDGE', () => {
  expect(parseStartingRelease(undefined)).toBeUndefined();
  expect(parseStartingRelease(' Demo ')).toBe('demo');
  expect(parseStartingRelease('none')).toBe('none');
  expect(() => parseStartingRelease('full', '--knowledge')).toThrow(
    /field --knowledge: 'full' is not a knowledge release to start with; one of broad, demo, none/,
  );
});
