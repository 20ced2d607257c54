import { createHash, randomUUID } from 'node:crypto';

/** A stable id derived from content: the same input gives the same id (idempotent imports, caches). */
export function stableId(...parts: readonly (string | number | undefined)[]): string {
  return createHash('sha256')
    .update(parts.map((p) => String(p ?? '')).join('\u001f'))
    .digest('hex')
    .slice(0, 24);
}

export function newId(): string {
  return randomUUID();
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
