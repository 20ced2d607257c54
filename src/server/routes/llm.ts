import { Hono } from 'hono';
import { z } from 'zod';
import { LlmLedger } from '../../llm/index.js';
import type { AppContext } from '../context.js';
import { ADMIN } from '../auth/authorize.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { query } from '../validate.js';

/** Model use (which model answered what) is an administrator's page. */
export const llmPolicies: RoutePolicies = { 'GET /api/llm/calls': ADMIN };

/**
 * `/api/llm`: which models are configured and which answered what, with whether the text sent was
 * de-identified — for the workspace's model-use page. Prompts and answers are not returned here.
 */
/** `limit`: how many of the most recent calls (default 200). */
export const llmCallsQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,6}$/, 'must be a whole number')
    .transform(Number)
    .optional(),
});

export function llmRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ledger = new LlmLedger(ctx.db);
  app.get('/calls', query(llmCallsQuery), async (c) => {
    const calls = await ledger.recent(c.req.valid('query').limit ?? 200);
    return c.json({
      providers: ctx.llm?.configured ? ctx.llm.status() : [],
      calls: calls.map((x) => ({
        ...x,
        provider: x.provider ?? '-',
        model: x.model ?? '-',
        ok: x.status === 'ok' || x.status === 'cached',
        cached: x.status === 'cached',
      })),
    });
  });
  return app;
}
