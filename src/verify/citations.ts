/**
 * Citation markers in generated text: `[F3]` or `[F3, F7]`, where each key names a fact the writer
 * was given. Markers are masked (replaced by spaces of the same length) before the text is parsed,
 * so offsets stay those of the original text.
 */
const marker = /\[(F\d+(?:\s*[,，]\s*F\d+)*)\]/g;

export interface CitationMarker {
  readonly start: number;
  readonly end: number;
  readonly keys: readonly string[];
}

export function findCitations(text: string): CitationMarker[] {
  return [...text.matchAll(marker)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    keys: m[1]!.split(/\s*[,，]\s*/),
  }));
}

export function maskCitations(text: string): string {
  return text.replace(marker, (m) => ' '.repeat(m.length));
}

export function stripCitations(text: string): string {
  return text.replace(marker, '').replace(/[ \t]+([。，；,.;])/g, '$1');
}
