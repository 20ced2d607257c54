import { MedSeekError } from '../core/index.js';

/** Notes longer than this (UTF-16 code units, ≈ 10 MB of Chinese) are refused: split them first. */
export const MAX_TEXT_LENGTH = 5_000_000;

/**
 * Refuses text the pipeline cannot read meaningfully, with the reason: not a string, empty,
 * too large, binary (NUL or many control characters), or mis-decoded (U+FFFD replacement
 * characters, or UTF-8 read as Latin-1/Windows-1252, the classic `Ã©` / `â€™` / `ä¸­` mojibake).
 */
export function checkText(text: unknown, where = 'text'): asserts text is string {
  if (typeof text !== 'string')
    throw new MedSeekError('invalid', `expected a string, got ${text === null ? 'null' : typeof text}`, { where });
  if (text.trim().length === 0) throw new MedSeekError('invalid', 'the text is empty (nothing to extract)', { where });
  if (text.length > MAX_TEXT_LENGTH)
    throw new MedSeekError(
      'too-large',
      `the text is ${text.length} characters; the limit is ${MAX_TEXT_LENGTH} (split the document)`,
      { where },
    );
  // most text has none of the characters the loop below looks for: a native scan tells
  if (!suspect.test(text)) return;
  let control = 0;
  let replacement = 0;
  let firstBad = -1;
  let leadByte = false; // a character mojibake starts with (below): the pattern runs only when one is present
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0)
      throw new MedSeekError('encoding', `binary data: NUL character at offset ${i}`, {
        where: `${where} offset ${i}`,
      });
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) {
      control++;
      if (firstBad < 0) firstBad = i;
    } else if (c === 0xfffd) {
      replacement++;
      if (firstBad < 0) firstBad = i;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff))
        throw new MedSeekError('encoding', `unpaired UTF-16 surrogate at offset ${i}`, {
          where: `${where} offset ${i}`,
        });
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff)
      throw new MedSeekError('encoding', `unpaired UTF-16 surrogate at offset ${i}`, { where: `${where} offset ${i}` });
    else if (c >= 0xc2 && c <= 0xef) leadByte = true;
  }
  if (control > Math.max(2, text.length * 0.01))
    throw new MedSeekError('encoding', `binary data: ${control} control characters (first at offset ${firstBad})`, {
      where: `${where} offset ${firstBad}`,
    });
  if (replacement > 0)
    throw new MedSeekError(
      'encoding',
      `mis-encoded text: ${replacement} U+FFFD replacement character(s) (first at offset ${firstBad}); decode the source with its real encoding (UTF-8, GB18030)`,
      { where: `${where} offset ${firstBad}` },
    );
  const moji = leadByte ? mojibake.exec(text) : null;
  if (moji)
    throw new MedSeekError(
      'encoding',
      `mis-encoded text: UTF-8 bytes read as Latin-1 ('${moji[0]}' at offset ${moji.index}); decode the source as UTF-8`,
      {
        where: `${where} offset ${moji.index}`,
      },
    );
}

/** What checkText's loop acts on: control characters but \t \n \f \r, U+FFFD, surrogates, mojibake lead bytes. */
const suspect = /[\u0000-\u0008\u000b\u000e-\u001f\u00c2-\u00ef\ud800-\udfff\ufffd]/;

// UTF-8 bytes shown as Windows-1252 characters: a lead byte (Â–ß for two-byte, à–ï for three-byte
// sequences) followed by continuation bytes (U+0080–U+00BF or their cp1252 glyphs € ‚ ƒ „ … ™ œ …).
// `Ã©` (é), `â€™` (’), `ä¸­` (中) are never normal prose in Chinese or English notes.
const cont =
  '[\\u0080-\\u00bf\\u20ac\\u201a\\u0192\\u201e\\u2026\\u2020\\u2021\\u02c6\\u2030\\u0160\\u2039\\u0152\\u017d\\u2018\\u2019\\u201c\\u201d\\u2022\\u2013\\u2014\\u02dc\\u2122\\u0161\\u203a\\u0153\\u017e\\u0178]';
const mojibake = new RegExp(`[\\u00c2-\\u00df]${cont}|[\\u00e0-\\u00ef]${cont}${cont}`);

/**
 * Decodes bytes as UTF-8 (a BOM is dropped), refusing invalid sequences with the byte offset, and
 * then checks the text. Use for files and stdin.
 */
export function decodeText(bytes: Uint8Array, where = 'input'): string {
  if (bytes.length === 0) throw new MedSeekError('invalid', 'the input is empty (nothing to extract)', { where });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (cause) {
    const offset = firstInvalidUtf8(bytes);
    throw new MedSeekError(
      'encoding',
      `not valid UTF-8 (first bad byte at offset ${offset}); the file may be GB18030/GBK or binary — convert it to UTF-8 first`,
      { where: `${where} byte ${offset}` },
      { cause },
    );
  }
  checkText(text, where);
  return text;
}

function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const need =
      c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}
