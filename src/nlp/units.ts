import { ucumOf, unitWords } from '../core/index.js';

let pattern: RegExp | undefined;

function load(): RegExp {
  if (pattern) return pattern;
  const forms = unitWords()
    .map(([w]) => w)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  // A unit ending in a Latin letter must not run on into a word ("5 min" is not "5 m").
  pattern = new RegExp(`(?:${forms.join('|')})(?![A-Za-z])`, 'y');
  return pattern;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/\s+/g, '\\s?');
}

/**
 * The UCUM code for a unit as written (`℃` → `Cel`, `×10^9/L` → `10*9/L`, `次/分` → `/min`,
 * `mmHg` → `mm[Hg]`), or undefined when unknown. Spaces and full-width forms are tolerated.
 */
export function normaliseUnit(written: string): string | undefined {
  return ucumOf(toHalfWidth(written.trim()).replace(/\s+/g, ''));
}

/** The longest known unit starting exactly at `index` of `text` (half-width text), with its UCUM code. */
export function unitAt(text: string, index: number): { written: string; ucum: string } | undefined {
  const p = load();
  p.lastIndex = index;
  const m = p.exec(text);
  if (!m) return undefined;
  const ucum = normaliseUnit(m[0]);
  return ucum ? { written: m[0], ucum } : undefined;
}

const wide = /[\uff01-\uff5e\u3000]/g;
const firstWide = /[\uff01-\uff5e\u3000]/;

/** Full-width ASCII to half-width; every code unit maps to one code unit (offsets unchanged). */
export function toHalfWidth(text: string): string {
  const n = text.length;
  // the first wide character, by a native scan (most English text has none)
  if (firstWide.exec(text) === null) return text;
  if (n < 256) return text.replace(wide, halfOf);
  // a whole note: one code-unit loop rather than a replace() callback per ，：（） it is full of, into a buffer
  // kept from call to call (the string is a copy of it)
  // (a note over a million code units gets a buffer of its own, not kept)
  if (halfCodes.length < n && n <= 1 << 20) halfCodes = new Uint16Array(Math.max(n, halfCodes.length * 2));
  const codes = halfCodes.length >= n ? halfCodes : new Uint16Array(n);
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(k);
    codes[k] = c === 0x3000 ? 0x20 : c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c;
  }
  // UTF-16LE decoding copies code units as they are (lone surrogates included)
  return Buffer.from(codes.buffer, codes.byteOffset, n * 2).toString('utf16le');
}

let halfCodes = new Uint16Array(4096);

function halfOf(c: string): string {
  return c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0);
}
