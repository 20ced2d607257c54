import iconv from 'iconv-lite';
import { Hl7Error } from './error.js';

/**
 * MSH-18 (character set, HL7 table 0211, v2.5.1 §2.15.9.18) → the decoder's name. Decoding comes
 * before parsing: in GB18030 the second byte of a Chinese character may be `|`, `^`, `~`, `\` or
 * `&` (trail bytes 0x40–0x7E), so splitting the raw bytes on delimiters would cut characters apart.
 * Spellings outside table 0211 that senders use in practice (`UTF-8`, `GB18030`, `GBK`) are accepted.
 */
const CHARSETS: Readonly<Record<string, string>> = {
  ASCII: 'ascii',
  '8859/1': 'latin1',
  'UNICODE UTF-8': 'utf-8',
  'UTF-8': 'utf-8',
  UTF8: 'utf-8',
  'GB 18030-2000': 'gb18030',
  GB18030: 'gb18030',
  GBK: 'gbk',
  LATIN1: 'latin1',
};

/** The decoder name for an MSH-18 value or a configured default (`utf-8`, `gb18030`, or a table 0211 value). */
export function charsetOf(declared: string): string | undefined {
  const key = declared.trim().toUpperCase();
  if (key === '') return undefined;
  return CHARSETS[key];
}

/** MSH-18 read from the raw bytes of the MSH segment (ASCII in every supported character set). */
export function declaredCharset(bytes: Buffer): string {
  const end = bytes.findIndex((b) => b === 0x0d || b === 0x0a);
  const msh = bytes.subarray(0, end < 0 ? bytes.length : end).toString('latin1');
  if (!msh.startsWith('MSH') || msh.length < 4) return '';
  // MSH-1 is the field separator itself, so MSH-n is the n-1th piece after splitting.
  return (msh.split(msh.charAt(3))[17] ?? '').split(msh.charAt(4))[0] ?? '';
}

/**
 * Decodes a message's bytes in the character set its MSH-18 names, else `fallback`. Bytes that are
 * not valid in that character set are refused (AR naming MSH-18), never replaced silently.
 */
export function decodeMessage(bytes: Buffer, fallback: string): { text: string; charset: string } {
  const declared = declaredCharset(bytes);
  const charset = declared ? charsetOf(declared) : charsetOf(fallback);
  if (!charset) {
    const what = declared ? `MSH-18 names '${declared}'` : `the configured default '${fallback}' is`;
    throw new Hl7Error('AR', 103, { segment: 'MSH', field: 18 }, `${what} not a supported character set`);
  }
  const source = declared ? `MSH-18 '${declared}'` : `the default character set '${fallback}'`;
  if (charset === 'utf-8') {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), charset };
    } catch {
      throw new Hl7Error('AR', 102, { segment: 'MSH', field: 18 }, `the bytes are not valid UTF-8 (${source})`);
    }
  }
  if (charset === 'ascii' && bytes.some((b) => b > 0x7f))
    throw new Hl7Error('AR', 102, { segment: 'MSH', field: 18 }, `a byte above 0x7F in an ASCII message (${source})`);
  const text = iconv.decode(bytes, charset);
  // iconv-lite replaces bytes it cannot decode with U+FFFD: that is a wrongly declared character set.
  if (text.includes('\ufffd'))
    throw new Hl7Error('AR', 102, { segment: 'MSH', field: 18 }, `the bytes are not valid ${charset} (${source})`);
  return { text, charset };
}

export function encodeText(text: string, charset: string): Buffer {
  return charset === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, charset);
}
