import { ApiError, CSRF_COOKIE, get, post } from '../api.js';

export { get, post };

function cookie(name: string): string | undefined {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : undefined;
}

/**
 * PUT and PATCH for the settings page (api.ts has GET and POST): the same credentials — the
 * session cookie with its CSRF token echoed, or a stored API key — and the same errors.
 */
export async function send<T>(method: 'PUT' | 'PATCH', path: string, body: unknown): Promise<T> {
  const csrf = cookie(CSRF_COOKIE);
  const key = localStorage.getItem('medseek.apiKey');
  const res = await fetch(path, {
    method,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-Token': csrf } : {}), ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const issue = (parsed as { issue?: { diagnostics?: string }[] })?.issue?.[0]?.diagnostics;
    throw new ApiError(issue ?? `HTTP ${res.status}`, res.status, parsed);
  }
  return parsed as T;
}

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
