import type { QcDocument, QcPerson, Title } from '../../model.js';

/**
 * Helpers for the forms-dev2 records: synthetic inpatient stays written for MedSeek's tests (no real
 * patient), each in the form another hospital's EMR prints. Times are Asia/Shanghai (+08:00).
 */
export const at = (day: string, hm: string) => `${day}T${hm}:00+08:00`;

export const physician = (id: string, name: string, title: Title): QcPerson & { role: string } => ({
  id,
  name,
  title,
  role: 'physician',
});

/** A document written and signed by `author` (and `cosigners`), recorded and completed at the times given. */
export function note(
  id: string,
  type: QcDocument['type'],
  author: QcPerson,
  recordedAt: string,
  completedAt: string,
  text: string,
  extra: Partial<QcDocument> & { cosigners?: readonly QcPerson[] } = {},
): QcDocument {
  const { cosigners = [], ...rest } = extra;
  return {
    id,
    type,
    ref: `DocumentReference/${id}`,
    recordedAt,
    completedAt,
    author,
    signatures: [author, ...cosigners].map((p) => ({ ...p, at: completedAt })),
    text,
    ...rest,
  };
}
