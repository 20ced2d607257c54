export { openDatabase, restoreDataDir, type Database, type OpenOptions } from './database.js';
export { type DataDirLock, type LockHolder, lockDataDir, lockPath } from './lock.js';
export { loadMigrations, migrate, type Migration } from './migrate.js';
export { createResourceRepository, resourceSink, toStored } from './resources.js';
export { type CopySink, type CopySinkOptions, FRESH_LOAD_AFTER, openCopySink } from './copy.js';
export {
  beginFreshLoad,
  FRESH_LOAD_MAX_STORED,
  type FreshLoad,
  type FreshLoadState,
  recoverFreshLoad,
} from './fresh-load.js';
export {
  deindexForSearch,
  fhirDateRange,
  indexForSearch,
  patientIdFromReference,
  refreshSearchIndex,
} from './resource-index.js';
export { MAX_INCLUDED, runFhirSearch, type SearchOutcome } from './search/execute.js';
export { normalizeText, parseReference } from './search/extract.js';
export type * from './search/query.js';
export { type SearchParamDef, type SearchParamType, searchParameterOf, searchParametersOf } from './search/registry.js';
export type {
  FhirResource,
  PutOutcome,
  PutResult,
  ReadOptions,
  ResourceRepository,
  SearchQuery,
  SearchResult,
  StoredResource,
} from './resource-store.js';
