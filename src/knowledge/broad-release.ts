import { fileURLToPath } from 'node:url';
import type { Sql } from '../core/index.js';
import type { BatchData } from './batch.js';
import { cdsBatch } from './importers/cds.js';
import { crosswalkBatch } from './importers/crosswalk.js';
import { readDdxplus } from './importers/ddxplus.js';
import { diseasePriorsBatch } from './importers/disease-priors.js';
import { readDiseaseXrefs } from './importers/disease-xrefs.js';
import { readDoid } from './importers/doid.js';
import { readHpo } from './importers/hpo.js';
import { readIcd10cn } from './importers/icd.js';
import { followupBatch } from './importers/followup.js';
import { qcBatch } from './importers/qc.js';
import { resultsEvidenceBatch } from './importers/results-evidence.js';
import { writeBatchesBulk } from './bulk-load.js';
import { type ProgressFn, releaseBatches, releaseWithBatch } from './releases.js';

const bundled = (p: string) => fileURLToPath(new URL(`./data/${p}`, import.meta.url));

export const BROAD_LABEL =
  'broad: DDXPlus + HPO + Disease Ontology + ICD-10 国家临床版 2.0 + results evidence + prior classes + CDS + QC rules';

/**
 * The sources of the broad release, in import order, every one bundled in `data/` and shippable
 * (knowledge README): the demo release's CDS, DDXPlus, ICD-10 国家临床版, crosswalk and QC batches,
 * then the HPO disease annotations (OMIM / Orphanet / DECIPHER → HPO phenotypes, with frequencies),
 * the Disease Ontology's disease → symptom statements, and the lab / imaging / ECG result links
 * (`data/results-evidence`) joined by ICD-10 code to the diseases of all of them, and last each disease's prior
 * by prevalence class (rare: Orphanet-registered; common; unknown), `importers/disease-priors.ts`, with the sourced
 * prevalence overrides of `data/epidemiology` (tuberculosis and bronchiectasis are common in China).
 */
export function broadReleaseBatches(progress?: ProgressFn): BatchData[] {
  const steps: [string, () => BatchData][] = [];
  let ddxplus: BatchData | undefined;
  let icd10cn: BatchData | undefined;
  let shared: ReturnType<typeof readDiseaseXrefs> | undefined;
  const xrefs = () => (shared ??= readDiseaseXrefs());
  steps.push(['cds', () => cdsBatch()]);
  steps.push(['ddxplus', () => (ddxplus = readDdxplus(bundled('ddxplus')))]);
  steps.push(['icd10cn', () => (icd10cn = readIcd10cn(bundled('icd10cn')))]);
  steps.push(['crosswalk', () => crosswalkBatch(ddxplus!, icd10cn!)]);
  steps.push(['qc', () => qcBatch()]);
  steps.push(['followup', () => followupBatch()]);
  let hpo: BatchData | undefined;
  let doid: BatchData | undefined;
  steps.push(['hpo', () => (hpo = readHpo(undefined, { xrefs: xrefs() }))]);
  steps.push(['doid', () => (doid = readDoid(undefined, { xrefs: xrefs() }))]);
  // Lab, imaging and ECG results joined by ICD-10 code to the diseases of every source above.
  let results: BatchData | undefined;
  steps.push(['results-evidence', () => (results = resultsEvidenceBatch([ddxplus!, icd10cn!, hpo!, doid!]).batch)]);
  // Last: a prior (prevalence class, with its basis) for every disease with findings in the batches above.
  steps.push([
    'disease-priors',
    () => diseasePriorsBatch([ddxplus!, icd10cn!, hpo!, doid!, results!], { xrefs: xrefs() }).batch,
  ]);
  return steps.map(([name, read], i) => {
    progress?.(i, steps.length, `reading ${name}`);
    return read();
  });
}

export interface BroadBuildResult {
  readonly releaseId: number;
  readonly created: boolean;
  readonly batches: readonly { kind: string; batchId: number; created: boolean; concepts: number; relations: number }[];
  readonly seconds: { readonly read: number; readonly write: number };
}

/**
 * Imports every shippable bundled source, in order, into one new release (from nothing, not on top of
 * the active one), and activates it when asked. Idempotent: batches already stored are reused and an
 * identical release is returned instead of a new one. All or nothing: the batches, the release and its
 * activation are one transaction (a bulk load on PGlite, `bulk-load.ts`), so a load that fails leaves the
 * previous release active and nothing of the new one stored.
 */
