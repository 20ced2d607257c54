import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { DOCS_CSS, type OpenApiDocument, openApiDocument, renderDocsPage } from '../openapi/index.js';

/** The API description names routes and schemas, never patient data: anyone may read it. */
export const openapiPolicies: RoutePolicies = {
  'GET /openapi.json': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs.css': 'public',
};

/**
 * `GET /openapi.json` (OpenAPI 3.1), `GET /api/docs` (the same as a page, no script) and its
 * stylesheet. The document is built once, on first request: it needs every module's policies, which
 * app.ts merges after importing this module (a static import of app.ts here would be a cycle).
 */
export function openapiRoutes(_ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let built: Promise<{ json: string; html: string }> | undefined;
  const documents = () => {
    built ??= import('../app.js').then(({ ROUTE_POLICIES }) => {
      const doc: OpenApiDocument = openApiDocument(ROUTE_POLICIES);
      return { json: JSON.stringify(doc), html: renderDocsPage(doc) };
    });
    return built;
  };
  app.get('/openapi.json', async (c) => c.body((await documents()).json, 200, { 'Content-Type': 'application/json; charset=utf-8' }));
  app.get('/api/docs', async (c) => c.html((await documents()).html));
  app.get('/api/docs.css', (c) => c.body(DOCS_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));
  return app;
}
