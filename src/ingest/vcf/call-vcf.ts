import { callGene, type GeneCall } from './caller.js';
import { type GeneDefinition, geneDefinitions } from './definitions.js';
import { NOT_CALLABLE, type NotCallable } from './not-callable.js';
import { readVcf, type VcfRead, type VcfReadOptions } from './reader.js';

export interface VcfCalls {
  readonly read: Omit<VcfRead, 'genotypes'>;
  /** One per defined gene, in definition-file order. */
  readonly calls: readonly GeneCall[];
  readonly notCallable: readonly NotCallable[];
}

/** Reads a VCF and calls every gene with an allele definition; lists what a VCF cannot call. */
export async function callVcf(
  path: string,
  options: VcfReadOptions & { readonly definitions?: readonly GeneDefinition[] } = {},
): Promise<VcfCalls> {
  const defs = options.definitions ?? geneDefinitions();
  const { genotypes, ...read } = await readVcf(path, defs, options);
  const calls = defs.map((d) => callGene(d, genotypes.get(d.gene) ?? new Map()));
  return { read, calls, notCallable: NOT_CALLABLE };
}
