import type { Attachment, DocumentReference } from 'fhir/r4.js';
import type { Lang } from '../core/index.js';
import { MedSeekError } from '../core/index.js';
import { checkText } from '../nlp/index.js';
import type { AnyResource } from './fhir.js';
import { referenceId } from './fhir.js';

/** A note's text, decoded, with what extraction needs to know about it. */
export interface NoteText {
  /** `DocumentReference/<id>`: the TextSource document of every fact extracted from it. */
  readonly document: string;
  readonly documentId: string;
  readonly versionId: string;
  readonly text: string;
  readonly lang?: Lang;
  /** The note's clinical date (ISO), the anchor of its relative times. */
  readonly date?: string;
  readonly encounterId?: string;
  /** Which attachment was read, FHIRPath. */
  readonly path: string;
}

/** Charsets as `contentType` writes them → the WHATWG encoding label Node's TextDecoder knows. */
function encodingOf(contentType: string | undefined): string {
  const m = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '');
  const cs = (m?.[1] ?? 'utf-8').toLowerCase();
  if (cs === 'gb2312' || cs === 'gbk' || cs === 'cp936') return 'gbk';
  return cs;
}

/** Whether an attachment holds text MedSeek can read (plain text and the like; not PDF or images). */
export function isTextAttachment(a: Attachment): boolean {
  const type = (a.contentType ?? 'text/plain').toLowerCase();
  return type.startsWith('text/') || type.startsWith('application/json') || type.startsWith('application/xml');
}

/**
 * Decodes an attachment's base64 `data` in its declared charset (UTF-8 when none; a BOM wins;
 * GB2312/GBK/GB18030 and UTF-16 are read too). Throws `encoding` when the bytes are not valid in
 * that charset or the text is binary or mis-decoded, `too-large` past the NLP limit, `invalid`
 * when there is no data or the text is empty.
 */
export function decodeAttachment(a: Attachment, where: string): string {
  if (!a.data) throw new MedSeekError('invalid', 'attachment has no inline data', { where, field: 'attachment.data' });
  if (!/^[A-Za-z0-9+/=\s_-]*$/.test(a.data))
    throw new MedSeekError('encoding', 'attachment data is not base64', { where, field: 'attachment.data' });
  const bytes = Buffer.from(a.data, 'base64');
  let label = encodingOf(a.contentType);
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    label = 'utf-8';
    start = 3;
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    label = 'utf-16le';
    start = 2;
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    label = 'utf-16be';
    start = 2;
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new MedSeekError('unsupported', `unknown charset '${label}'`, { where, field: 'attachment.contentType' });
  }
  let text: string;
  try {
    text = decoder.decode(bytes.subarray(start));
  } catch {
    throw new MedSeekError('encoding', `note text is not valid ${label}`, { where, field: 'attachment.data' });
  }
  // Empty, binary, huge or mojibake text is refused with the reason (the NLP stage's guard).
  checkText(text, where);
  return text;
}

/** `zh` when a tenth of the letters are CJK ideographs, else `en`; an attachment's `language` wins. */
export function detectLang(text: string, declared?: string): Lang {
  if (declared?.toLowerCase().startsWith('zh')) return 'zh';
  if (declared?.toLowerCase().startsWith('en')) return 'en';
  const sample = text.slice(0, 5000);
  const cjk = (sample.match(/[\u3400-\u9fff]/g) ?? []).length;
  const latin = (sample.match(/[A-Za-z]/g) ?? []).length;
  return cjk > 0 && cjk * 10 >= cjk + latin ? 'zh' : 'en';
}

/** Statuses whose text is not the current record (https://hl7.org/fhir/R4/valueset-document-reference-status.html). */
export function isCurrentNote(resource: object): boolean {
  const r = resource as { readonly status?: unknown; readonly docStatus?: unknown };
  return r.status !== 'entered-in-error' && r.status !== 'superseded' && r.docStatus !== 'entered-in-error';
}

/** The note's clinical date: its context period start, else its `date`. */
export function noteDate(r: DocumentReference): string | undefined {
  return r.context?.period?.start ?? r.date;
}

/**
 * The text of a DocumentReference: the first text attachment with inline data. Returns undefined
 * when it has no readable text (a PDF, a URL only); throws for text that cannot be decoded.
 */
export function noteText(resource: AnyResource): NoteText | undefined {
  const r = resource as DocumentReference & AnyResource;
  const index = (r.content ?? []).findIndex((c) => isTextAttachment(c.attachment) && !!c.attachment.data);
  if (index < 0) return undefined;
  const attachment = r.content[index]!.attachment;
  const where = `DocumentReference/${r.id}`;
  const text = decodeAttachment(attachment, where);
  const date = noteDate(r);
  const encounterId = referenceId(r.context?.encounter?.[0]);
  return {
    document: `DocumentReference/${r.id}`,
    documentId: r.id ?? '',
    versionId: r.meta?.versionId ?? '1',
    text,
    lang: detectLang(text, attachment.language ?? r.language),
    ...(date ? { date } : {}),
    ...(encounterId ? { encounterId } : {}),
    path: `DocumentReference.content[${index}].attachment.data`,
  };
}
