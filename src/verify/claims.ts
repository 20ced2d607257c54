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
  for (const sentence of splitSentences(text)) {
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

function insideMarker(cites: readonly CitationMarker[], at: number): boolean {
  return cites.some((c) => at >= c.start && at < c.end);
}

function isDigitComma(text: string, at: number): boolean {
  return text[at] === ',' && /\d/.test(text[at - 1] ?? '') && /\d{3}/.test(text.slice(at + 1, at + 4));
}

function keysWithin(cites: readonly CitationMarker[], start: number, end: number): string[] {
  return cites.filter((c) => c.start >= start && c.start < end).flatMap((c) => c.keys);
}
