import type { Sql } from '../core/index.js';

/**
 * The FHIR resource store's contract (implemented in `resources.ts`): resources as JSONB with
 * versions and history, idempotent puts, and the search the FHIR API needs.
 * `FhirResource` is any FHIR R4 resource object (validated by ingest before it arrives here).
 */
export type FhirResource = {
  readonly resourceType: string;
  readonly id?: string;
  readonly meta?: { versionId?: string; lastUpdated?: string };
} & Record<string, unknown>;

export interface StoredResource {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: number;
  readonly lastUpdated: string;
  /** Patient the resource belongs to (`Patient.id`), for compartment search and audit. */
  readonly patientId?: string;
  readonly deleted: boolean;
  /** The resource with `meta.versionId` and `meta.lastUpdated` set. */
  readonly resource: FhirResource;
}

export type PutOutcome = 'created' | 'updated' | 'unchanged';

export interface SearchQuery {
  readonly patient?: string;
  readonly ids?: readonly string[];
  /** `system|code`, `code` or `|code`; any of them matches. */
  readonly codes?: readonly string[];
  /** FHIR date prefixes: `ge2020-01-01`, `lt2021`, `eq2020-05`. */
  readonly date?: readonly string[];
  readonly lastUpdated?: readonly string[];
  /** `system|value` of an identifier; any of them matches. */
  readonly identifiers?: readonly string[];
  readonly count?: number;
  readonly offset?: number;
  readonly sort?: '_lastUpdated' | '-_lastUpdated' | 'date' | '-date';
}

export interface SearchResult {
  readonly total: number;
  readonly entries: readonly StoredResource[];
}

export interface PutResult {
  readonly outcome: PutOutcome;
  readonly stored: StoredResource;
}

export interface ReadOptions {
  readonly tx?: Sql;
  readonly lock?: boolean;
}

export interface ResourceRepository {
  /** Creates or updates by `resourceType/id`; unchanged content creates no new version. */
  put(resource: FhirResource, tx?: Sql): Promise<PutResult>;
  /**
   * `put` for many resources in a few statements (imports). Results are in input order. All or
   * nothing when `tx` is a transaction (or when the batch fits one statement). Every resource must
   * have an id; the same `resourceType/id` twice is refused.
   */
  putMany(resources: readonly FhirResource[], tx?: Sql): Promise<PutResult[]>;
  /** Marks the resource deleted (a new version); `undefined` when there was nothing to delete. */
  delete(resourceType: string, id: string, tx?: Sql): Promise<StoredResource | undefined>;
  /** The id of a live resource of this type carrying any of these identifiers (`system|value`). */
  findByIdentifier(resourceType: string, identifiers: readonly string[], tx?: Sql): Promise<string | undefined>;
  /**
   * The current version; a deleted resource comes back with `deleted: true` (FHIR answers 410).
   * Inside a transaction (`tx`), `lock` holds the row until it ends, so that a version-aware write
   * (`If-Match`) checks and writes the same version.
   */
  read(resourceType: string, id: string, options?: ReadOptions): Promise<StoredResource | undefined>;
  vread(resourceType: string, id: string, versionId: number): Promise<StoredResource | undefined>;
  /** Every version, newest first. */
  history(resourceType: string, id: string): Promise<StoredResource[]>;
  /** `tx`: search inside a transaction (a conditional write sees its own transaction's writes). */
  search(resourceType: string, query: SearchQuery, tx?: Sql): Promise<SearchResult>;
  /** The patient and every resource in its compartment. */
  everything(patientId: string): Promise<StoredResource[]>;
}
