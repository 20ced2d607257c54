import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { askRecord, MAX_QUESTION_LENGTH, mcpToolCaller } from '../../agents/index.js';
import { lexiconSnapshot } from '../../knowledge/index.js';
import { releaseLexicon } from '../../nlp/index.js';
import { auditEvents } from '../audit/request.js';
import { refusePatient, STAFF } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { body, params } from '../validate.js';
import { agentAccess, medSeekMcp } from './mcp.js';
import { activeSafetyRules, drugIndex } from '../../reasoning/index.js';

/** Staff only, as the other whole-record routes of the workspace. */
export const askPolicies: RoutePolicies = { 'POST /api/patients/:id/ask': STAFF };

export const askParams = z.object({ id: z.string().min(1).max(64) });
export const askBody = z.object({
  question: z.string().trim().min(1, 'must not be empty').max(MAX_QUESTION_LENGTH),
  lang: z.enum(['zh', 'en', 'auto']).optional(),
});

/**
 * `POST /api/patients/:id/ask {question, lang?}`: ask the record (docs/ask.md). The question is
 * answered through MedSeek's MCP tools as the request's principal (each tool's read audited with
 * this request's purpose, address and id), and the ask itself is audited as `ask`. Every shown
 * sentence cites its facts and was verified; with a configured model, an agent loop answers and
 * its trace is stored (llm_tool_trace).
 */
export function askRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const mcp = medSeekMcp(ctx);

  // The workspace is trusted with the record, as its other routes are.
  const accessOf = (c: Context<AppEnv>) => agentAccess(ctx, c, { deidentify: false, via: 'ask' });

  app.post('/:id/ask', params(askParams), body(askBody, { jsonOnly: true }), async (c) => {
    const { id } = c.req.valid('param');
    const { question, lang } = c.req.valid('json');
    if (!(await ctx.patientScope.allows(c.get('principal'), id))) return refusePatient(ctx, c, id);
    const audit = (outcome: number) =>
      ctx.audit.record(auditEvents(c, { action: 'ask', resource: `Patient/${id}/ask`, outcome, patients: [id] }));
    const caller = await mcpToolCaller((a) => mcp.server(a), accessOf(c));
    try {
      const answer = await askRecord(caller, {
        patientId: id,
        question,
        lang: lang ?? 'auto',
        lexicon: releaseLexicon(await lexiconSnapshot(ctx.db)),
        drugs: drugIndex(await activeSafetyRules(ctx.db)),
        traceSql: ctx.db,
        ...(ctx.llm ? { llm: ctx.llm } : {}),
      });
      await audit(200);
      return c.json(answer);
    } catch (e) {
      const code = (e as { code?: string }).code;
      await audit(code === 'not-found' ? 404 : code === 'invalid' ? 400 : code === 'forbidden' ? 403 : 500);
      throw e;
    } finally {
      await caller.close();
    }
  });
  return app;
}
