/**
 * The knowledge graph: concepts and typed relations with their sources, in numbered releases;
 * importers, queries and the CDS starter rules. Other stages import only this file.
 */
export {
  type CdsDrug,
  type CdsDrugClass,
  type CdsRules,
  type CdsSource,
  type CriticalAnalyte,
  type CriticalProcessRule,
  type CriticalThreshold,
  type DdiSeverity,
  type DrugInteractionRule,
  type DrugSet,
  type InteractionDisplay,
  type PgxAction,
  type PgxVerdictCard,
  type PgxRecommendation,
  type PgxRule,
  type QualitativeCriticalValue,
  type QualitativeResultWords,
  type RenalAction,
  type RenalBand,
  type RenalFunctionMeasure,
  type RenalRule,
  type Synonyms,
  allergyCrossReactivity,
  cdsAuthority,
  cdsRules,
  drugsInSet,
  findCdsDrug,
  interactionPairs,
  interactionsBetween,
  loadCdsRules,
  renalBandContains,
  thresholdBreached,
} from './cds-rules.js';
export {
  type AllergenMention,
  type AllergyClass,
  type AllergyClasses,
  type AllergyDrug,
  allergyClasses,
  allergyDrugsByAtc,
  classesOfDrug,
  type CrossReactivity,
  findAllergens,
  loadAllergyClasses,
} from './allergy-classes.js';
export { type BatchData, BatchBuilder, normalizeTerm } from './batch.js';
export { type CurationEdit, type CurationRecord, curate, curationHistory } from './curation.js';
export {
  BROAD_LABEL,
  type BroadBuildResult,
  broadReleaseBatches,
  buildBroadRelease,
  type ReleaseReport,
  releaseReport,
} from './broad-release.js';
export {
  ensureStartingRelease,
  parseStartingRelease,
  STARTING_RELEASES,
  type StartingRelease,
  type StartingReleaseResult,
} from './default-release.js';
export { ensureDemoRelease } from './demo.js';
export { lexiconSnapshot } from './lexicon-snapshot.js';
export { type ImportOptions, type ImportResult, importBatch, importKnowledge, readBatch } from './import.js';
export { cdsBatch } from './importers/cds.js';
export {
  compileQcPatterns,
  parseQcHeadings,
  parseQcRule,
  QC_CATEGORIES,
  QC_HEADINGS_CONCEPT,
  type QcDocumentKind,
  type QcHeading,
  type QcHeadings,
  qcBatch,
  type QcData,
  qcKgSource,
  type QcRuleSpec,
  type QcSectionList,
  type QcSourceData,
  type QcSourceRef,
  readQcData,
} from './importers/qc.js';
export {
  FOLLOWUP_RULE,
  FOLLOWUP_SOURCE_PREFIX,
  FOLLOWUP_SYMPTOMS_CONCEPT,
  type FollowUpData,
  type FollowUpSourceData,
  followupBatch,
  followupKgSource,
  READING_RULE,
  readFollowUpData,
} from './importers/followup.js';
export {
  activePgxAlleles,
  PGX_ALLELE_DEFINITION,
  PGX_NOT_CALLABLE_CONCEPT,
  type PgxAlleleData,
  pgxAllelesBatch,
  type ReleasePgxAlleles,
  readPgxAlleleData,
} from './importers/pgx-alleles.js';
export { CROSSWALK_SOURCE, crosswalkBatch } from './importers/crosswalk.js';
export { HEALTH39_SOURCE, parseHealth39, parseXywy, XYWY_SOURCE } from './importers/chinese-kg.js';
export { DDXPLUS_SOURCE, parseDdxplus } from './importers/ddxplus.js';
export { bundledDdxplusNames, type DdxplusNames } from './importers/ddxplus-names.js';
export { ICD10CN_SOURCE, ICD9CM3_SOURCE, parseIcd10cn, parseIcd9cm3 } from './importers/icd.js';
export { parseLocalCsv, parseLocalJson } from './importers/local.js';
export {
  CONCEPT_TYPES,
  type ConceptType,
  conceptName,
  IMPORT_KINDS,
  type ImportKind,
  type KgCode,
  type KgConcept,
  type KgRelation,
  type KgSource,
  type KgTerm,
  RELATION_TYPES,
  type RelationType,
  type ReleaseInfo,
  type TermKind,
} from './model.js';
export {
  assembleCausalNetwork,
  type CausalNetwork,
  conceptIdsOf,
  type ConceptMatch,
  type DrugPairInfo,
  type DrugSide,
  type KgPath,
  KnowledgeGraph,
  type Neighbour,
  type ReleaseOption,
} from './queries.js';
export {
  ACTIVE_RELEASE_SETTING,
  activateRelease,
  activeReleaseId,
  listReleases,
  type ProgressFn,
  releaseWithBatch,
} from './releases.js';
export { knowledgeSource } from './provenance.js';
