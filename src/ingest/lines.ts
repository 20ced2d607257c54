/**
 * Splits a byte stream into lines without holding more than one line (plus one read chunk) in
 * memory. A line longer than `maxBytes` is skipped to its end and reported as too long rather
 * than buffered.
 */
export type Line =
  | { readonly kind: 'line'; readonly bytes: Buffer; readonly lineNo: number; readonly offset: number }
  | { readonly kind: 'too-long'; readonly lineNo: number; readonly offset: number; readonly length: number };

export async function* readLines(chunks: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let partsLength = 0;
  let skipping = false;
  let lineNo = 1;
  let lineStart = 0;
  let consumed = 0;
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let from = 0;
    while (from < chunk.length) {
      const nl = chunk.indexOf(0x0a, from);
      const end = nl === -1 ? chunk.length : nl;
      if (!skipping) {
        if (partsLength + (end - from) > maxBytes) {
          skipping = true;
          parts = [];
        } else {
          parts.push(chunk.subarray(from, end));
        }
      }
      partsLength += end - from;
      if (nl === -1) break;
      const length = partsLength;
      if (skipping) yield { kind: 'too-long', lineNo, offset: lineStart, length };
      else
        yield { kind: 'line', bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts), lineNo, offset: lineStart };
      lineNo++;
      lineStart = consumed + nl + 1;
      parts = [];
      partsLength = 0;
      skipping = false;
      from = nl + 1;
    }
    consumed += chunk.length;
  }
  if (skipping) yield { kind: 'too-long', lineNo, offset: lineStart, length: partsLength };
  else if (partsLength > 0) yield { kind: 'line', bytes: Buffer.concat(parts), lineNo, offset: lineStart };
}
