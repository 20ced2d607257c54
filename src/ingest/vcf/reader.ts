import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import VCFParser from '@gmod/vcf';
import { MedSeekError } from '../../core/index.js';
import type { SampleGenotype } from './caller.js';
import { chromKey, type GeneDefinition } from './definitions.js';

/** What the VCF says about the positions of interest, for one sample. */
export interface VcfRead {
  readonly sample: string;
  readonly fileformat: string;
  /** `GRCh38`, or `undeclared` when the header names no build (then GRCh38 is assumed; see warnings). */
  readonly build: string;
  /** Genotypes at definition positions, by gene, by position. */
  readonly genotypes: ReadonlyMap<string, ReadonlyMap<number, SampleGenotype>>;
  readonly lines: number;
  readonly warnings: readonly string[];
}

export interface VcfReadOptions {
  /** Sample column to read; required when the file has several. */
  readonly sample?: string;
}

const invalid = (message: string, where: string, field: string) =>
  new MedSeekError('invalid', message, { where, field });

/** Contig lengths that tell GRCh37 from GRCh38 (chromosomes of the PGx genes: 1, 2, 6, 7, 10, 12, 13, 16). */
const GRCH37_LENGTHS: Readonly<Record<string, number>> = {
  '1': 249250621,
  '2': 243199373,
  '6': 171115067,
  '7': 159138663,
  '10': 135534747,
  '12': 133851895,
  '13': 115169878,
  '16': 90354753,
};

/** The genome build a header line declares, if any: `37`, `38` or another name. */
function buildOf(line: string): string | undefined {
  const m =
    /^##reference=(.*)$/i.exec(line)?.[1] ??
    /^##contig=<.*\bassembly=("?)([^,>"]+)\1/i.exec(line)?.[2] ??
    /^##(?:genome_?build|assembly)=(.*)$/i.exec(line)?.[1];
  if (!m) return undefined;
  if (/grch37|hg19|b37|hs37|human_g1k_v37|\bNCBI37\b/i.test(m)) return 'GRCh37';
  if (/grch38|hg38|b38|hs38|\bNCBI38\b/i.test(m)) return 'GRCh38';
  if (/grch36|hg18|ncbi36/i.test(m)) return 'GRCh36';
  return undefined;
}

async function isGzip(path: string): Promise<boolean> {
  const f = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    await f.read(b, 0, 2, 0);
    return b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await f.close();
  }
}

const GT = /^(\.|\d+)(?:([/|])(\.|\d+))?$/;

/**
 * Streams a VCF 4.x file (plain, gzip or bgzip; https://samtools.github.io/hts-specs/VCFv4.3.pdf)
 * line by line and keeps only the genotypes at the positions the allele definitions use, so memory
 * stays bounded whatever the file size. Refuses, naming line and field: a missing or non-4.x
 * `##fileformat`, a header that declares another build than GRCh38 (no liftover is done), a data line
 * with too few columns, a non-numeric POS, and a malformed GT or one naming an allele the line lacks.
 */
