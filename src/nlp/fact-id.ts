import * as crypto from 'node:crypto';

const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

/**
 * A fact's id: `stableId(document, start, end, code)` (core/ids.ts, the first 24 hex digits of the
 * SHA-256 of the parts joined by U+001F), with the input written in one template rather than mapped
 * and joined: extraction makes one per concept mention. fact-id.test.ts checks it against stableId.
 */
export function factId(document: string, start: number, end: number, code: string | undefined): string {
  const input = `${document}\u001f${start}\u001f${end}\u001f${code ?? ''}`;
  return (oneShot ? oneShot('sha256', input) : crypto.createHash('sha256').update(input).digest('hex')).slice(0, 24);
}
