import { readdirSync, readFileSync } from 'node:fs';
import type { Sql } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import type { KgSource, RelationType } from '../model.js';
import { KnowledgeGraph } from '../queries.js';
import { contentHash } from './read-input.js';

/**
 * The CPIC / PharmVar star-allele definitions, allele functions (activity values) and diplotype → phenotype
 * tables the VCF caller uses (issue 19), as release content: `data/pgx-alleles/<GENE>.json` (built from
 * PharmCAT's definition and phenotype files, `data/pgx-alleles/SOURCE.md`) and `not-callable.json`. Each gene
 * is one `pgx-allele-definition` relation whose attributes are the whole definition as the file states it
 * (positions, alleles, functions, phenotype table, its `source` block) and whose knowledge source names
 * PharmCAT's commit, the ClinPGx definition version and the licences; the not-callable list is the
 * `pgx-not-callable` concept. The definitions' full shape is checked by the caller (ingest/vcf), wherever they
 * come from.
 */

export const PGX_ALLELE_DEFINITION: RelationType = 'pgx-allele-definition';
/** The concept that holds what a VCF cannot call (attributes: `{genes, version}`). */
export const PGX_NOT_CALLABLE_CONCEPT = 'pgx-not-callable';
/** The prefix of the definitions' knowledge source (`pgx-alleles:pharmcat-<definition version>`). */
export const PGX_SOURCE_PREFIX = 'pgx-alleles:';

export interface PgxAlleleData {
  /** `CLINPGX 2025-11-05-00-25 (PharmCAT 5431bf1)`. */
  readonly version: string;
  readonly source: KgSource;
  /** One per gene file, as stored (checked for gene, positions, alleles, phenotypes and source only). */
  readonly genes: readonly Record<string, unknown>[];
  /** `not-callable.json`'s `genes`. */
  readonly notCallable: readonly unknown[];
  readonly contentHash: string;
}

const dataDir = new URL('../data/pgx-alleles/', import.meta.url);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

function readJson(dir: URL, name: string): Record<string, unknown> {
  const where = `data/pgx-alleles/${name}`;
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
  } catch (e) {
    throw invalid(`not valid JSON: ${(e as Error).message}`, { where });
  }
  if (!isObject(v)) throw invalid('must be an object', { where });
  return v;
}

/** Reads and checks the folder (or `dir`): every gene file from the same PharmCAT commit and definition version. */
export function readPgxAlleleData(dir: URL = dataDir): PgxAlleleData {
  const files = readdirSync(dir)
    .filter((f) => /^[A-Z0-9_-]+\.json$/.test(f))
    .sort();
  if (files.length === 0) throw invalid('no <GENE>.json allele definition', { where: 'data/pgx-alleles' });
  let origin: { commit: string; version: string; definitionSource: string; licence: string } | undefined;
  const genes = files.map((f) => {
    const where = `data/pgx-alleles/${f}`;
    const d = readJson(dir, f);
    if (!text(d.gene) || `${d.gene}.json` !== f)
      throw invalid(`gene must be named as the file`, { where, field: 'gene' });
    for (const field of ['positions', 'alleles'])
      if (!Array.isArray(d[field]) || (d[field] as unknown[]).length === 0)
        throw invalid(`${field} must list at least one`, { where, field });
    if (!isObject(d.phenotypes))
      throw invalid('phenotypes must map functions to phenotypes', { where, field: 'phenotypes' });
    const s = d.source;
    if (!isObject(s) || !text(s.pharmcatCommit) || !text(s.definitionVersion) || !text(s.licence))
      throw invalid('source must name the PharmCAT commit, the definition version and the licence', {
        where,
        field: 'source',
      });
    const here = {
      commit: s.pharmcatCommit,
      version: s.definitionVersion,
      definitionSource: text(s.definitionSource) ? s.definitionSource : 'CLINPGX',
      licence: s.licence,
    };
    origin ??= here;
    if (here.commit !== origin.commit || here.version !== origin.version)
      throw invalid(`made from PharmCAT ${here.commit} (${here.version}), the other genes from ${origin.commit}`, {
        where,
        field: 'source',
      });
    return d;
  });
  const nc = readJson(dir, 'not-callable.json');
  if (!Array.isArray(nc.genes))
    throw invalid('genes must list what a VCF cannot call', {
      where: 'data/pgx-alleles/not-callable.json',
      field: 'genes',
    });
  const o = origin!;
  const version = `${o.definitionSource} ${o.version} (PharmCAT ${o.commit.slice(0, 7)})`;
  const source: KgSource = {
    id: `${PGX_SOURCE_PREFIX}pharmcat-${o.version}`,
    name: 'CPIC / PharmVar star-allele definitions, allele functions and phenotype tables (PharmCAT)',
    document: 'PharmCAT definition/alleles/<GENE>_translation.json and phenotype/<GENE>.json',
    version,
    url: `https://github.com/PharmGKB/PharmCAT/tree/${o.commit}`,
    licence: o.licence,
    note: 'pharmacogenomic allele definitions (data/pgx-alleles, SOURCE.md)',
    shippable: true,
  };
  return {
    version,
    source,
    genes,
    notCallable: nc.genes,
    contentHash: contentHash(JSON.stringify({ v: version, g: genes, n: nc.genes })),
  };
}

