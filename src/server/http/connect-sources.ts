import type { MiddlewareHandler } from 'hono';

/**
 * Adds the trusted FHIR servers to the CSP's `connect-src`: when another hospital's EHR launches
 * the workspace (SMART), the launch page talks to that EHR's FHIR server itself, which
 * `connect-src 'self'` would block. The list (the FHIR source an administrator set, MEDSEEK_SMART_ISSUERS)
 * is read through `lookup` and kept for `ttlMs`, so a changed setting applies within a minute.
 */
export function connectSourcesMiddleware(lookup: () => Promise<readonly string[]>, ttlMs = 60_000): MiddlewareHandler {
  let cached: { at: number; origins: Promise<string[]> } | undefined;
  const origins = (): Promise<string[]> => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const pending = lookup().then(
        (urls) => [...new Set(urls.flatMap(originOf))],
        () => [] as string[],
      );
      cached = { at: Date.now(), origins: pending };
    }
    return cached.origins;
  };
  return async (c, next) => {
    await next();
    const csp = c.res.headers.get('content-security-policy');
    if (!csp) return;
    const extra = await origins();
    if (extra.length)
      c.res.headers.set(
        'content-security-policy',
        csp.replace(/connect-src 'self'/, `connect-src 'self' ${extra.join(' ')}`),
      );
  };
}

/** The origin of an http(s) URL; nothing for anything else (a CSP source list must not take garbage). */
function originOf(url: string): string[] {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? [u.origin] : [];
  } catch {
    return [];
  }
}
