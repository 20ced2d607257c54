/** VCF → CPIC star alleles, diplotypes and phenotypes → FHIR Genomics Reporting IG Observations. */
export { type CallStatus, callGene, type GeneCall, phenotypeOf, type SampleGenotype } from './caller.js';
export {
  bundledPgxDefinitions,
  chromKey,
  type GeneDefinition,
  geneDefinitions,
  geneDefinitionsFrom,
  type NamedAllele,
  type PgxDefinitions,
  pgxDefinitionsFrom,
} from './definitions.js';
export { NOT_CALLABLE, type NotCallable } from './not-callable.js';
export { readVcf, type VcfRead, type VcfReadOptions } from './reader.js';
export { callVcf, type VcfCalls } from './call-vcf.js';
export { genomicResources, type GenomicResourcesOptions } from './fhir.js';
export {
  importVcfFile,
  isVcfFile,
  type VcfImportOptions,
  type VcfImportSummary,
  vcfTextSummary,
} from './import-file.js';
