import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/index.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

describe('web workspace at /', () => {
  let dir: string;
  let db: Database;
  let ctx: AppContext;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medseek-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>workspace</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("app")');
    db = await openDatabase();
    ctx = await openContext(loadConfig({}, { apiKeys: ['k'], demo: false }), {
      db,
      logger: createLogger('silent'),
      jwt: {},
    });
  });

  afterAll(async () => {
    await ctx?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the built files without auth, index.html for client routes, and keeps the API behind auth', async () => {
    process.env.MEDSEEK_WEB_DIR = dir;
    try {
      const app = createApp(ctx);
      const home = await app.request('/');
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('workspace');
      const js = await app.request('/assets/app.js');
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toContain('javascript');
      const route = await app.request('/patients/p1', { headers: { Accept: 'text/html' } });
      expect(await route.text()).toContain('workspace');
      expect((await app.request('/assets/missing.js')).status).toBe(404);
      expect((await app.request('/fhir/Patient')).status).toBe(401);
      expect((await app.request('/api/anything')).status).toBe(401);
    } finally {
      delete process.env.MEDSEEK_WEB_DIR;
    }
  });

  it('shows a page pointing at the API when the workspace is not built', async () => {
    process.env.MEDSEEK_WEB_DIR = join(dir, 'not-there');
    try {
      const res = await createApp(ctx).request('/');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('/fhir/metadata');
    } finally {
      delete process.env.MEDSEEK_WEB_DIR;
    }
  });
});
