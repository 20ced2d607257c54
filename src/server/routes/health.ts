import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { VERSION } from '../version.js';

/** Liveness needs no credential: it says nothing about patients. */
export const healthPolicies: RoutePolicies = { 'GET /health': 'public' };

/** `GET /health`: no auth, no patient data; 503 when the database does not answer. */
export function healthRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    try {
      await ctx.db.query('select 1');
      return c.json({ status: 'ok', version: VERSION, database: ctx.db.dialect, demo: ctx.config.demo });
    } catch {
      return c.json({ status: 'unavailable', version: VERSION, database: ctx.db.dialect }, 503);
    }
  });
  return app;
}
