import { notFound, type PatientState } from '../../core/index.js';
import { type AnyResource, buildPatientState, isCurrentNote, type NoteText, noteText } from '../../fusion/index.js';
import type { StoredResource } from '../../store/index.js';
import type { AgentServices } from './access.js';

/** One read of a patient's record, shared by the state, the notes and the stays a tool needs. */
export interface PatientRecord {
  readonly patientId: string;
  readonly stored: readonly StoredResource[];
  /** The current (not deleted) resources. */
  readonly resources: readonly AnyResource[];
  readonly patient: AnyResource;
}

export async function readRecord(services: AgentServices, patientId: string): Promise<PatientRecord> {
  const stored = await services.resources.everything(patientId);
  const resources = stored.filter((e) => !e.deleted).map((e) => e.resource as AnyResource);
  const patient = resources.find((r) => r.resourceType === 'Patient' && r.id === patientId);
  if (!patient) throw notFound(`no Patient/${patientId}`, { field: 'patientId' });
  return { patientId, stored, resources, patient };
}

/** The fused state of the record (notes not read yet are extracted first, as the workspace does). */
export function stateOf(
  services: AgentServices,
  record: PatientRecord,
  options: { at?: string | undefined; encounterId?: string | undefined } = {},
): Promise<PatientState> {
  if (options.encounterId) encounterOf(record, options.encounterId);
  return buildPatientState(services.db, { everything: async () => [...record.stored] }, record.patientId, {
    ...(options.at ? { at: options.at } : {}),
    ...(options.encounterId ? { encounterId: options.encounterId } : {}),
  });
}

/** The record's current notes as text; an undecodable note is left out (the workspace lists it with its reason). */
export function notesOf(record: PatientRecord): NoteText[] {
  return record.resources.flatMap((r) => {
    if (r.resourceType !== 'DocumentReference' || !isCurrentNote(r as never)) return [];
    try {
      const note = noteText(r as never);
      return note ? [note] : [];
    } catch {
      return [];
    }
  });
}

/** The Encounter of this record named by the caller, or a refusal naming the field. */
export function encounterOf(record: PatientRecord, encounterId: string, field = 'encounterId'): AnyResource {
  const enc = record.resources.find((r) => r.resourceType === 'Encounter' && r.id === encounterId);
  if (!enc) throw notFound(`Patient/${record.patientId} has no Encounter/${encounterId}`, { field });
  return enc;
}
