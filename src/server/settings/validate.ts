import type { Context } from 'hono';
import type { z } from 'zod';
import { invalid, MedSeekError } from '../../core/index.js';
import { fieldPath } from './store.js';

/** The request's JSON body, or a 400 naming `body`. */
export async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
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
