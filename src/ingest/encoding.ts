import { MedSeekError } from '../core/index.js';

/**
 * FHIR JSON is UTF-8 (https://hl7.org/fhir/R4/json.html). A UTF-8 byte-order mark is tolerated
 * (RFC 8259 §8.1 lets a parser ignore it) and skipped; UTF-16/32 and invalid UTF-8 are refused with
 * the byte offset and line of the first bad byte.
 */
export function bomLength(head: Uint8Array, where: string): number {
  const [a, b, c, d] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) return 3;
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
    throw new MedSeekError('encoding', 'the file is UTF-16 (byte-order mark found); FHIR JSON must be UTF-8', {
      where,
    });
  }
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff)
    throw new MedSeekError('encoding', 'the file is UTF-32; FHIR JSON must be UTF-8', { where });
  // UTF-16 without a BOM: ASCII characters come out as a byte and a NUL.
  if (head.length >= 4 && ((a !== 0 && b === 0 && c !== 0 && d === 0) || (a === 0 && b !== 0 && c === 0 && d !== 0))) {
    throw new MedSeekError(
      'encoding',
      'the file looks like UTF-16 (NUL bytes between characters); FHIR JSON must be UTF-8',
      { where },
    );
  }
  return 0;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 or throws an 'encoding' error naming `where`, the byte offset and the line. */
export function decodeUtf8(bytes: Uint8Array, where: string, baseOffset = 0, baseLine = 1): string {
  try {
    return strict.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = baseLine;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    throw new MedSeekError(
      'encoding',
      `invalid UTF-8 at byte ${baseOffset + at} (line ${line}): 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}; FHIR JSON must be UTF-8`,
      { where },
    );
  }
}

/** Offset of the first byte that breaks UTF-8, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const x = b[i]!;
    if (x < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (x >= 0xc2 && x <= 0xdf) [n, min] = [1, 0x80];
    else if (x >= 0xe0 && x <= 0xef) [n, min] = [2, 0x800];
    else if (x >= 0xf0 && x <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = x & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const y = b[i + k];
      if (y === undefined || (y & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (y & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** "Unexpected token } in JSON at position 42" → line and column of that position in `text`. */
export function jsonErrorPosition(text: string, error: unknown): { line: number; column: number } | undefined {
  const m = /position (\d+)/.exec(String((error as Error)?.message ?? error));
  const pos = m
    ? Number(m[1])
    : /Unexpected end of JSON input/.test(String((error as Error)?.message))
      ? text.length
      : undefined;
  if (pos === undefined) return undefined;
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: pos - last };
}

/** JSON.parse with an 'invalid' error that names the line and column. */
export function parseJson(text: string, where: string, lineOffset = 0): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const pos = jsonErrorPosition(text, e);
    const at = pos ? ` at line ${pos.line + lineOffset}, column ${pos.column}` : '';
    const reason = String((e as Error).message)
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/^JSON\.parse: /, '');
    throw new MedSeekError('invalid', `malformed JSON${at}: ${reason}`, { where });
  }
}
