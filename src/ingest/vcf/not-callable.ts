import { readFileSync } from 'node:fs';

/** A gene or allele the rules read that a small-variant VCF cannot call, and why (pgx-alleles/not-callable.json). */
export interface NotCallable {
  readonly gene: string;
  readonly reason: string;
  readonly source: string;
}

export const NOT_CALLABLE: readonly NotCallable[] = (
  JSON.parse(readFileSync(new URL('../../knowledge/data/pgx-alleles/not-callable.json', import.meta.url), 'utf8')) as {
    genes: NotCallable[];
  }
).genes;