/** The definitions as a batch: their source, one `gene` concept and one `pgx-allele-definition` per gene. */
export function pgxAllelesBatch(data: PgxAlleleData = readPgxAlleleData()): BatchData {
  const b = new BatchBuilder();
  b.source(data.source);
  for (const [position, gene] of data.genes.entries()) {
    const name = String(gene.gene);
    const from = b.concept(`${PGX_ALLELE_DEFINITION}:${name}`, 'gene', { en: name });
    b.relation(PGX_ALLELE_DEFINITION, from, undefined, data.source.id, { ...gene, position }, { discriminator: name });
  }
  b.concept(
    PGX_NOT_CALLABLE_CONCEPT,
    'gene',
    { en: 'Pharmacogenes not callable from a VCF', zh: '无法从VCF判读的药物基因' },
    { attrs: { genes: data.notCallable, version: data.version } },
  );
  return b.build({ kind: 'pgx-alleles', contentHash: data.contentHash, path: 'data/pgx-alleles' });
}

/** The definitions a release holds, as the VCF caller takes them (its `definitions` and `notCallable`). */
export interface ReleasePgxAlleles {
  /** `kg-release/<id>`. */
  readonly release: string;
  readonly releaseId: number;
  readonly version: string;
  /** The gene definitions in file order (each relation's attributes without `position`). */
  readonly definitions: readonly Record<string, unknown>[];
  readonly notCallable: readonly unknown[];
}

/** Releases never change once written: cached per database and release id. */
const held = new WeakMap<Sql, Map<number, Promise<ReleasePgxAlleles>>>();

/**
 * The allele definitions of a release (the active one when none is named); undefined when there is no release,
 * or the release was made before the definitions were release content (the caller then reads the bundled files).
 */
export async function activePgxAlleles(sql: Sql, releaseId?: number): Promise<ReleasePgxAlleles | undefined> {
  const kg = new KnowledgeGraph(sql);
  let resolved: { releaseId: number; batchIds: number[] };
  try {
    resolved = await kg.resolveRelease(releaseId);
  } catch (e) {
    if ((e as { code?: string }).code === 'not-found' && releaseId === undefined) return undefined;
    throw e;
  }
  const { releaseId: id, batchIds } = resolved;
  const has = await sql.query("select 1 from kg_batch where id = any($1) and kind = 'pgx-alleles' limit 1", [batchIds]);
  if (!has.rows.length) return undefined;
  const perDb = held.get(sql) ?? new Map<number, Promise<ReleasePgxAlleles>>();
  held.set(sql, perDb);
  let found = perDb.get(id);
  if (!found) {
    found = (async () => {
      const [relations, notCallable] = await Promise.all([
        kg.relationsOfType(PGX_ALLELE_DEFINITION, { release: id }),
        kg.concept(PGX_NOT_CALLABLE_CONCEPT, { release: id }),
      ]);
      const definitions = relations
        .filter((r) => !r.retracted)
        .map((r) => r.attrs as Record<string, unknown>)
        .sort((a, b) => Number(a.position) - Number(b.position))
        .map(({ position: _position, ...d }) => d);
      return {
        release: `kg-release/${id}`,
        releaseId: id,
        version: String(notCallable?.attrs.version ?? `kg-release/${id}`),
        definitions,
        notCallable: Array.isArray(notCallable?.attrs.genes) ? notCallable.attrs.genes : [],
      };
    })();
    perDb.set(id, found);
    found.catch(() => perDb.delete(id));
  }
  return found;
}
