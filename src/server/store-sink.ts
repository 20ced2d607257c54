import type { Sql } from '../core/index.js';
import type { FhirResource, PutOutcome, ResourceRepository } from '../store/index.js';

/**
 * Ingest's sink (its `IngestSink`) over the store: atomic writes (a transaction bundle) in one
 * database transaction, others as one batch. Ingest imports only core, so the server composes the two.
 */
export function storeSink(db: Sql, repo: ResourceRepository) {
  return {
    async write(
      resources: readonly FhirResource[],
      options: { readonly atomic: boolean },
    ): Promise<readonly PutOutcome[]> {
      const results = options.atomic
        ? await db.transaction((tx) => repo.putMany(resources, tx))
        : await repo.putMany(resources);
      return results.map((r) => r.outcome);
    },
    findByIdentifier(resourceType: string, identifiers: readonly string[]): Promise<string | undefined> {
      return repo.findByIdentifier(resourceType, identifiers);
    },
  };
}
