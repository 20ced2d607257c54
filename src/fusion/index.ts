/**
 * Fusion: FHIR resources and note facts → the PatientState the reasoners read (phenotype,
 * intervention, biology; one timeline; de-duplicated, with conflicts flagged). Other stages import
 * only this file.
 * - `fuse(patient, resources, noteFacts, { at, encounterId, crosswalk })` — pure.
 * - `stateFromPrefetch({ prefetch, patientId, draftOrders })`, `stateFromBundle(bundle)` — pure.
 * - `stateForRules({ prefetch, patientId, draftOrders }, { at, cache })` — what the safety rules read, per patient.
 * - `buildPatientState(sql, repo, patientId, { at, encounterId })` — from the store.
 * - `extractPatientNotes(sql, repo, patientId)`, `extractPendingNotes(sql, repo)` — notes → stored facts.
 * - `resourceToFacts(resource, ctx)` — one resource's facts.
 * - `medicationCourses(facts, { window, at })` — medication reconciliation: one course per drug (also `state.medications`).
 */
export {
  allergenName,
  analyteName,
  codeKeys,
  compatibleCategories,
  drugName,
  foldName,
  nameKeys,
  sameConcept,
} from './concept-match.js';
export { Crosswalk, defaultCrosswalk } from './crosswalk.js';
export { ageAt, demographicsOf } from './demographics.js';
export { dosageOf, frequencyCode, normaliseRoute, strengthOf } from './dosage.js';
export { type AnyResource, conceptOf, normaliseSystem, normaliseUnit, quantityOf, referenceId } from './fhir.js';
export { type FuseOptions, fuse } from './fuse.js';
export { RuleStateCache, type RuleStateInput, type RuleStateOptions, stateForRules } from './fuse-for-rules.js';
export { type Genotype, genotypeOf, mergeGenotypes } from './genotype.js';
export { type MapContext, spaceOf } from './map-context.js';
export { encounterEvent } from './encounter.js';
export { mappedResourceTypes, resourceToFacts } from './map-resource.js';
export { hasDischargeOrders, type MedicationCourseOptions, medicationCourses } from './medication-courses.js';
export { normalisePhenotype } from './map-observation.js';
export {
  defaultExtractor,
  defaultExtractorName,
  type ExtractOptions,
  type ExtractReport,
  extractPatientNotes,
  extractPendingNotes,
  loadNoteFacts,
  nlpExtractor,
  releaseExtractor,
  type NoteExtractor,
  type NoteOutcome,
  type PendingReport,
  noteExtractions,
} from './note-store.js';
export { decodeAttachment, detectLang, isCurrentNote, type NoteText, noteDate, noteText } from './note-text.js';
export { type BuildOptions, buildPatientState } from './patient-state.js';
export { matchesPatientQuery, type PatientSummary, patientSummary } from './patient-summary.js';
export { bundleResources, type PrefetchInput, stateFromBundle, stateFromPrefetch } from './prefetch.js';
export { sameQuantity } from './quantity.js';
export { type DatedFact, mergeInto, type Reconciled, reconcile } from './reconcile.js';
export { buildTimeline } from './timeline.js';
