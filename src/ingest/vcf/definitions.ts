import { readdirSync, readFileSync } from 'node:fs';
import { MedSeekError } from '../../core/index.js';
import { NOT_CALLABLE, type NotCallable } from './not-callable.js';

/**
 * CPIC / PharmVar star-allele definitions and CPIC phenotype tables, as data: the active knowledge release's
 * (`pgx-allele-definition` relations, knowledge/importers/pgx-alleles.ts; a caller with a database passes them
 * in), or, where no release holds them (a bare CLI, the benchmark, a release made before they were release
 * content), the bundled files they are imported from (src/knowledge/data/pgx-alleles; see its SOURCE.md).
 */
export interface DefinedPosition {
  /** GRCh38 position (1-based, VCF style). */
  readonly position: number;
  readonly rsid: string | null;
  readonly ref: string;
  readonly alts: readonly string[];
}

export interface NamedAllele {
  readonly name: string;
  readonly reference?: boolean;
  /** VCF allele per definition position; `null`: not part of the definition (any allele matches). */
  readonly alleles: readonly (string | null)[];
  readonly function: string | null;
  readonly activity?: string | null;
}

export interface GeneDefinition {
  readonly gene: string;
  readonly chromosome: string;
  readonly genomeBuild: string;
  readonly source: Readonly<Record<string, unknown>>;
  /** How CPIC derives the phenotype: from the two allele functions, or from the summed activity score. */
  readonly phenotypeBy: 'function-pair' | 'activity-score';
  readonly positions: readonly DefinedPosition[];
  readonly alleles: readonly NamedAllele[];
  /** `Decreased function / Normal function` (sorted) or `1.5` → CPIC phenotype. */
  readonly phenotypes: Readonly<Record<string, string>>;
}

/** What the caller works from, and where it came from (named in the genomic report). */
export interface PgxDefinitions {
  readonly definitions: readonly GeneDefinition[];
  readonly notCallable: readonly NotCallable[];
  /** `kg-release/7 (CLINPGX 2025-11-05-00-25 (PharmCAT 5431bf1))` or `bundled data/pgx-alleles`. */
  readonly origin: string;
}

const DATA_DIR = new URL('../../knowledge/data/pgx-alleles/', import.meta.url);
let cached: readonly GeneDefinition[] | undefined;

/** Checks definitions read from anywhere (a release's relations, the files); throws naming the gene and field. */
export function geneDefinitionsFrom(raw: readonly unknown[], where: string): GeneDefinition[] {
  return raw.map((v, i) => {
    const d = v as Partial<GeneDefinition> | null;
    const at = `${where}[${i}]${d?.gene ? ` ${d.gene}` : ''}`;
    if (!d || typeof d.gene !== 'string' || !d.gene)
      throw new MedSeekError('invalid', 'an allele definition must name its gene', { where: at, field: 'gene' });
    for (const field of ['positions', 'alleles'] as const)
      if (!Array.isArray(d[field]) || d[field].length === 0)
        throw new MedSeekError('invalid', `allele definition ${d.gene} lacks ${field}`, { where: at, field });
    if (typeof d.phenotypes !== 'object' || d.phenotypes === null)
      throw new MedSeekError('invalid', `allele definition ${d.gene} lacks its phenotype table`, {
        where: at,
        field: 'phenotypes',
      });
    if (d.phenotypeBy !== 'function-pair' && d.phenotypeBy !== 'activity-score')
      throw new MedSeekError(
        'invalid',
        `allele definition ${d.gene}: phenotypeBy must be function-pair or activity-score`,
        {
          where: at,
          field: 'phenotypeBy',
        },
      );
    const width = (d.positions as readonly DefinedPosition[]).length;
    for (const [j, a] of (d.alleles as readonly NamedAllele[]).entries())
      if (!a || typeof a.name !== 'string' || !Array.isArray(a.alleles) || a.alleles.length !== width)
        throw new MedSeekError(
          'invalid',
          `allele definition ${d.gene}: allele ${j} needs a name and one allele per position`,
          {
            where: at,
            field: `alleles[${j}]`,
          },
        );
    return d as GeneDefinition;
  });
}

/** Every gene definition in the bundled data folder (one `<GENE>.json` each), read once. */
export function geneDefinitions(): readonly GeneDefinition[] {
  if (cached) return cached;
  const files = readdirSync(DATA_DIR)
    .filter((f) => /^[A-Z0-9_-]+\.json$/.test(f))
    .sort();
  cached = geneDefinitionsFrom(
    files.map((f) => JSON.parse(readFileSync(new URL(f, DATA_DIR), 'utf8'))),
    'data/pgx-alleles',
  );
  return cached;
}

/** The bundled files as the caller's input: the fallback where no knowledge release holds the definitions. */
export function bundledPgxDefinitions(): PgxDefinitions {
  return { definitions: geneDefinitions(), notCallable: NOT_CALLABLE, origin: 'bundled data/pgx-alleles' };
}

/** A release's definitions (knowledge's `activePgxAlleles`) as the caller's input, checked. */
export function pgxDefinitionsFrom(release: {
  readonly release: string;
  readonly version: string;
  readonly definitions: readonly unknown[];
  readonly notCallable: readonly unknown[];
}): PgxDefinitions {
  const where = `${release.release} pgx-allele-definition`;
  const notCallable = release.notCallable.map((x, i) => {
    const n = x as Partial<NotCallable> | null;
    if (!n || typeof n.gene !== 'string' || typeof n.reason !== 'string' || typeof n.source !== 'string')
      throw new MedSeekError('invalid', 'a not-callable entry needs gene, reason and source', {
        where: `${release.release} pgx-not-callable[${i}]`,
      });
    return n as NotCallable;
  });
  return {
    definitions: geneDefinitionsFrom(release.definitions, where),
    notCallable,
    origin: `${release.release} (${release.version})`,
  };
}

/** Chromosome names compared without a `chr` prefix (`chr10` and `10` are the same). */
export const chromKey = (c: string): string => c.replace(/^chr/i, '').toUpperCase();
