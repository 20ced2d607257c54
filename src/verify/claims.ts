import { splitSentences } from '../nlp/index.js';
import { type CitationMarker, findCitations } from './citations.js';

/** A span of text that states one thing, with the citation keys written in or right after it. */
export interface ClaimSpan {
  readonly start: number;
  readonly end: number;
  /** The sentence it belongs to (assertion scope is decided per sentence, not per clause). */
  readonly sentence: { readonly start: number; readonly end: number };
  readonly citationKeys: readonly string[];
}

// Clause boundaries inside a sentence: commas and enumeration marks of both languages.
const clauseBreak = /[，,、]/g;

/**
 * Splits text into atomic claims: sentences, then clauses at commas, so that "无发热，伤口愈合良好"
 * gives two claims. Citation markers belong to the clause they end or stand in. A clause that is only
 * a marker or punctuation is merged into its neighbour.
 */
export function splitClaims(text: string): ClaimSpan[] {
  const cites = findCitations(text);
  const claims: ClaimSpan[] = [];
  for (const sentence of joinEnumerators(text, splitSentences(text))) {
    const pieces: { start: number; end: number }[] = [];
    let s = sentence.start;
    const body = text.slice(sentence.start, sentence.end);
    for (const m of body.matchAll(clauseBreak)) {
      const at = sentence.start + m.index;
      if (insideMarker(cites, at) || isDigitComma(text, at)) continue;
      pieces.push({ start: s, end: at + 1 });
      s = at + 1;
    }
    pieces.push({ start: s, end: sentence.end });
    const merged: { start: number; end: number }[] = [];
    for (const p of pieces) {
      const t = p.end > p.start ? text.slice(p.start, p.end).replace(/\[F\d+(?:\s*[,，]\s*F\d+)*\]/g, '') : '';
      if (/[\p{L}\p{N}]{2,}/u.test(t) || merged.length === 0) merged.push({ ...p });
      else merged[merged.length - 1]!.end = p.end;
    }
    for (const p of merged) {
      let start = p.start;
      let end = p.end;
      while (start < end && /\s/.test(text[start]!)) start++;
      while (end > start && /[\s，,、]/.test(text[end - 1]!)) end--;
      if (end <= start) continue;
      // A markdown heading (`## 出院诊断`) names a section; it states nothing to check.
      if (/^#{1,6}\s/.test(text.slice(start, end))) continue;
      claims.push({ start, end, sentence, citationKeys: keysWithin(cites, start, end) });
    }
  }
  return claims;
}

/**
 * A list enumerator ends no sentence: "Admission diagnoses: 1. Sprain of ankle; 2. Anemia" splits
 * after "1." and "2."; the number belongs to the item after it (on the same line).
 */
function joinEnumerators(
  text: string,
  sentences: readonly { start: number; end: number }[],
): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const s of sentences) {
    const prev = out[out.length - 1];
    if (prev && isEnumerated(text.slice(prev.start, prev.end)) && !text.slice(prev.end, s.start).includes('\n'))
      prev.end = s.end;
    else out.push({ ...s });
  }
  return out;
}

function isEnumerated(sentence: string): boolean {
  const t = sentence.trimEnd();
  return /(?:^|[:：]\s*)1\.$/.test(t) || /(?:^|[;；]\s*)\d{1,2}\.$/.test(t);
}

function insideMarker(cites: readonly CitationMarker[], at: number): boolean {
  return cites.some((c) => at >= c.start && at < c.end);
}

function isDigitComma(text: string, at: number): boolean {
  if (text[at] !== ',') return false;
  // 1,000; and the comma of a date "July 2, 2024" / "2 July, 2024".
  if (/\d/.test(text[at - 1] ?? '') && /\d{3}/.test(text.slice(at + 1, at + 4))) return true;
  return (
    /[A-Za-z]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?$|\d{1,2}\s+[A-Za-z]{3,}\.?$/.test(
      text.slice(Math.max(0, at - 16), at),
    ) && /^\s*\d{4}\b/.test(text.slice(at + 1, at + 7))
  );
}

function keysWithin(cites: readonly CitationMarker[], start: number, end: number): string[] {
  return cites.filter((c) => c.start >= start && c.start < end).flatMap((c) => c.keys);
}
