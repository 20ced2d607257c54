import { Hono } from 'hono';
import { LlmLedger } from '../../llm/index.js';
import type { AppContext } from '../context.js';
import { ADMIN } from '../auth/authorize.js';
import type { AppEnv, RoutePolicies } from '../env.js';

/** Model use (which model answered what) is an administrator's page. */
export const llmPolicies: RoutePolicies = { 'GET /api/llm/calls': ADMIN };

/**
 * `/api/llm`: which models are configured and which answered what, with whether the text sent was
 * de-identified — for the workspace's model-use page. Prompts and answers are not returned here.
 */
export function llmRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ledger = new LlmLedger(ctx.db);
  app.get('/calls', async (c) => {
    const limit = Number(c.req.query('limit') ?? 200);
    const calls = await ledger.recent(Number.isFinite(limit) ? limit : 200);
    return c.json({
      providers: ctx.llm?.configured ? ctx.llm.status() : [],
      calls: calls.map((x) => ({ ...x, provider: x.provider ?? '-', model: x.model ?? '-', ok: x.status === 'ok' || x.status === 'cached', cached: x.status === 'cached' })),
    });
  });
  return app;
}