export async function buildBroadRelease(
  sql: Sql,
  options: { readonly progress?: ProgressFn; readonly activate?: boolean; readonly label?: string } = {},
): Promise<BroadBuildResult> {
  const t0 = performance.now();
  // One scale for the whole build, reading then writing; reading is about a third of the CPU time (measured).
  const part =
    (from: number, share: number): ProgressFn =>
    (done, total, phase) =>
      options.progress?.(Math.round(1000 * (from + (share * done) / Math.max(total, 1))), 1000, phase);
  const batches = broadReleaseBatches(part(0, 0.35));
  const t1 = performance.now();
  const { written, release } = await sql.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('select pg_advisory_xact_lock(727273)');
    const written = await writeBatchesBulk(tx, batches, { progress: part(0.35, 0.65) });
    const release = await releaseWithBatch(
      tx,
      written.map((w) => w.batchId),
      { base: null, label: options.label ?? BROAD_LABEL, ...(options.activate ? { activate: true } : {}) },
    );
    return { written, release };
  });
  const t2 = performance.now();
  return {
    releaseId: release.releaseId,
    created: release.created,
    batches: batches.map((b, i) => ({
      kind: b.kind,
      batchId: written[i]!.batchId,
      created: written[i]!.created,
      concepts: b.concepts.length,
      relations: b.relations.length,
    })),
    seconds: { read: round((t1 - t0) / 1000), write: round((t2 - t1) / 1000) },
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

export interface ReleaseReport {
  readonly releaseId: number;
  /** Diseases with at least one `has-finding` edge, and how many of them have a Chinese name. */
  readonly diseases: { readonly withFindings: number; readonly withZhName: number; readonly zhCoverage: number };
  /** Findings some disease has, and how many have a Chinese name. */
  readonly findings: { readonly total: number; readonly withZhName: number; readonly zhCoverage: number };
  /** `has-finding` edges: with a frequency (`probability` a number) and "frequency unknown" (null). */
  readonly edges: { readonly total: number; readonly withFrequency: number; readonly frequencyUnknown: number };
  readonly sources: readonly {
    readonly id: string;
    readonly name: string;
    readonly licence: string | null;
    readonly version: string | null;
    readonly shippable: boolean;
    readonly relations: number;
  }[];
}

/** The figures issue 15 asks of a release: diseases, findings, edges with frequencies, Chinese names, sources. */
export async function releaseReport(sql: Sql, release?: number): Promise<ReleaseReport> {
  const { releaseId, batchIds } = await releaseBatches(sql, release);
  const effective = `r.batch_id = any($1::int[]) and not r.retracted
    and not exists (select 1 from kg_relation o where o.batch_id = any($1::int[]) and o.overrides = r.id)`;
  const named = (side: 'from_id' | 'to_id') =>
    `with e as (select distinct r.${side} as id from kg_relation r where ${effective} and r.type = 'has-finding')
     select count(*) as n, count(*) filter (where exists (select 1 from kg_concept c where c.id = e.id
       and c.batch_id = any($1::int[]) and c.name_zh is not null)) as zh from e`;
  const [d, f, e, s] = await Promise.all([
    sql.query<{ n: string | number; zh: string | number }>(named('from_id'), [batchIds]),
    sql.query<{ n: string | number; zh: string | number }>(named('to_id'), [batchIds]),
    sql.query<{ n: string | number; known: string | number }>(
      `select count(*) as n, count(*) filter (where jsonb_typeof(r.attrs->'probability') = 'number') as known
       from kg_relation r where ${effective} and r.type = 'has-finding'`,
      [batchIds],
    ),
    sql.query<{
      id: string;
      name: string;
      licence: string | null;
      version: string | null;
      shippable: boolean;
      n: string | number;
    }>(
      `select s.id, s.name, s.licence, s.version, s.shippable, count(*) as n
       from kg_relation r join kg_source s on s.id = r.source_id where ${effective}
       group by s.id order by count(*) desc, s.id`,
      [batchIds],
    ),
  ]);
  const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : 0);
  const dn = Number(d.rows[0]?.n ?? 0);
  const dz = Number(d.rows[0]?.zh ?? 0);
  const fn = Number(f.rows[0]?.n ?? 0);
  const fz = Number(f.rows[0]?.zh ?? 0);
  const en = Number(e.rows[0]?.n ?? 0);
  const ek = Number(e.rows[0]?.known ?? 0);
  return {
    releaseId,
    diseases: { withFindings: dn, withZhName: dz, zhCoverage: ratio(dz, dn) },
    findings: { total: fn, withZhName: fz, zhCoverage: ratio(fz, fn) },
    edges: { total: en, withFrequency: ek, frequencyUnknown: en - ek },
    sources: s.rows.map((x) => ({
      id: x.id,
      name: x.name,
      licence: x.licence,
      version: x.version,
      shippable: Boolean(x.shippable),
      relations: Number(x.n),
    })),
  };
}
