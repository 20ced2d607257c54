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
 * stylesheet, built once from every route's policy (app.ts passes the merged ROUTE_POLICIES).
 */
export function openapiRoutes(_ctx: AppContext, policies: RoutePolicies): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let built: { json: string; html: string } | undefined;
  const documents = () => {
    if (!built) {
      const doc: OpenApiDocument = openApiDocument(policies);
      built = { json: JSON.stringify(doc), html: renderDocsPage(doc) };
    }
    return built;
  };
  app.get('/openapi.json', (c) => c.body(documents().json, 200, { 'Content-Type': 'application/json; charset=utf-8' }));
  app.get('/api/docs', (c) => c.html(documents().html));
  app.get('/api/docs.css', (c) =>
    c.body(DOCS_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }),
  );
  return app;
}
