/**
 * ingest: FHIR R4 JSON bundles and Bulk Data NDJSON into a sink (the CLI and server compose it
 * with the store), streaming, idempotent, transactions all or nothing, errors naming entry and field.
 */
export { demoBundlePaths, demoDir } from './demo.js';
export { detectFormat, emptySummary, importPath } from './importer.js';
export { FHIR_ID, R4_RESOURCE_TYPES } from './resource-types.js';
export type {
  FhirResource,
  ImportOptions,
  ImportProgress,
  ImportSummary,
  IngestIssue,
  IngestSink,
  TypeCounts,
  WriteOutcome,
} from './types.js';
export {
  type FhirIssue,
  loadDefinitions,
  type ValidateOptions,
  validateResource,
  validationError,
  validationErrors,
} from './validation/index.js';
export {
  HL7_SUPPORTED_MESSAGES,
  type Hl7ImportSummary,
  type Hl7Listener,
  type Hl7ListenerOptions,
  type Hl7Options,
  type Hl7Outcome,
  type Hl7Store,
  hl7FilesIn,
  importHl7File,
  isHl7File,
  looksLikeHl7,
  processMessage,
  startHl7Listener,
} from './hl7/index.js';
export {
  checkPacsPatientId,
  checkUid,
  DicomWebClient,
  dicomWebClient,
  type ImagingPullSummary,
  imagingTextSummary,
  KEY_IMAGE_TITLE,
  pacsPatientId,
  type PacsSettings,
  pacsSettings,
  pullImaging,
  viewerLink,
} from './dicomweb/index.js';
export {
  bundledPgxDefinitions,
  type GeneCall,
  callVcf,
  type PgxDefinitions,
  pgxDefinitionsFrom,
  importVcfFile,
  isVcfFile,
  type VcfCalls,
  type VcfImportOptions,
  type VcfImportSummary,
  vcfTextSummary,
} from './vcf/index.js';