export async function readVcf(
  path: string,
  definitions: readonly GeneDefinition[],
  options: VcfReadOptions = {},
): Promise<VcfRead> {
  const byChrom = new Map<string, Map<number, { gene: string; def: GeneDefinition }[]>>();
  for (const def of definitions) {
    const k = chromKey(def.chromosome);
    if (!byChrom.has(k)) byChrom.set(k, new Map());
    const m = byChrom.get(k)!;
    for (const p of def.positions) {
      if (!m.has(p.position)) m.set(p.position, []);
      m.get(p.position)!.push({ gene: def.gene, def });
    }
  }
  const input = createReadStream(path);
  const stream = (await isGzip(path)) ? input.pipe(createGunzip()) : input;
  input.on('error', (e) => stream.destroy(e));
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const header: string[] = [];
  let parser: VCFParser | undefined;
  let sampleIndex = -1;
  let sample = '';
  let fileformat = '';
  let build: string | undefined;
  const warnings: string[] = [];
  /** Single-base REF alleles at definition SNV positions: [agreeing with GRCh38, disagreeing]. */
  const refChecks: [number, number] = [0, 0];
  const genotypes = new Map<string, Map<number, SampleGenotype>>();
  let n = 0;
  try {
    for await (const raw of rl) {
      n++;
      const line = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (!parser) {
        if (n === 1) {
          const m = /^##fileformat=VCFv(\d+)\.(\d+)\s*$/.exec(line);
          if (!m)
            throw invalid(
              `not a VCF file: the first line must be ##fileformat=VCFv4.x, found '${line.slice(0, 40)}'`,
              'line 1',
              'fileformat',
            );
          if (m[1] !== '4')
            throw invalid(`VCF version ${m[1]}.${m[2]} is not supported (VCF 4.x only)`, 'line 1', 'fileformat');
          fileformat = `VCFv${m[1]}.${m[2]}`;
        }
        if (line.startsWith('##')) {
          const b = buildOf(line);
          if (b && b !== 'GRCh38')
            throw invalid(
              `the VCF declares genome build ${b}; MedSeek reads GRCh38 coordinates only ` +
                '(lift the file over to GRCh38 first)',
              `line ${n}`,
              'reference',
            );
          const contig = /^##contig=<ID=([^,>]+),.*\blength=(\d+)/i.exec(line);
          if (contig && GRCH37_LENGTHS[chromKey(contig[1]!)] === Number(contig[2]))
            throw invalid(
              `contig ${contig[1]} has the GRCh37 length ${contig[2]}; MedSeek reads GRCh38 coordinates only`,
              `line ${n}`,
              'contig',
            );
          if (b) build = b;
          header.push(line);
          continue;
        }
        if (!line.startsWith('#CHROM'))
          throw invalid('the header must end with a #CHROM line before any data line', `line ${n}`, 'header');
        const cols = line.split('\t');
        if (cols.length < 10 || cols[8] !== 'FORMAT')
          throw invalid(
            'the #CHROM line names no sample (columns FORMAT and at least one sample are needed)',
            `line ${n}`,
            '#CHROM',
          );
        const samples = cols.slice(9);
        if (options.sample !== undefined) {
          sampleIndex = samples.indexOf(options.sample);
          if (sampleIndex < 0)
            throw invalid(
              `no sample '${options.sample}' in the VCF (it has ${samples.join(', ')})`,
              `line ${n}`,
              'sample',
            );
        } else if (samples.length > 1)
          throw invalid(
            `the VCF has ${samples.length} samples (${samples.slice(0, 5).join(', ')}…); say which with --sample`,
            `line ${n}`,
            'sample',
          );
        else sampleIndex = 0;
        sample = samples[sampleIndex]!;
        header.push(line);
        parser = new VCFParser({ header: header.join('\n') });
        if (!build) warnings.push('the header declares no genome build; GRCh38 coordinates assumed');
        continue;
      }
      if (line === '') continue;
      // Cheap test before parsing: only lines at definition positions matter.
      const t1 = line.indexOf('\t');
      const t2 = line.indexOf('\t', t1 + 1);
      if (t1 < 0 || t2 < 0) throw invalid('a data line needs at least 10 tab-separated columns', `line ${n}`, 'CHROM');
      const at = byChrom.get(chromKey(line.slice(0, t1)));
      const posText = line.slice(t1 + 1, t2);
      if (!/^\d+$/.test(posText)) throw invalid(`POS '${posText}' is not a positive integer`, `line ${n}`, 'POS');
      const genes = at?.get(Number(posText));
      if (!genes) continue;
      const cols = line.split('\t');
      if (cols.length < 10 + sampleIndex)
        throw invalid(`${cols.length} columns, ${10 + sampleIndex} needed`, `line ${n}`, 'FORMAT');
      let v: ReturnType<VCFParser['parseLine']>;
      try {
        v = parser.parseLine(line);
      } catch (e) {
        throw invalid(`unreadable data line: ${e instanceof Error ? e.message : String(e)}`, `line ${n}`, 'INFO');
      }
      const format = (v.FORMAT ?? '').split(':');
      const gi = format.indexOf('GT');
      if (gi < 0) throw invalid('the FORMAT column has no GT field', `line ${n}`, 'FORMAT');
      const gtText = cols[9 + sampleIndex]!.split(':')[gi] ?? '';
      const m = GT.exec(gtText);
      if (!m) throw invalid(`malformed genotype '${gtText}' for sample ${sample}`, `line ${n}`, `${sample}:GT`);
      if (m[1] === '.' || m[3] === '.') continue; // a no-call: the position stays untested
      if (m[3] === undefined)
        throw invalid(
          `haploid genotype '${gtText}' at an autosomal PGx position (two alleles expected)`,
          `line ${n}`,
          `${sample}:GT`,
        );
      const alleles = [v.REF ?? '', ...(v.ALT ?? []).filter((a) => a !== '.')];
      const idx = [Number(m[1]), Number(m[3])];
      for (const i of idx)
        if (i >= alleles.length)
          throw invalid(
            `genotype '${gtText}' names allele ${i}, but the line has ${alleles.length} ` +
              `(REF and ${alleles.length - 1} ALT)`,
            `line ${n}`,
            `${sample}:GT`,
          );
      for (const { gene, def } of genes) {
        const p = def.positions.find((x) => x.position === Number(posText))!;
        if (p.ref.length === 1 && v.REF?.length === 1) refChecks[v.REF === p.ref ? 0 : 1]++;
        if (v.REF !== p.ref)
          warnings.push(
            `line ${n}: ${gene} ${p.rsid ?? p.position} REF ${v.REF} differs from the definition's ${p.ref} ` +
              '(build or normalisation?)',
          );
        if (!genotypes.has(gene)) genotypes.set(gene, new Map());
        const g = genotypes.get(gene)!;
        const prev = g.get(p.position);
        // A split multi-allelic site: a line with a variant call wins over a reference-only one.
        if (prev && idx.every((i) => i === 0)) continue;
        // Allele 0 is the reference at this locus, however the line spells REF (a reference block
        // written as `G` where the definition's ref is `GA`).
        const allele = (i: number) => (i === 0 ? p.ref : alleles[i]!);
        g.set(p.position, {
          alleles: [allele(idx[0]!), allele(idx[1]!)],
          phased: m[2] === '|',
          line: n,
        });
      }
    }
  } finally {
    rl.close();
    stream.destroy();
  }
  if (!parser) {
    if (n === 0) throw invalid('the file is empty', 'line 1', 'fileformat');
    throw invalid('the header has no #CHROM line', `line ${n}`, 'header');
  }
  // A file that declares no build but whose REF bases disagree with GRCh38 at most SNV positions is
  // another build (or another reference): refused rather than called on the wrong bases.
  if (!build && refChecks[1] >= 3 && refChecks[1] > refChecks[0])
    throw invalid(
      `REF differs from GRCh38 at ${refChecks[1]} of ${refChecks[0] + refChecks[1]} PGx positions: ` +
        'the file is not GRCh38 (declare or lift over its build)',
      'header',
      'reference',
    );
  return { sample, fileformat, build: build ?? 'undeclared', genotypes, lines: n, warnings };
}
