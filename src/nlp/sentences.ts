/** A sentence: `[start, end)` in UTF-16 code units, trimmed of surrounding whitespace. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

// Abbreviations whose period does not end an English sentence.
const abbreviations = new Set(
  'dr mr mrs ms prof st vs etc e.g i.e approx no nos pt pts hx dx rx sx tx fx h/o s/p p.o b.i.d t.i.d q.i.d q.d p.r.n a.m p.m mg mcg ml min hr hrs wk wks yr yrs mo mos inc fig cf al jan feb mar apr jun jul aug sep sept oct nov dec'.split(
    ' ',
  ),
);

/** 。！？；!;?. and the line break: where a sentence may end. */
const boundaryChars = /[\n!.;?\u3002\uff01\uff1f\uff1b]/g;

/**
 * Splits text into sentences for both languages: at 。！？；!? and `;`, at a period that ends a word
 * (not a decimal, not an abbreviation such as `Dr.` or `p.o.`) followed by a space, at blank
 * lines, and at a line break before a heading, list item or capitalised line. Runs of spaces are
 * not boundaries: wrapped notes often have them where a line break was.
 */
export function splitSentences(text: string, range: Span = { start: 0, end: text.length }): Span[] {
  const out: Span[] = [];
  let s = range.start;
  // only the characters the switch below acts on, found by the regular expression engine (a native scan)
  // rather than a loop over every code unit: letters, digits and ideographs, most of a note, end nothing;
  // `test` and lastIndex rather than `exec`, which makes a match array at every boundary (a Chinese note has dozens)
  boundaryChars.lastIndex = range.start;
  while (boundaryChars.test(text)) {
    const i = boundaryChars.lastIndex - 1;
    if (i >= range.end) break;
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x3002: // 。
      case 0xff01: // ！
      case 0xff1f: // ？
      case 0xff1b: // ；
      case 0x21: // !
      case 0x3b: // ;
        s = pushTrimmed(text, out, s, i + 1);
        break;
      case 0x3f: // ?
        // "pneumonia?" asks; keep a question mark inside a sentence when more of the clause follows on the line
        if (i + 1 >= range.end || /\s/.test(text[i + 1]!)) s = pushTrimmed(text, out, s, i + 1);
        break;
      // a period
      case 0x2e: {
        const next = text[i + 1];
        if (next !== undefined && !/\s/.test(next)) break; // 3.5, p.o.
        const word = wordBefore(text, Math.max(range.start, i - 12), i);
        if (word && (abbreviations.has(word) || /^[a-z]$/.test(word))) {
          // an abbreviation ends the sentence only before a capitalised word after two spaces or a newline
          if (!/^\s*\n/.test(text.slice(i + 1, i + 4))) break;
        }
        s = pushTrimmed(text, out, s, i + 1);
        break;
      }
      // a line break
      case 0x0a: {
        const rest = text.slice(i + 1, i + 8);
        if (/^[ \t\u3000]*\r?\n/.test(rest))
          s = pushTrimmed(text, out, s, i + 1); // blank line
        else if (
          /^[ \t\u3000]*(?:[-*•·●▪]|\d{1,2}[.、．)）]|[（(]?[一二三四五六七八九十]{1,3}[、)）]|[A-Z\u4e00-\u9fff])/.test(
            rest,
          )
        )
          s = pushTrimmed(text, out, s, i + 1);
        else if (i - Math.max(s, text.lastIndexOf('\n', i - 1) + 1) < 50) s = pushTrimmed(text, out, s, i + 1); // a short line is a list item, not wrapped prose
        break;
      }
    }
  }
  pushTrimmed(text, out, s, range.end);
  return out;
}

/**
 * Adds `text[from, end)` without its surrounding whitespace to `out` unless nothing is left, and returns `end`
 * (where the next sentence starts). A function of its own rather than a closure per call: under a transform
 * that keeps function names (tsx), every closure assigned to a name is renamed when it is made.
 */
function pushTrimmed(text: string, out: Span[], from: number, end: number): number {
  let a = from;
  let b = end;
  while (a < b && isSpace(text.charCodeAt(a))) a++;
  while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
  if (b > a) out.push({ start: a, end: b });
  return end;
}

/**
 * The word that ends at `end` (letters, then letters, `.` and `/`: `Dr`, `p.o`, `h/o`), lower-cased, where it
 * starts a word at or after `from` (after a space or `(`, or at `from` itself); else undefined. What
 * `/(?:^|[\s(])([A-Za-z][A-Za-z./]*)$/` finds in `text.slice(from, end)`, without the slice and the pattern at
 * every period of a note.
 */
function wordBefore(text: string, from: number, end: number): string | undefined {
  let j = end;
  while (j > from && isWordPart(text.charCodeAt(j - 1))) j--;
  if (j === end || !isLetter(text.charCodeAt(j))) return undefined;
  // a run that does not reach `from` starts a word only after a space or `(` (any other character is not a word start)
  if (j > from && !/[\s(]/.test(text[j - 1]!)) return undefined;
  return text.slice(j, end).toLowerCase();
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isWordPart(c: number): boolean {
  return isLetter(c) || c === 0x2e || c === 0x2f;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0x3000 || c === 0xa0 || c === 12;
}
