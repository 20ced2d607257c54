import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FhirResource, IngestSink } from '../types.js';
import { callVcf, importVcfFile, isVcfFile } from './index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'medseek-vcf-'));
const write = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const s2s2 = readFileSync(fixture('cyp2c19-s2s2.vcf'), 'utf8');

function memorySink(): IngestSink & { writes: number; resources: Map<string, FhirResource> } {
  const resources = new Map<string, FhirResource>();
  const sink = {
    writes: 0,
    resources,
    async write(rs: readonly FhirResource[], options: { readonly atomic: boolean }) {
      expect(options.atomic).toBe(true);
      sink.writes++;
      return rs.map((r) => {
        const key = `${r.resourceType}/${r.id}`;
        const before = resources.get(key);
        resources.set(key, r);
        return before ? (JSON.stringify(before) === JSON.stringify(r) ? 'unchanged' : 'updated') : 'created';
      });
    },
  };
  return sink;
}

describe('VCF star-allele calling', () => {
  it('calls CYP2C19 *2/*2 as a CPIC poor metabolizer, from plain and gzip files alike', async () => {
    for (const f of ['cyp2c19-s2s2.vcf', 'cyp2c19-s2s2.vcf.gz']) {
      const { calls, read } = await callVcf(fixture(f));
      const c = calls.find((x) => x.gene === 'CYP2C19')!;
      expect(c).toMatchObject({ status: 'called', diplotypes: ['*2/*2'], phenotype: 'Poor Metabolizer' });
      expect(read.build).toBe('GRCh38');
    }
  });

  it('reports unphased TPMT *3B + *3C heterozygosity as ambiguous (*1/*3A or *3B/*3C), with no phenotype', async () => {
    const c = (await callVcf(fixture('tpmt-s3bs3c-unphased.vcf'))).calls.find((x) => x.gene === 'TPMT')!;
    expect(c.status).toBe('ambiguous');
    expect(c.diplotypes).toEqual(['*1/*3A', '*3B/*3C']);
    expect(c.phenotype).toBeUndefined();
    expect(c.possiblePhenotypes).toEqual(['Intermediate Metabolizer', 'Poor Metabolizer']);
  });

  it('reports genes with no position in the file as not tested, and lists what a VCF cannot call', async () => {
    const v = await callVcf(fixture('cyp2c19-s2s2.vcf'));
    expect(v.calls.find((x) => x.gene === 'DPYD')).toMatchObject({ status: 'not-tested', diplotypes: [] });
    expect(v.notCallable.map((x) => x.gene)).toEqual(expect.arrayContaining(['HLA-B*57:01', 'HLA-B*58:01', 'CYP2D6']));
  });

  it('does not call a phenotype when a missing position could change it', async () => {
    const c = (await callVcf(fixture('cyp2c19-s1s1-rs12248560-missing.vcf'))).calls.find((x) => x.gene === 'CYP2C19')!;
    expect(c.status).toBe('ambiguous');
    expect(c.missing.map((m) => m.rsid)).toEqual(['rs12248560']);
    expect(c.phenotype).toBeUndefined();
  });

  it('refuses a GRCh37 file, naming the line and field', async () => {
    await expect(callVcf(fixture('grch37.vcf'))).rejects.toThrow(/GRCh37.*GRCh38/);
    await expect(callVcf(fixture('grch37.vcf'))).rejects.toMatchObject({
      location: { where: 'line 3', field: 'reference' },
    });
    const contig = write(
      'contig37.vcf',
      s2s2.replace('##reference=GRCh38\n', '##contig=<ID=chr10,length=135534747>\n'),
    );
    await expect(callVcf(contig)).rejects.toMatchObject({ location: { field: 'contig' } });
  });

  it('refuses a malformed genotype, naming line and sample field', async () => {
    await expect(callVcf(fixture('bad-genotype.vcf'))).rejects.toMatchObject({
      location: { where: 'line 10', field: 'SAMPLE:GT' },
    });
    const outOfRange = write('range.vcf', s2s2.replace(/(rs4244285\tG\tA\t[^\n]*GT\t)1\/1/, '$13/1'));
    await expect(callVcf(outOfRange)).rejects.toThrow(/names allele 3/);
  });

  it('refuses a file that is not VCF 4.x, and asks which sample of a multi-sample file', async () => {
    await expect(callVcf(write('x.vcf', 'hello\n'))).rejects.toMatchObject({
      location: { where: 'line 1', field: 'fileformat' },
    });
    await expect(callVcf(write('v3.vcf', '##fileformat=VCFv3.3\n'))).rejects.toThrow(/4\.x only/);
    const two = write(
      'two.vcf',
      s2s2.replace('FORMAT\tSAMPLE', 'FORMAT\tA\tB').replace(/\tGT\t(\S+)/g, '\tGT\t$1\t0/0'),
    );
    await expect(callVcf(two)).rejects.toMatchObject({ location: { field: 'sample' } });
    const b = (await callVcf(two, { sample: 'B' })).calls.find((x) => x.gene === 'CYP2C19')!;
    // rs3758581 (*1 vs *38) is missing from this file: the reference call stays open.
    expect(b).toMatchObject({ status: 'ambiguous', best: ['*1/*1', '*1/*38', '*38/*38'] });
  });

  it('streams a large file: only lines at definition positions are parsed', async () => {
    const filler = Array.from({ length: 50_000 }, (_, i) => `chr1\t${1000 + i}\t.\tA\tG\t.\tPASS\t.\tGT\t0/1`).join(
      '\n',
    );
    const big = write('big.vcf', `${s2s2.trimEnd()}\n${filler}\n`);
    const v = await callVcf(big);
    expect(v.read.lines).toBeGreaterThan(50_000);
    expect(v.calls.find((x) => x.gene === 'CYP2C19')?.diplotypes).toEqual(['*2/*2']);
  });
});

