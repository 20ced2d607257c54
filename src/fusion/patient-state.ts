import type { PatientState, Sql } from '../core/index.js';
import { notFound } from '../core/index.js';
import type { ResourceRepository } from '../store/index.js';
import { defaultCrosswalk } from './crosswalk.js';
import type { AnyResource } from './fhir.js';
import { type FuseOptions, fuse } from './fuse.js';
import { isCurrentNote } from './note-text.js';
import { type ExtractOptions, extractPatientNotes, loadNoteFacts } from './note-store.js';

export interface BuildOptions extends FuseOptions {
  /**
   * Extract notes that have not been read yet before building (default true). Already-read note
   * versions are never read again here; `extractPatientNotes` with `force` does that.
   */
  readonly extractMissing?: boolean;
  readonly extraction?: Omit<ExtractOptions, 'resources' | 'force'>;
}

/**
 * The PatientState of a stored patient: its resources from the repository, its notes' stored facts
 * (current versions only), fused at `at` (default now) or at the end of `encounterId`. Concepts are
 * matched across code systems with `options.crosswalk` (default: the NLP built-in lexicon's).
 * Throws not-found when the store holds nothing for the patient.
 */
export async function buildPatientState(
  sql: Sql,
  repo: Pick<ResourceRepository, 'everything'>,
  patientId: string,
  options: BuildOptions = {},
): Promise<PatientState> {
  const stored = (await repo.everything(patientId)).filter((s) => !s.deleted);
  const resources = stored.map((s) => s.resource as AnyResource);
  const patient = resources.find((r) => r.resourceType === 'Patient' && r.id === patientId);
  if (!patient && !resources.length) throw notFound(`no patient '${patientId}' in the store`, { field: 'patientId' });
  if (options.extractMissing !== false)
    await extractPatientNotes(sql, repo, patientId, { ...options.extraction, resources });
  const versions = resources
    .filter((r) => r.resourceType === 'DocumentReference' && r.id && isCurrentNote(r))
    .map((r) => ({ documentId: r.id!, versionId: r.meta?.versionId ?? '1' }));
  const noteFacts = await loadNoteFacts(sql, patientId, versions);
  return fuse(patient ?? patientId, resources, noteFacts, { crosswalk: defaultCrosswalk(), ...options });
}
