import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { body } from '../validate.js';
import { STYLE_CSS } from './approval-page.js';
import { authorizeGet, authorizePost } from './authorize.js';
import { openidConfiguration, smartConfiguration } from './discovery.js';
import { launchGet } from './launch.js';
import { pullBody, pullPost } from './pull-route.js';
import { signingKey } from './signing-key.js';
import { cors, tokenOptions, tokenPost } from './token-endpoint.js';
import { issuerOf } from './tokens.js';

/**
 * SMART App Launch 2.x (issue 14): MedSeek's own authorization server for its FHIR endpoint —
 * discovery, authorize (approval page), token, JWKS, EHR launch — and the workspace's pull of an
 * EHR-launched patient. The OAuth pages are public: they find the logged-in user themselves.
 */
export const smartPolicies: RoutePolicies = {
  'GET /fhir/.well-known/smart-configuration': 'public',
  'GET /.well-known/openid-configuration': 'public',
  'GET /oauth2/jwks': 'public',
  'GET /oauth2/style.css': 'public',
  'GET /oauth2/authorize': 'public',
  'POST /oauth2/authorize': 'public',
  'POST /oauth2/token': 'public',
  'OPTIONS /oauth2/token': 'public',
  'GET /oauth2/launch': { roles: ['clinician', 'admin'] },
  'POST /api/smart/pull': { roles: ['clinician', 'admin'] },
};

export function smartRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/fhir/.well-known/smart-configuration', (c) => {
    cors(c);
    return c.json(smartConfiguration(issuerOf(c.req.url)));
  });
  app.get('/.well-known/openid-configuration', (c) => {
    cors(c);
    return c.json(openidConfiguration(issuerOf(c.req.url)));
  });
  app.get('/oauth2/jwks', async (c) => {
    cors(c);
    return c.json({ keys: [(await signingKey(ctx.db)).publicJwk] });
  });
  app.get('/oauth2/style.css', (c) =>
    c.body(STYLE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }),
  );
  app.get('/oauth2/authorize', (c) => authorizeGet(ctx, c));
  app.post('/oauth2/authorize', (c) => authorizePost(ctx, c));
  app.post('/oauth2/token', (c) => tokenPost(ctx, c));
  app.options('/oauth2/token', (c) => tokenOptions(c));
  app.get('/oauth2/launch', (c) => launchGet(ctx, c));
  app.post('/api/smart/pull', body(pullBody), (c) => pullPost(ctx, c));
  return app;
}
