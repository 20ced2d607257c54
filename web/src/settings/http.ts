import type { ApiError } from '../api.js';

export { get, post, send } from '../api.js';

/**
 * The server's validation errors by field (`servers[0].baseUrl` → "must be a URL"), from the
 * OperationOutcome's issues; empty when the error names no field.
 */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const issues = ((e as ApiError)?.body as { issue?: { diagnostics?: string; expression?: string[] }[] })?.issue ?? [];
  for (const i of issues) {
    const field = i.expression?.[0];
    if (!field || !i.diagnostics) continue;
    // The first issue's text repeats where and which field; the field is shown beside it already.
    out[field] = i.diagnostics.replace(/^.*?field \S+: /, '');
  }
  return out;
}
