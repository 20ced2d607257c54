import type { Fact, Sql } from '../../core/index.js';
import { isCurrentNote, loadNoteFacts, type NoteText, noteText } from '../../fusion/index.js';
import type { AppContext } from '../context.js';

/** The patient's current notes (not deleted, not superseded or entered in error), as stored. */
export async function currentNoteEntries(ctx: Pick<AppContext, 'resources'>, patientId: string) {
  const docs = await ctx.resources.search('DocumentReference', { patient: patientId, count: 1000 });
  return docs.entries.filter((d) => !d.deleted && isCurrentNote(d.resource as never));
}

/** The current notes' texts; a note that cannot be decoded is left out (GET /:id/notes lists it with the reason). */
export async function currentNoteTexts(ctx: Pick<AppContext, 'resources'>, patientId: string): Promise<NoteText[]> {
  return (await currentNoteEntries(ctx, patientId)).flatMap((d) => {
    try {
      const note = noteText(d.resource as never);
      return note ? [note] : [];
    } catch {
      return [];
    }
  });
}

/** Every fact stored for the current notes' versions: each mention, where the fused record keeps one per thing. */
export async function currentNoteFacts(
  ctx: Pick<AppContext, 'resources'> & { db: Sql },
  patientId: string,
): Promise<Fact[]> {
  const current = await currentNoteEntries(ctx, patientId);
  return loadNoteFacts(
    ctx.db,
    patientId,
    current.map((d) => ({ documentId: d.id, versionId: String(d.versionId) })),
  );
}
