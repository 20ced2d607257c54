/**
 * Length-preserving text folding: full-width ASCII (ＡＢ１２：) becomes half-width, Latin letters
 * lower-case, the ideographic space a plain space. Every UTF-16 code unit maps to exactly one code
 * unit, so an offset into the folded text is the same offset into the original.
 */
export function foldChar(code: number): number {
  if (code >= 0xff01 && code <= 0xff5e)
    code -= 0xfee0; // full-width ASCII block
  else if (code === 0x3000) return 0x20;
  if (code >= 0x41 && code <= 0x5a) return code + 32;
  return code;
}

export function fold(text: string): string {
  const n = text.length;
  const codes = new Uint16Array(n);
  let changed = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const f = foldChar(c);
    if (f !== c) changed = true;
    codes[i] = f;
  }
  if (!changed) return text;
  let out = '';
  for (let i = 0; i < n; i += 8192) out += String.fromCharCode(...codes.subarray(i, i + 8192));
  return out;
}

/** Latin letter or digit (after folding): the characters an English word boundary looks at. */
export function isWordChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0xc0 && code <= 0x24f)
  );
}

/** CJK unified ideographs (basic block and extension A). */
export function isCjk(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf);
}

/** What `\s` matches in a JavaScript pattern (and what trim() removes). */
export function isJsSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
