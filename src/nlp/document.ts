import type { DocumentReference } from 'fhir/r4.js';
import { MedSeekError } from '../core/index.js';
import { type ExtractOptions, type Extraction, extractFacts } from './extract.js';
import { decodeText } from './text-guard.js';

/** The text of a note and what is known about it, read from a FHIR DocumentReference. */
export interface NoteText {
  readonly text: string;
  /** `DocumentReference/<id>`: the key the facts' TextSources point at. */
  readonly document: string;
  readonly patientId?: string;
  /** The note's date (DocumentReference.date, else context.period.start). */
  readonly anchorDate?: string;
  readonly lang?: 'zh' | 'en';
}

/**
 * Reads the first plain-text attachment of a DocumentReference (inline `data`, base64; UTF-8 or no
 * charset). Refuses, with the element named, a note without inline text, another charset, or
 * bytes that are not UTF-8. A URL-only attachment is `unsupported`: fetch it first.
 * @see https://hl7.org/fhir/R4/documentreference.html
 */
export function noteFromDocumentReference(doc: DocumentReference): NoteText {
  const document = `DocumentReference/${doc.id ?? ''}`;
  const contents = doc.content ?? [];
  const index = contents.findIndex(
    (c) => c.attachment?.data && /^text\/plain\b/i.test(c.attachment.contentType ?? 'text/plain'),
  );
  if (index < 0) {
    const hasUrl = contents.some((c) => c.attachment?.url);
    throw new MedSeekError(
      hasUrl ? 'unsupported' : 'invalid',
      hasUrl ? 'the note text is only referenced by URL; fetch it first' : 'no inline text/plain attachment',
      {
        entry: document,
        field: 'DocumentReference.content.attachment.data',
      },
    );
  }
  const attachment = contents[index]!.attachment;
  const field = `DocumentReference.content[${index}].attachment`;
  const charset = /charset=([^;\s]+)/i.exec(attachment.contentType ?? '')?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8')
    throw new MedSeekError('encoding', `charset ${charset} is not supported; send UTF-8`, {
      entry: document,
      field: `${field}.contentType`,
    });
  const bytes = Buffer.from(attachment.data!, 'base64');
  const text = decodeText(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), `${document} ${field}.data`);
  const subject = doc.subject?.reference;
  const patientId = subject?.startsWith('Patient/') ? subject.slice('Patient/'.length) : undefined;
  const anchorDate = doc.date ?? doc.context?.period?.start;
  const lang = attachment.language?.toLowerCase().startsWith('zh')
    ? 'zh'
    : attachment.language?.toLowerCase().startsWith('en')
      ? 'en'
      : undefined;
  return {
    text,
    document,
    ...(patientId ? { patientId } : {}),
    ...(anchorDate ? { anchorDate } : {}),
    ...(lang ? { lang } : {}),
  };
}

/** Facts from a DocumentReference's text, each with a TextSource pointing at `DocumentReference/<id>`. */
export function extractDocumentReference(
  doc: DocumentReference,
  options: Omit<ExtractOptions, 'document'> = {},
): Extraction & { note: NoteText } {
  const note = noteFromDocumentReference(doc);
  const result = extractFacts(note.text, {
    ...(note.lang ? { lang: note.lang } : {}),
    ...(note.patientId ? { patientId: note.patientId } : {}),
    ...(note.anchorDate ? { anchorDate: note.anchorDate } : {}),
    ...options,
    document: note.document,
  });
  return { ...result, note };
}
