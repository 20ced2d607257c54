export { openDatabase, restoreDataDir, type Database, type OpenOptions } from './database.js';
export { type DataDirLock, type LockHolder, lockDataDir, lockPath } from './lock.js';
export { loadMigrations, migrate, type Migration } from './migrate.js';
export { createResourceRepository, resourceSink } from './resources.js';
export { fhirDateRange, patientIdFromReference } from './resource-index.js';
export type {
  FhirResource,
  PutOutcome,
  PutResult,
  ResourceRepository,
  SearchQuery,
  SearchResult,
  StoredResource,
} from './resource-store.js';
