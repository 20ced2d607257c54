import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Hl7ImportSummary, ImportSummary, VcfImportSummary } from '../../ingest/index.js';
import { createResourceRepository, openDatabase } from '../../store/index.js';
import { cliInTempStore } from '../../../test/support/cli.js';

const hl7Fixtures = join(import.meta.dirname, '..', '..', 'ingest', 'hl7', '__fixtures__');
const vcfFixtures = join(import.meta.dirname, '..', '..', 'ingest', 'vcf', '__fixtures__');

/** `medseek import` as a user runs it, against an on-disk PGlite in a temporary folder. */
describe('medseek import (CLI)', { timeout: 120_000 }, () => {
  const { dir, run } = cliInTempStore('import');

  it('imports a file, prints a JSON summary and exits 0, then finds it unchanged', async () => {
    const fixture = join(import.meta.dirname, '..', '..', 'ingest', '__fixtures__', 'transaction.json');
    const first = await run(fixture, '--format', 'json');
    const summary = JSON.parse(first.out) as ImportSummary;
    expect(summary).toMatchObject({ files: 1, read: 5, created: 5, rejected: 0, errors: [] });
    expect(summary.byType.Patient).toEqual({ read: 1, created: 1, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.exitCode).toBeUndefined();
    const again = JSON.parse((await run(fixture, '--format', 'json')).out) as ImportSummary;
    expect(again).toMatchObject({ unchanged: 5, created: 0 });
    const db = await openDatabase({ dataDir: join(dir(), 'store') });
    try {
      expect((await createResourceRepository(db).search('Observation', { codes: ['2823-3'] })).total).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('exits non-zero and lists the errors when something is rejected', async () => {
    const file = join(dir(), 'bad.ndjson');
    writeFileSync(file, '{"resourceType":"Patient","id":"fine"}\n{"resourceType":"Patient","id":"broken"\n');
    const { out, exitCode } = await run(file);
    expect(exitCode).toBe(1);
    expect(out).toMatch(/2 resources read, 1 created, 0 updated, 0 unchanged, 1 rejected/);
    expect(out).toMatch(/invalid: .*bad\.ndjson line 2: malformed JSON/);
  });

  it('imports an HL7 v2 file, known by its name or by its first bytes, one ACK per message', async () => {
    const first = await run(join(hl7Fixtures, 'valid', 'adt-a01-everyman.hl7'), '--format', 'json');
    const summary = JSON.parse(first.out) as Hl7ImportSummary;
    expect(summary).toMatchObject({ messages: 1, accepted: 1, rejected: 0 });
    expect(summary.outcomes[0]).toMatchObject({ code: 'AA', controlId: 'MSG00001', messageType: 'ADT^A01' });
    expect(first.exitCode).toBeUndefined();
    // The same message in a .txt file: read as HL7 by its MSH, and recognised as a replay.
    const txt = join(dir(), 'everyman.txt');
    copyFileSync(join(hl7Fixtures, 'valid', 'adt-a01-everyman.hl7'), txt);
    expect((await run(txt)).out).toMatch(
      /^1 message\(s\): 0 accepted, 1 replayed, 0 rejected\n {2}message 1: AA \(replay\)/,
    );
    const db = await openDatabase({ dataDir: join(dir(), 'store') });
    try {
      const repo = createResourceRepository(db);
      const patients = await repo.search('Patient', {
        identifiers: ['urn:medseek:hl7v2:assigner:GOOD%20HEALTH%20HOSPITAL|PATID1234'],
      });
      expect(patients.total).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('imports the .hl7 files of a directory beside its FHIR files and reports them in the summary', async () => {
    const tree = join(dir(), 'tree');
    mkdirSync(join(tree, 'feeds'), { recursive: true });
    writeFileSync(join(tree, 'patients.ndjson'), '{"resourceType":"Patient","id":"dir-p1"}\n');
    copyFileSync(join(hl7Fixtures, 'valid', 'batch-three-results.hl7'), join(tree, 'feeds', 'batch.hl7'));
    copyFileSync(join(hl7Fixtures, 'malformed', 'missing-pid-3.hl7'), join(tree, 'feeds', 'bad.hl7'));
    writeFileSync(join(tree, 'README.txt'), 'not imported');
    const json = await run(tree, '--format', 'json');
    const summary = JSON.parse(json.out) as ImportSummary & { hl7: Hl7ImportSummary & { files: number } };
    expect(summary).toMatchObject({ files: 1, created: 1, skippedFiles: 1 });
    expect(summary.hl7).toMatchObject({ files: 2, messages: 4, accepted: 3, duplicates: 0, rejected: 1 });
    expect(summary.hl7.outcomes.map((o) => [o.where.slice(tree.length), o.code])).toEqual([
      ['/feeds/bad.hl7 message 1', 'AE'],
      ['/feeds/batch.hl7 message 1', 'AA'],
      ['/feeds/batch.hl7 message 2', 'AA'],
      ['/feeds/batch.hl7 message 3', 'AA'],
    ]);
    expect(json.exitCode).toBe(1);
    const text = await run(tree);
    expect(text.out).toMatch(/\nHL7 v2: 2 file\(s\), 4 message\(s\): 0 accepted, 3 replayed, 1 rejected\n/);
    expect(text.out).toMatch(/bad\.hl7 message 1: AE ADT\^A01 BAD-PID3-1 — PID-3: /);
    expect(text.exitCode).toBe(1);
  });

  it('imports a VCF for --patient: star alleles called and stored as genotype and phenotype Observations', async () => {
    const file = join(vcfFixtures, 'cyp2c9-s3s3-vkorc1-aa.vcf');
    const first = await run(file, '--patient', 'vcf-p1', '--format', 'json');
    expect(first.exitCode).toBeUndefined();
    const summary = JSON.parse(first.out) as VcfImportSummary;
    expect(summary).toMatchObject({ patient: 'vcf-p1', sample: 'SAMPLE', build: 'GRCh38' });
    expect(summary.genes.filter((g) => g.status === 'called')).toEqual([
      expect.objectContaining({ gene: 'CYP2C9', diplotypes: ['*3/*3'], phenotype: 'Poor Metabolizer', notTested: 0 }),
      expect.objectContaining({ gene: 'VKORC1', phenotype: '-1639 AA', notTested: 0 }),
    ]);
    // 2 genes × (genotype + phenotype + 1 variant) Observations and the DiagnosticReport.
    expect(summary.resources).toMatchObject({ created: 7, updated: 0, unchanged: 0 });
    const again = await run(file, '--patient', 'vcf-p1');
    expect(again.out).toMatch(
      /sample SAMPLE → Patient\/vcf-p1 \(build GRCh38\); resources 0 created, 0 updated, 7 unchanged/,
    );
    expect(again.out).toMatch(/\n {2}CYP2C9 {5}\*3\/\*3 — Poor Metabolizer\n/);
    const db = await openDatabase({ dataDir: join(dir(), 'store') });
    try {
      const repo = createResourceRepository(db);
      expect((await repo.search('Observation', { codes: ['53040-2'] })).total).toBe(2);
      expect((await repo.search('DiagnosticReport', { codes: ['81247-9'] })).total).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('reports an unphased VCF call as ambiguous, with no phenotype', async () => {
    const { out, exitCode } = await run(join(vcfFixtures, 'tpmt-s3bs3c-unphased.vcf'), '--patient', 'vcf-p2');
    expect(exitCode).toBeUndefined();
    expect(out).toMatch(/\n {2}TPMT {7}ambiguous: \*1\/\*3A or \*3B\/\*3C \[\d+ positions not tested\]\n/);
  });

  it('refuses a VCF without --patient, naming the option, and stores nothing', async () => {
    const file = join(vcfFixtures, 'cyp2c19-s2s2.vcf');
    await expect(run(file)).rejects.toThrow(/a VCF names samples, not patients: give --patient <id>/);
    const db = await openDatabase({ dataDir: join(dir(), 'store') });
    try {
      const repo = createResourceRepository(db);
      expect((await repo.search('Observation', { codes: ['84413-4'] })).total).toBe(3);
    } finally {
      await db.close();
    }
  });

  it('refuses an unknown --format', async () => {
    await expect(run(dir(), '--format', 'xml')).rejects.toThrow(/--format/);
  });
});
