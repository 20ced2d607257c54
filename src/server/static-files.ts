import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import type { AppEnv } from './env.js';

/**
 * Cache policy of the web workspace's files: Vite names every bundled asset by its content hash
 * (`assets/main-DWynR47y.js`), so a browser may keep one for a year without asking again; anything else
 * (index.html, which names the current hashes) is revalidated on every load, so a new build shows at once.
 */
export function cacheControlFor(path: string): string {
  return /(^|\/)assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(path)
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
}

/**
 * The workspace's static files from `webDir`: the build's precompressed `.br`/`.gz` twins where the browser
 * accepts them (web/vite.config.ts writes them), gzip on the fly for anything else over 1 KB (index.html served
 * for client-side routes included), and cache headers by cacheControlFor.
 */
export function staticFiles(webDir: string): MiddlewareHandler<AppEnv>[] {
  return [
    compress(),
    async (c, next) => {
      await next();
      if (c.res.status === 200 && !c.res.headers.has('Cache-Control'))
        c.header('Cache-Control', cacheControlFor(c.req.path));
    },
    serveStatic({ root: webDir, precompressed: true }),
  ];
}
