import { pathToFileURL } from 'node:url';
import type { Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { BatchData } from './batch.js';
import { loadCdsRules } from './cds-rules.js';
import { cdsBatch } from './importers/cds.js';
import { readHealth39, readXywy } from './importers/chinese-kg.js';
import { readDdxplus } from './importers/ddxplus.js';
import { readDoid } from './importers/doid.js';
import { readHpo } from './importers/hpo.js';
import { readIcd10cn, readIcd9cm3 } from './importers/icd.js';
import { readLocal } from './importers/local.js';
import { qcBatch, readQcData } from './importers/qc.js';
import { IMPORT_KINDS, type ImportKind } from './model.js';
import { type CreateReleaseOptions, type ProgressFn, releaseWithBatch, writeBatch } from './releases.js';

/**
 * Reads the input of one kind into a batch (no database). `cds` and `qc` with no path read the bundled
 * rules; `hpo` and `doid` with no path the bundled `data/hpo` and `data/doid`.
 */
export function readBatch(kind: ImportKind, path: string | undefined): BatchData {
  if (kind === 'cds') return cdsBatch(path ? loadCdsRules(path) : undefined);
  if (kind === 'qc')
    return qcBatch(path ? readQcData(pathToFileURL(path.endsWith('/') ? path : `${path}/`)) : undefined);
  if (kind === 'hpo') return readHpo(path);
  if (kind === 'doid') return readDoid(path);
  if (!path) throw invalid(`a path is required for '${kind}'`, { field: 'path' });
  switch (kind) {
    case 'ddxplus':
      return readDdxplus(path);
    case 'icd10cn':
      return readIcd10cn(path);
    case 'icd9cm3':
      return readIcd9cm3(path);
    case 'xywy':
      return readXywy(path);
    case '39health':
      return readHealth39(path);
    case 'local':
      return readLocal(path);
    default:
      throw invalid(`unknown import kind '${kind}'; known: ${IMPORT_KINDS.join(', ')}`, { field: 'kind' });
  }
}

export interface ImportOptions extends CreateReleaseOptions {
  readonly progress?: ProgressFn;
}

export interface ImportResult {
  readonly kind: ImportKind;
  readonly batchId: number;
  readonly releaseId: number;
  /** false when the same content was already imported (the batch was reused). */
  readonly batchCreated: boolean;
  /** false when a release with exactly these batches existed (returned instead). */
  readonly releaseCreated: boolean;
  readonly counts: { readonly concepts: number; readonly relations: number };
}

/**
 * Imports one input: stores its batch (unless already stored) and makes the release
 * `base + batch` (base: the active release unless given). Idempotent: importing the same file
 * twice gives the same batch and the same release.
 */
export async function importBatch(sql: Sql, batch: BatchData, options: ImportOptions = {}): Promise<ImportResult> {
  const written = await writeBatch(sql, batch, options.progress);
  const release = await releaseWithBatch(sql, written.batchId, options);
  return {
    kind: batch.kind,
    batchId: written.batchId,
    releaseId: release.releaseId,
    batchCreated: written.created,
    releaseCreated: release.created,
    counts: { concepts: batch.concepts.length, relations: batch.relations.length },
  };
}

export async function importKnowledge(
  sql: Sql,
  kind: string,
  path: string | undefined,
  options: ImportOptions = {},
): Promise<ImportResult> {
  if (!IMPORT_KINDS.includes(kind as ImportKind))
    throw invalid(`unknown import kind '${kind}'; known: ${IMPORT_KINDS.join(', ')}`, { field: 'kind' });
  return importBatch(sql, readBatch(kind as ImportKind, path), options);
}
