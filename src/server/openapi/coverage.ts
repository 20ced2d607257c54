import type { OpenApiDocument } from './document.js';
import { openApiPath } from './operation.js';

interface ListedRoute {
  readonly method: string;
  readonly path: string;
  readonly handler: { readonly length: number };
}

/**
 * The routes that answer requests, as `METHOD /path` from Hono's `app.routes`: not middleware
 * (`ALL` entries and two-parameter handlers such as a body limit), not the web workspace's static
 * files (`GET /*`, `GET /`), each once.
 */
export function answeringRoutes(routes: readonly ListedRoute[]): string[] {
  const keys = routes
    .filter(
      (r) => r.method !== 'ALL' && r.handler.length < 2 && !(r.method === 'GET' && (r.path === '/*' || r.path === '/')),
    )
    .map((r) => `${r.method} ${r.path}`);
  return [...new Set(keys)];
}

/** The routes (`METHOD /path`) with no operation in the document. */
export function undocumentedRoutes(routes: readonly string[], doc: OpenApiDocument): string[] {
  return routes.filter((key) => {
    const [method, path] = key.split(' ') as [string, string];
    return !(doc.paths?.[openApiPath(path)] as Record<string, unknown> | undefined)?.[method.toLowerCase()];
  });
}

/** The documented operations (`METHOD /{openapi}/path`) that no route answers. */
export function staleOperations(routes: readonly string[], doc: OpenApiDocument): string[] {
  const listed = new Set(
    routes.map((key) => {
      const [method, path] = key.split(' ') as [string, string];
      return `${method} ${openApiPath(path)}`;
    }),
  );
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete', 'options']) {
      if ((item as Record<string, unknown>)[method] && !listed.has(`${method.toUpperCase()} ${path}`))
        out.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return out;
}
