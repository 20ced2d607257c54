import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { staticFiles } from '../static-files.js';
import { VERSION } from '../version.js';

/** The workspace's static files and landing page hold no data: public (the API behind them is not). */
export const webPolicies: RoutePolicies = { 'GET /*': 'public', 'GET /': 'public' };

/**
 * The web workspace: `web/dist` (Vite's build) served at `/` when it exists, with `index.html` for
 * client-side routes, compressed and cached as static-files.ts says; otherwise a small page pointing at the API.
 * `MEDSEEK_WEB_DIR` overrides.
 */
export function webRoutes(ctx: AppContext, webDir: string | undefined = findWebDist()): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  if (webDir) {
    app.use('*', ...staticFiles(webDir));
    const index = join(webDir, 'index.html');
    app.get('*', (c) => {
      if (!existsSync(index) || !(c.req.header('accept') ?? '').includes('text/html')) return c.notFound();
      c.header('Cache-Control', 'no-cache');
      return c.html(readFileSync(index, 'utf8'));
    });
    return app;
  }
  app.get('/', (c) => c.html(landingPage(ctx.config.demo)));
  return app;
}

export function findWebDist(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MEDSEEK_WEB_DIR) return existsSync(env.MEDSEEK_WEB_DIR) ? env.MEDSEEK_WEB_DIR : undefined;
  // src/server/routes → repo root is three up; dist/src/server/routes → four up.
  for (const rel of ['../../../web/dist', '../../../../web/dist']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

function landingPage(demo: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MedSeek</title>
</head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem"><h1>MedSeek ${VERSION}</h1>
<p>The web workspace is not built (<code>web/dist</code> is missing). The API is running:</p>
<ul>
<li><a href="/health">/health</a>: status</li>
<li><a href="/fhir/metadata">/fhir/metadata</a>: FHIR R4 CapabilityStatement</li>
<li><a href="/fhir/Patient">/fhir/Patient</a>: patients${demo ? ' (demo mode: no key needed)' : ' (send <code>Authorization: Bearer &lt;key&gt;</code>)'}</li>
<li><a href="/api/audit">/api/audit</a>: the audit log</li>
</ul></body></html>`;
}
