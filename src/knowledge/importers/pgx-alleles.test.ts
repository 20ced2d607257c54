import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPgxDefinitions, callVcf, pgxDefinitionsFrom } from '../../ingest/index.js';
import { type Database, migrate, openDatabase } from '../../store/index.js';
import { ensureStartingRelease } from '../default-release.js';
import { activeReleaseId, releaseWithBatch } from '../releases.js';
import { activePgxAlleles, pgxAllelesBatch, readPgxAlleleData } from './pgx-alleles.js';

const dir = new URL('../data/pgx-alleles/', import.meta.url);
const bundled = () =>
  readdirSync(dir)
    .filter((f) => /^[A-Z0-9_-]+\.json$/.test(f))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Record<string, unknown>);
const vcf = (name: string) => fileURLToPath(new URL(`../../ingest/vcf/__fixtures__/${name}`, import.meta.url));

describe('the PGx allele definitions as release content', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase();
    await migrate(db);
  });
  afterAll(() => db.close());

  it('reads every gene file with its source, version and licence', () => {
    const data = readPgxAlleleData();
    expect(data.genes.map((g) => g.gene)).toEqual(bundled().map((g) => g.gene));
    expect(data.version).toBe('CLINPGX 2025-11-05-00-25 (PharmCAT 5431bf1)');
    expect(data.source).toMatchObject({
      id: 'pgx-alleles:pharmcat-2025-11-05-00-25',
      url: 'https://github.com/PharmGKB/PharmCAT/tree/5431bf1187e50383df7e7db18ef67b36fc8b562e',
      licence: 'MPL-2.0 (PharmCAT); underlying CPIC data CC0',
      shippable: true,
    });
    const batch = pgxAllelesBatch(data);
    expect(batch.relations.map((r) => r.type)).toEqual(data.genes.map(() => 'pgx-allele-definition'));
  });

  it('no release: nothing from the store, and the caller falls back to the bundled files', async () => {
    expect(await activePgxAlleles(db)).toBeUndefined();
    expect(bundledPgxDefinitions().origin).toBe('bundled data/pgx-alleles');
  });

  it('the starting release holds them as the files state them; the caller calls the same from it', async () => {
    await ensureStartingRelease(db, 'demo');
    const release = await activePgxAlleles(db);
    expect(release?.release).toBe(`kg-release/${await activeReleaseId(db)}`);
    expect(release?.definitions).toEqual(bundled());
    const notCallable = JSON.parse(readFileSync(new URL('not-callable.json', dir), 'utf8')).genes;
    expect(release?.notCallable).toEqual(notCallable);
    const src = await db.query<{ version: string; licence: string }>(
      `select version, licence from kg_source where id = 'pgx-alleles:pharmcat-2025-11-05-00-25'`,
    );
    expect(src.rows).toEqual([
      {
        version: 'CLINPGX 2025-11-05-00-25 (PharmCAT 5431bf1)',
        licence: 'MPL-2.0 (PharmCAT); underlying CPIC data CC0',
      },
    ]);
    const fromRelease = pgxDefinitionsFrom(release!);
    expect(fromRelease.origin).toMatch(/^kg-release\/\d+ \(CLINPGX 2025-11-05-00-25/);
    for (const f of ['cyp2c19-s2s2.vcf', 'cyp2c9-s3s3-vkorc1-aa.vcf', 'tpmt-s3bs3c-unphased.vcf']) {
      const [a, b] = await Promise.all([callVcf(vcf(f)), callVcf(vcf(f), { definitions: fromRelease })]);
      expect(b.calls).toEqual(a.calls);
      expect(b.definitionsOrigin).toBe(fromRelease.origin);
    }
  });

  it('a demo release made before them gets them added; a release of the hospital’s own is left as it is', async () => {
    const active = (await activeReleaseId(db))!;
    // Each a release of its own (not an existing one with the same batches): the pgx batch and one more left out.
    const without = async (kind: string) => {
      const r = await db.query<{ id: number }>(
        `select b.id from kg_batch b join kg_release r on b.id = any(r.batch_ids)
         where r.id = $1 and b.kind not in ('pgx-alleles', $2)`,
        [active, kind],
      );
      return r.rows.map((x) => Number(x.id));
    };
    const own = await releaseWithBatch(db, await without('qc'), {
      base: null,
      activate: true,
      label: 'hospital curated 2026-01',
    });
    expect(own.created).toBe(true);
    expect(await activePgxAlleles(db)).toBeUndefined();
    expect(await ensureStartingRelease(db, 'demo')).toEqual({ summary: 'already imported' });
    expect(await activeReleaseId(db)).toBe(own.releaseId);

    const oldDemo = await releaseWithBatch(db, await without('crosswalk'), {
      base: null,
      activate: true,
      label: 'demo: before pgx',
    });
    const made = await ensureStartingRelease(db, 'demo');
    expect(made.releaseId).not.toBe(oldDemo.releaseId);
    expect((await activePgxAlleles(db))?.definitions).toEqual(bundled());
  });
});
