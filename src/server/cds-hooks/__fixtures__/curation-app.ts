import { Hono } from 'hono';
import { isMedSeekError, loadConfig } from '../../../core/index.js';
import { importKnowledge } from '../../../knowledge/index.js';
import type { Database } from '../../../store/index.js';
import { type AppContext, openContext } from '../../context.js';
import type { AppEnv } from '../../env.js';
import { createLogger } from '../../logger.js';
import { kgRoutes } from '../../routes/kg.js';
import { cdsHooksRoutes } from '../routes.js';

/**
 * A curator's bench for the curation tests: the bundled CDS rules imported and active (`first`), the
 * knowledge API under a knowledge administrator's key (what app.ts's access control sets for it) and
 * the CDS Hooks services reading the active release.
 */
export async function curationApp(
  db: Database,
  options: { readonly requestId: string; readonly now?: () => string },
): Promise<{ ctx: AppContext; app: Hono<AppEnv>; first: number }> {
  const first = (await importKnowledge(db, 'cds', undefined, { activate: true })).releaseId;
  const ctx = await openContext(loadConfig({}, { demo: false, logLevel: 'silent' }), {
    db,
    demoLoader: false,
    logger: createLogger('silent'),
  });
  const app = new Hono<AppEnv>();
  app.onError((e, c) => c.json({ error: e.message }, isMedSeekError(e) ? 400 : 500));
  app.use('/api/*', async (c, next) => {
    c.set('principal', { kind: 'api-key', id: 'key:kg-admin', name: 'kg admin', role: 'admin' });
    c.set('requestId', options.requestId);
    await next();
  });
  app.route('/api/kg', kgRoutes({ db, audit: ctx.audit }));
  app.route(
    '/cds-services',
    cdsHooksRoutes(ctx, { auth: { mode: 'demo', trusted: [] }, ...(options.now ? { now: options.now } : {}) }),
  );
  return { ctx, app, first };
}
