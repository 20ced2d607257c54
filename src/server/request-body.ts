import type { z } from 'zod';
import { invalid, MedSeekError } from '../core/index.js';

/**
 * Request bodies for the workspace API: JSON read once (a 400 naming `body` when it is not JSON, a
 * 415 when `jsonOnly` and it was not sent as JSON — a cross-site form cannot send that), then
 * parsed with the route's zod schema, every problem reported and the first naming its field.
 */
export async function jsonBody(req: Request, options: { jsonOnly?: boolean } = {}): Promise<unknown> {
  if (options.jsonOnly && !/^application\/json\b/i.test(req.headers.get('content-type') ?? '')) throw new MedSeekError('unsupported', 'send the body as application/json', { field: 'Content-Type' });
  try {
    return await req.json();
  } catch {
    throw invalid('the body must be JSON', { field: 'body' });
  }
}

/** Parses with a zod schema; every problem is reported, the first one names its field (`units[1]`). */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where?: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ message: i.message, location: { ...(where ? { where } : {}), field: fieldPath(i.path) } }));
  throw new MedSeekError('invalid', issues[0]!.message, issues[0]!.location, { issues });
}

/** A zod issue path as a field name: `servers[1].name`; `body` for the body itself. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '') || 'body';
}
