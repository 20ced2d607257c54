import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MedSeekError } from '../../core/index.js';
import { FHIR_ID } from '../resource-types.js';
import type { IngestSink, WriteOutcome } from '../types.js';
import { callVcf, type VcfCalls } from './call-vcf.js';
import type { PgxDefinitions } from './definitions.js';
import { genomicResources } from './fhir.js';

export interface VcfImportOptions {
  /** The Patient id the genome belongs to (a VCF names samples, not patients). */
  readonly patient: string;
  /** The sample column, when the VCF has several. */
  readonly sample?: string;
  /** When the result holds (ISO date-time); default: the file's modification time. */
  readonly effective?: string;
  /** The active knowledge release's allele definitions (`pgxDefinitionsFrom`); default: the bundled files. */
  readonly definitions?: PgxDefinitions;
}

export interface VcfImportSummary {
  readonly file: string;
  readonly patient: string;
  readonly sample: string;
  readonly build: string;
  readonly warnings: readonly string[];
  readonly genes: readonly {
    readonly gene: string;
    readonly status: string;
    readonly diplotypes: readonly string[];
    readonly phenotype?: string;
    readonly notTested: number;
    readonly reason?: string;
  }[];
  readonly notCallable: readonly { readonly gene: string; readonly reason: string }[];
  /** Where the allele definitions came from: `kg-release/<id> (…)` or `bundled data/pgx-alleles`. */
  readonly definitions: string;
  readonly resources: Readonly<Record<WriteOutcome, number>>;
}

/** `.vcf` or `.vcf.gz` / `.vcf.bgz` by name. */
export function isVcfFile(path: string): boolean {
  return /\.vcf(\.b?gz)?$/i.test(path);
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Imports one VCF for one patient: calls the PGx genes, writes the genomic report and its
 * Observations in one atomic write (nothing half-written), and says per gene what was called,
 * what is ambiguous, what was not tested and what a VCF cannot call.
 */
export async function importVcfFile(
  path: string,
  sink: IngestSink,
  options: VcfImportOptions,
): Promise<VcfImportSummary & { readonly calls: VcfCalls }> {
  if (!FHIR_ID.test(options.patient))
    throw new MedSeekError('invalid', `'${options.patient}' is not a valid Patient id`, { field: '--patient' });
  if (options.effective !== undefined && Number.isNaN(Date.parse(options.effective)))
    throw new MedSeekError('invalid', `'${options.effective}' is not a date-time`, { field: 'effective' });
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new MedSeekError('not-found', `no such file: ${path}`, { field: 'path' });
  const calls = await callVcf(path, {
    ...(options.sample !== undefined ? { sample: options.sample } : {}),
    ...(options.definitions ? { definitions: options.definitions } : {}),
  });
  const resources = genomicResources(calls, {
    patient: options.patient,
    fileSha256: await sha256File(path),
    effective: options.effective ?? info.mtime.toISOString(),
    fileName: basename(path),
  });
  const outcomes = await sink.write(resources, { atomic: true });
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const o of outcomes) counts[o]++;
  return {
    file: path,
    patient: options.patient,
    sample: calls.read.sample,
    build: calls.read.build,
    warnings: calls.read.warnings,
    genes: calls.calls.map((c) => ({
      gene: c.gene,
      status: c.status,
      diplotypes: c.diplotypes,
      ...(c.phenotype ? { phenotype: c.phenotype } : {}),
      notTested: c.missing.length,
      ...(c.reason ? { reason: c.reason } : {}),
    })),
    notCallable: calls.notCallable.map((x) => ({ gene: x.gene, reason: x.reason })),
    definitions: calls.definitionsOrigin,
    resources: counts,
    calls,
  };
}

/** The summary as lines for a terminal. */
export function vcfTextSummary(s: VcfImportSummary): string {
  const lines = [
    `${s.file}: sample ${s.sample} → Patient/${s.patient} (build ${s.build}); resources ` +
      `${s.resources.created} created, ${s.resources.updated} updated, ${s.resources.unchanged} unchanged`,
  ];
  for (const g of s.genes) {
    const what =
      g.status === 'called'
        ? `${g.diplotypes[0]}${g.phenotype ? ` — ${g.phenotype}` : ' — phenotype not determined'}`
        : g.status === 'ambiguous'
          ? `ambiguous: ${g.diplotypes.join(' or ')}${g.phenotype ? ` — ${g.phenotype}` : ''}`
          : g.status === 'not-tested'
            ? 'not tested'
            : `no call (${g.reason})`;
    lines.push(
      `  ${g.gene.padEnd(10)} ${what}` +
        `${g.notTested && g.status !== 'not-tested' ? ` [${g.notTested} positions not tested]` : ''}`,
    );
  }
  for (const x of s.notCallable) lines.push(`  ${x.gene.padEnd(10)} not callable from a VCF`);
  lines.push(`  allele definitions: ${s.definitions}`);
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
