import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/index.js';
import { forEachBackend } from '../../../test/support/backends.js';
import { createApp, ROUTE_POLICIES } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { answeringRoutes, staleOperations, undocumentedRoutes } from '../openapi/coverage.js';
import type { OpenApiDocument } from '../openapi/index.js';
import { structuralProblems } from '../openapi/structure.js';
import { VERSION } from '../version.js';

type Op = {
  security?: Record<string, string[]>[];
  'x-medseek-access'?: string;
  requestBody?: {
    content: Record<string, { schema: { required?: string[]; properties?: Record<string, { enum?: string[] }> } }>;
  };
  parameters?: { name: string; in: string }[];
};

forEachBackend('OpenAPI document', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let doc: OpenApiDocument;
  const op = (method: string, path: string) => (doc.paths?.[path] as Record<string, Op> | undefined)?.[method] as Op;

  beforeAll(async () => {
    ctx = await openContext(
      loadConfig({}, { apiKeys: ['openapi-test-key-0123456789'], demo: false, logLevel: 'silent' }),
      { db: db(), llm: false },
    );
    app = createApp(ctx);
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    doc = (await res.json()) as OpenApiDocument;
  });

  it('is served without a credential as OpenAPI 3.1 with the server’s version', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(VERSION);
  });

  it('documents every route the app answers, with its method, and nothing it does not', () => {
    const routes = answeringRoutes(app.routes);
    expect(routes).toContain('GET /fhir/:type/:id');
    expect(undocumentedRoutes(routes, doc)).toEqual([]);
    expect(staleOperations(routes, doc)).toEqual([]);
  });

  it('catches a route added without documentation', () => {
    const routes = answeringRoutes([
      ...app.routes,
      { method: 'DELETE', path: '/api/patients/:id', handler: () => undefined },
    ]);
    expect(undocumentedRoutes(routes, doc)).toEqual(['DELETE /api/patients/:id']);
  });

  it('is valid against the OpenAPI 3.1 schema (@readme/openapi-parser)', async () => {
    const { validate } = await import('@readme/openapi-parser');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, JSON.stringify((result as { errors?: unknown }).errors)).toBe(true);
  });

  it('is structurally valid: version, path parameters, unique operationIds, tags, schemes, $refs', () => {
    expect(structuralProblems(doc)).toEqual([]);
  });

  it('takes each operation’s security from the route’s policy', () => {
    expect(op('get', '/health').security).toEqual([]);
    expect(op('get', '/api/audit')['x-medseek-access']).toBe('admin');
    expect(op('get', '/api/audit').security).toContainEqual({ bearer: ['admin'] });
    expect(op('post', '/api/kg/curation').security).toContainEqual({ session: ['admin'], csrf: [] });
    expect(op('get', '/fhir/{type}').security).toContainEqual({ smart: ['patient/*.s'] });
    expect(op('post', '/cds-services/{id}').security).toEqual([{ cdsHooksJwt: [] }]);
    for (const key of answeringRoutes(app.routes)) {
      if (key.includes('/cds-services')) continue;
      expect(ROUTE_POLICIES[key], `policy of ${key}`).toBeDefined();
    }
  });

  it('describes request bodies with the schemas the routes validate with', () => {
    const create = op('post', '/api/consult').requestBody!.content['application/json']!.schema;
    expect(create.required).toEqual(['complaint']);
    expect(create.properties?.lang?.enum).toEqual(['zh', 'en']);
    const accept = op('post', '/api/consult/{id}/accept').requestBody!.content['application/json']!.schema;
    expect(accept.required).toEqual(['text', 'patientId']);
    expect(op('post', '/fhir/{type}/_search').requestBody!.content['application/x-www-form-urlencoded']).toBeDefined();
  });

  it('lists the FHIR search parameters and the OperationOutcome errors', () => {
    const names = op('get', '/fhir/{type}')
      .parameters!.filter((p) => p.in === 'query')
      .map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['_count', '_offset', 'patient', 'code', 'date', '_lastUpdated']));
    expect(JSON.stringify((op('get', '/fhir/{type}/{id}') as { responses?: unknown }).responses)).toContain(
      '#/components/schemas/OperationOutcome',
    );
  });

  describe('the readable page', () => {
    it('is served without a credential, with every operation and who may call it, and no script or inline style', async () => {
      const res = await app.request('/api/docs');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
      expect(html).toContain('<link rel="stylesheet" href="/api/docs.css">');
      expect(html).toContain('/fhir/{type}/{id}/_history/{vid}');
      expect(html).toContain('Who may call it:</strong> admin <small>');
      expect(html).toMatch(/complaint <span class="req">required<\/span>/);
      const ops = Object.values(doc.paths ?? {}).reduce(
        (n, item) =>
          n +
          Object.keys(item as object).filter((k) => ['get', 'post', 'put', 'patch', 'delete', 'options'].includes(k))
            .length,
        0,
      );
      expect(html.match(/<section class="op"/g)).toHaveLength(ops);
    });

    it('serves its stylesheet as text/css without a credential', async () => {
      const res = await app.request('/api/docs.css');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/css');
      expect(await res.text()).toContain('.method');
    });
  });
});

describe('structural check', () => {
  const base = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    tags: [{ name: 'x' }],
    components: { schemas: { A: { type: 'object' } }, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
  const operation = (extra: object) => ({
    operationId: 'a',
    tags: ['x'],
    responses: { 200: { description: 'ok' } },
    ...extra,
  });

  it('finds undeclared path parameters, duplicate operationIds, dangling $refs and unknown schemes', () => {
    const broken = {
      ...base,
      openapi: '3.0.3',
      paths: {
        '/a/{id}': { get: operation({ security: [{ oauth: [] }] }) },
        '/b': {
          get: operation({
            responses: {
              200: {
                description: 'ok',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Missing' } } },
              },
            },
          }),
        },
      },
    } as unknown as OpenApiDocument;
    expect(structuralProblems(broken)).toEqual([
      "openapi is '3.0.3', not 3.1.x",
      "GET /a/{id}: path parameter 'id' is not declared",
      "GET /a/{id}: security scheme 'oauth' is not defined",
      "GET /b: operationId 'a' is also used by GET /a/{id}",
      "$ref '#/components/schemas/Missing' does not resolve",
    ]);
  });

  it('accepts a sound document', () => {
    const sound = {
      ...base,
      paths: {
        '/a/{id}': {
          get: operation({ parameters: [{ name: 'id', in: 'path', required: true }], security: [{ bearer: [] }] }),
        },
      },
    } as unknown as OpenApiDocument;
    expect(structuralProblems(sound)).toEqual([]);
  });
});