describe('VCF import', () => {
  it('writes genotype, phenotype, variant Observations and a report in one atomic write, idempotently', async () => {
    const sink = memorySink();
    const first = await importVcfFile(fixture('cyp2c19-s2s2.vcf'), sink, { patient: 'p1', effective: '2024-05-01' });
    expect(sink.writes).toBe(1);
    const obs = [...sink.resources.values()].filter((r) => r.resourceType === 'Observation');
    const codes = obs.map((o) => (o.code as { coding: { code: string }[] }).coding[0]!.code);
    expect(codes.filter((c) => c === '84413-4')).toHaveLength(1);
    expect(codes.filter((c) => c === '53040-2')).toHaveLength(1);
    expect(codes.filter((c) => c === '69548-6').length).toBeGreaterThan(0);
    const report = [...sink.resources.values()].find((r) => r.resourceType === 'DiagnosticReport')!;
    expect(report.conclusion).toMatch(/CYP2C19: \*2\/\*2, Poor Metabolizer/);
    expect(report.conclusion).toMatch(/DPYD: not tested/);
    expect(report.conclusion).toMatch(/HLA-B\*57:01: not callable/);
    expect(first.resources.created).toBe(sink.resources.size);
    const again = await importVcfFile(fixture('cyp2c19-s2s2.vcf'), sink, { patient: 'p1', effective: '2024-05-01' });
    expect(again.resources).toEqual({ created: 0, updated: 0, unchanged: sink.resources.size });
  });

  it('writes an ambiguous call so that no single diplotype can be read from it', async () => {
    const sink = memorySink();
    await importVcfFile(fixture('tpmt-s3bs3c-unphased.vcf'), sink, { patient: 'p1', effective: '2024-05-01' });
    const g = [...sink.resources.values()].find(
      (r) => (r.code as { coding: { code: string }[] }).coding[0]!.code === '84413-4',
    )!;
    expect((g.valueCodeableConcept as { text: string }).text).toBe(
      'ambiguous (unphased heterozygous positions: the phase decides between these diplotypes; positions not tested ' +
        'leave several diplotypes possible): TPMT*1/TPMT*3A or TPMT*3B/TPMT*3C',
    );
    expect([...sink.resources.values()].some((r) => JSON.stringify(r).includes('53040-2'))).toBe(false);
  });

  it('refuses a bad patient id and writes nothing for a bad file', async () => {
    const sink = memorySink();
    await expect(importVcfFile(fixture('cyp2c19-s2s2.vcf'), sink, { patient: 'a b' })).rejects.toMatchObject({
      location: { field: '--patient' },
    });
    await expect(importVcfFile(fixture('bad-genotype.vcf'), sink, { patient: 'p1' })).rejects.toThrow(/malformed/);
    expect(sink.writes).toBe(0);
  });

  it('knows VCF files by name', () => {
    expect(['a.vcf', 'a.VCF.gz', 'a.vcf.bgz', 'a.json'].map(isVcfFile)).toEqual([true, true, true, false]);
  });
});
