import { readdirSync, readFileSync } from 'node:fs';
import { MedSeekError } from '../../core/index.js';

/**
 * CPIC / PharmVar star-allele definitions and CPIC phenotype tables, as data
 * (src/knowledge/data/pgx-alleles, built from PharmCAT's definition files; see its SOURCE.md).
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

const DATA_DIR = new URL('../../knowledge/data/pgx-alleles/', import.meta.url);
let cached: readonly GeneDefinition[] | undefined;

/** Every gene definition in the data folder (one `<GENE>.json` each), read once. */
export function geneDefinitions(): readonly GeneDefinition[] {
  if (cached) return cached;
  const files = readdirSync(DATA_DIR).filter((f) => /^[A-Z0-9_-]+\.json$/.test(f));
  cached = files.map((f) => {
    const d = JSON.parse(readFileSync(new URL(f, DATA_DIR), 'utf8')) as GeneDefinition;
    if (!d.gene || !Array.isArray(d.positions) || !Array.isArray(d.alleles))
      throw new MedSeekError('invalid', `allele definition ${f} lacks gene, positions or alleles`, { field: f });
    return d;
  });
  return cached;
}

/** Chromosome names compared without a `chr` prefix (`chr10` and `10` are the same). */
export const chromKey = (c: string): string => c.replace(/^chr/i, '').toUpperCase();
