import type { z } from 'zod';
import { invalid, MedSeekError } from '../core/index.js';

/**
 * Request bodies for the workspace API: JSON read once (a 400 naming `body` when it is not JSON, a
 * 415 when `jsonOnly` and it was not sent as JSON — a cross-site form cannot send that), then
 * parsed with the route's zod schema, every problem reported and the first naming its field.
 * Routes use them through validate.ts (`body`, `query`, `params`), which runs them in zod-validator.
 */
export async function jsonBody(req: Request, options: { jsonOnly?: boolean } = {}): Promise<unknown> {
  if (options.jsonOnly && !/^application\/json\b/i.test(req.headers.get('content-type') ?? '')) {
    throw new MedSeekError('unsupported', 'send the body as application/json', { field: 'Content-Type' });
  }
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
  throw zodIssuesError(r.error.issues, where);
}

/** A zod failure as the 400 every route answers: the first issue names its field, all are listed. */
export function zodIssuesError(zodIssues: readonly z.core.$ZodIssue[], where?: string): MedSeekError {
  const issues = zodIssues.flatMap((i) =>
    // An unknown key (a strict schema) is named itself: `unknown parameter 'patiënt'`, field `patiënt`.
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({
          message: `unknown ${where === 'body' || !where ? 'field' : 'parameter'} '${k}'`,
          location: { ...(where ? { where } : {}), field: fieldPath([...i.path, k]) },
        }))
      : [
          {
            message: i.message,
            location: {
              ...(where ? { where } : {}),
              field: fieldPath(i.path, where === 'query' || where === 'param' ? where : 'body'),
            },
          },
        ],
  );
  const first = issues[0] ?? { message: 'invalid request', location: { ...(where ? { where } : {}), field: 'body' } };
  return new MedSeekError('invalid', first.message, first.location, { issues });
}

/** A zod issue path as a field name: `servers[1].name`; `whole` (`body`) for the value itself. */
export function fieldPath(path: readonly PropertyKey[], whole = 'body'): string {
  return (
    path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '') ||
    whole
  );
}
