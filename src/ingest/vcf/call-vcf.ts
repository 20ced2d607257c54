import { callGene, type GeneCall } from './caller.js';
import { bundledPgxDefinitions, type PgxDefinitions } from './definitions.js';
import type { NotCallable } from './not-callable.js';
import { readVcf, type VcfRead, type VcfReadOptions } from './reader.js';

export interface VcfCalls {
  readonly read: Omit<VcfRead, 'genotypes'>;
  /** One per defined gene, in definition-file order. */
  readonly calls: readonly GeneCall[];
  readonly notCallable: readonly NotCallable[];
  /** Where the definitions came from (a knowledge release, or the bundled files). */
  readonly definitionsOrigin: string;
}

/**
 * Reads a VCF and calls every gene with an allele definition; lists what a VCF cannot call. `definitions`:
 * the active knowledge release's (`pgxDefinitionsFrom`); default the bundled files (no release at hand).
 */
export async function callVcf(
  path: string,
  options: VcfReadOptions & { readonly definitions?: PgxDefinitions } = {},
): Promise<VcfCalls> {
  const { definitions: defs, notCallable, origin } = options.definitions ?? bundledPgxDefinitions();
  const { genotypes, ...read } = await readVcf(path, defs, options);
  const calls = defs.map((d) => callGene(d, genotypes.get(d.gene) ?? new Map()));
  return { read, calls, notCallable, definitionsOrigin: origin };
}
