import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Sql } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import type { NetworkResolver } from '../../reasoning/index.js';
import { ConsultationService, knowledgeBaseResolver, listSessions, reportText } from '../../reasoning/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditEvents } from '../audit/request.js';
import type { AppEnv } from '../env.js';

/**
 * `/api/consult/…`: pre-consultation (预问诊) sessions over HTTP, the same engine as `medseek consult`.
 * - POST /            {complaint, lang?, kb?, age?, sex?, informant?, channel?} → 201 {session, reply}
 * - POST /:id/answers {text} → {session, reply} (a re-prompt keeps the question; an emergency ends the session)
 * - GET  /            the clinicians' queue (emergencies first, then completed sessions)
 * - GET  /:id         the stored session, its dialogue and the question it waits on (resume)
 * - GET  /:id/report?format=json|text&lang=zh|en   the 预问诊报告 for the doctor (physician-only differential)
 * The patient-facing replies never carry a diagnosis (consultation.md PC-05).
 */
const createBody = z.object({
  complaint: z.string().min(1).max(2000),
  lang: z.enum(['zh', 'en']).default('zh'),
  kb: z.string().min(1).max(100).default('release'),
  age: z.number().min(0).max(130).optional(),
  sex: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  informant: z.string().max(100).optional(),
  channel: z.string().max(50).optional(),
});
const answerBody = z.object({ text: z.string().max(2000) });

export function consultRoutes(ctx: { readonly db: Sql; readonly resolve?: NetworkResolver; readonly audit?: AuditLog }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Sessions hold what a patient told us: every read of one is audited like any patient record.
  const audit = async (c: Context<AppEnv>, action: string, resource: string) => ctx.audit?.record(auditEvents(c, { action, resource, outcome: 200, patients: [] }));
  const service = new ConsultationService(ctx.db, ctx.resolve ?? knowledgeBaseResolver({ sql: ctx.db }));

  app.post('/', async (c) => {
    const body = parse(createBody, await json(c.req.raw));
    const r = await service.create(body);
    return c.json({ session: summary(r.session), reply: r.reply }, 201);
  });

  // The clinicians' queue: emergencies first, then finished pre-consultations, newest first.
  app.get('/', async (c) => {
    const limit = Number(c.req.query('limit') ?? 100);
    const sessions = await listSessions(ctx.db, { limit: Number.isInteger(limit) ? limit : 100 });
    await audit(c, 'search', 'consult-sessions');
    return c.json({ sessions });
  });

  app.post('/:id/answers', async (c) => {
    const body = parse(answerBody, await json(c.req.raw));
    const r = await service.answer(c.req.param('id'), body.text);
    return c.json({ session: summary(r.session), reply: r.reply });
  });

  app.get('/:id', async (c) => {
    const r = await service.resume(c.req.param('id'));
    await audit(c, 'read', `consult-session/${c.req.param('id')}`);
    return c.json({ session: summary(r.session), transcript: r.transcript, ...(r.lastPrompt ? { lastPrompt: r.lastPrompt } : {}) });
  });

  app.get('/:id/report', async (c) => {
    const format = c.req.query('format') ?? 'json';
    const lang = c.req.query('lang') ?? 'zh';
    if (format !== 'json' && format !== 'text') throw invalid(`format must be json or text, got '${format}'`, { field: 'format' });
    if (lang !== 'zh' && lang !== 'en') throw invalid(`lang must be zh or en, got '${lang}'`, { field: 'lang' });
    const report = await service.report(c.req.param('id'));
    await audit(c, 'read', `consult-session/${c.req.param('id')}/report`);
    return format === 'text' ? c.text(reportText(report, lang)) : c.json(report);
  });
  return app;
}

function summary(s: import('../../reasoning/index.js').ConsultState) {
  return { id: s.id, kb: s.kb, lang: s.lang, status: s.status, stage: s.stage, turn: s.turn, ...(s.triage ? { triage: s.triage } : {}), redFlags: s.redFlags.positive };
}

async function json(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw invalid('the body must be JSON', { field: 'body' });
  }
}

function parse<T extends z.ZodType>(schema: T, v: unknown): z.infer<T> {
  const r = schema.safeParse(v);
  if (!r.success) {
    const first = r.error.issues[0]!;
    throw invalid(first.message, { field: first.path.join('.') || 'body' });
  }
  return r.data;
}
