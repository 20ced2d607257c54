import type { ErrorCode } from '../core/index.js';

/** Any FHIR R4 resource as parsed JSON (checked by ingest before it reaches a sink). */
export type FhirResource = {
  readonly resourceType: string;
  readonly id?: string;
  readonly meta?: { versionId?: string; lastUpdated?: string };
} & Record<string, unknown>;

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Where ingest writes. Ingest imports only core, so the CLI (or the server) composes this with the
 * store: `write` puts resources that all carry ids and resolved references.
 */
export interface IngestSink {
  /**
   * Writes resources; outcomes in input order. `atomic`: all or nothing (a transaction bundle, in
   * one database transaction). Otherwise a failure may still have written some: ingest then retries
   * one by one to find the culprit.
   */
  write(resources: readonly FhirResource[], options: { readonly atomic: boolean }): Promise<readonly WriteOutcome[]>;
  /** The id of a stored resource of this type with any of these identifiers (`system|value`). */
  findByIdentifier?(resourceType: string, identifiers: readonly string[]): Promise<string | undefined>;
}

/** One problem found while importing, naming the file, the entry and the field. */
export interface IngestIssue {
  readonly code: ErrorCode;
  readonly message: string;
  readonly file?: string;
  /** `Bundle.entry[3]`, `line 17`, `byte 1024`. */
  readonly where?: string;
  /** The entry's fullUrl or `Type/id`. */
  readonly entry?: string;
  /** FHIRPath-style element, e.g. `Observation.subject.reference`. */
  readonly field?: string;
}

export interface TypeCounts {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportSummary extends TypeCounts {
  files: number;
  /** Files in a directory that are not FHIR JSON or NDJSON by name. */
  skippedFiles: number;
  byType: Record<string, TypeCounts>;
  errors: IngestIssue[];
  /** Errors beyond `maxErrors` that were counted but not listed. */
  errorsOmitted: number;
}

export interface ImportProgress {
  readonly file: string;
  /** Bytes read of this file and of every file of the import so far. */
  readonly fileBytes: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly resources: number;
}

export interface ImportOptions {
  /** Largest single resource (NDJSON line or bundle entry), bytes. Default 16 MiB. */
  readonly maxResourceBytes?: number;
  /** Largest bundle file, bytes. Default 1 GiB. */
  readonly maxBundleBytes?: number;
  /** Bundles larger than this are parsed as a stream (stream-json) instead of at once. Default 64 MiB. */
  readonly streamBundleBytes?: number;
  /** Resources per write for NDJSON and non-transaction bundles. Default 500. */
  readonly batchSize?: number;
  /**
   * Non-atomic writes in flight at once (NDJSON, batch and collection bundles). Default 2: on
   * PostgreSQL two connections write at once (bench/ingest: ~1.6× the rate of one on 74k
   * resources); PGlite runs them one after the other. A transaction bundle is always one write.
   * A file's resources are unique, so concurrent writes never touch the same resource; outcomes
   * may then reach the sink's caller out of file order.
   */
  readonly concurrency?: number;
  /** Errors listed in the summary; the rest are counted. Default 1000. */
  readonly maxErrors?: number;
  readonly onProgress?: (p: ImportProgress) => void;
}
