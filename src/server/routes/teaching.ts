import { Hono } from 'hono';
import { z } from 'zod';
import { invalid, type Lang, notFound, type Sql } from '../../core/index.js';
import { KnowledgeGraph } from '../../knowledge/index.js';
import type { LlmClient } from '../../llm/index.js';
import { releaseNetworks } from '../../reasoning/index.js';
import {
  activeReasoner,
  type CaseLibrary,
  type GeneratedQuestions,
  generateQuestions,
  loadCaseLibrary,
  QUESTION_KINDS,
  type Reasoner,
  STEPS,
  stepFeedback,
  stepProse,
  stepTitle,
  type TeachingCase,
  unkeyed,
} from '../../teaching/index.js';
import { STAFF } from '../auth/authorize.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { body, params, query } from '../validate.js';

/**
 * Clinicians and admins use the teaching routes, as the other clinician routes. They are not audited
 * as patient reads: a case is built from de-identified files (the demo patients, CCKS 2017, Synthea —
 * teaching/library.ts), never from this hospital's patient store, and names no patient; the practice
 * questions are knowledge, not patient data.
 */
export const teachingPolicies: RoutePolicies = {
  'GET /api/teaching/cases': STAFF,
  'GET /api/teaching/cases/:id': STAFF,
  'POST /api/teaching/cases/:id/steps/:step/answer': STAFF,
  'GET /api/teaching/questions': STAFF,
  'POST /api/teaching/questions/:id/answer': STAFF,
};

const lang = z.enum(['zh', 'en'], 'must be zh or en');
const stepNumber = z.coerce
  .number('must be a whole number')
  .int('must be a whole number')
  .min(0, `must be 0 to ${STEPS.length - 1}`)
  .max(STEPS.length - 1, `must be 0 to ${STEPS.length - 1}`);

export const teachingCasesQuery = z.object({ lang: lang.optional().describe('Language of the titles (default en)') });
export const teachingCaseParams = z.object({ id: z.string().regex(/^case-[0-9a-f]{12}$/, 'is not a case id') });
export const teachingCaseQuery = z.object({
  step: stepNumber.optional().describe('Reveal the steps up to this one (0: presenting complaint … 4: diagnosis)'),
  lang: lang.optional(),
  prose: z
    .enum(['record', 'model'], 'must be record or model')
    .optional()
    .describe(
      'model: a configured model rewrites the newest step, kept only when the verifier finds every claim in the record',
    ),
});
// A path parameter is always given: a string pattern (a coerced number reads as optional in the OpenAPI document).
export const teachingStepParams = teachingCaseParams.extend({
  step: z.string().regex(new RegExp(`^[0-${STEPS.length - 1}]$`), `must be 0 to ${STEPS.length - 1}`),
});
export const teachingAnswerBody = z.object({
  differential: z.array(z.string().max(200, 'is longer than 200 characters')).max(20, 'at most 20').default([]),
  tests: z.array(z.string().max(200, 'is longer than 200 characters')).max(20, 'at most 20').default([]),
  lang: lang.optional(),
});
export const teachingQuestionsQuery = z.object({
  kind: z.enum(QUESTION_KINDS as [string, ...string[]], `must be one of ${QUESTION_KINDS.join(', ')}`).optional(),
  limit: z.coerce
    .number('must be a whole number')
    .int()
    .min(1, 'must be 1 to 500')
    .max(500, 'must be 1 to 500')
    .optional(),
  offset: z.coerce.number('must be a whole number').int().min(0, 'must not be negative').optional(),
});
export const teachingQuestionParams = z.object({ id: z.string().regex(/^q-[0-9a-f]{12}$/, 'is not a question id') });
export const teachingChoiceBody = z.object({ choice: z.string().min(1, 'is required').max(300) });

export interface TeachingServices {
  readonly db: Sql;
  readonly llm?: LlmClient;
  /** The case library (default: the demo patients, plus MEDSEEK_TEACHING_DATA when set). */
  readonly library?: () => CaseLibrary;
}

/**
 * `/api/teaching/…`:
 * - GET  cases — the case list (presenting complaint only)
 * - GET  cases/:id?step=N — the case revealed up to step N
 * - POST cases/:id/steps/:step/answer `{differential, tests}` — the learner's answer against MedSeek's
 *   differential on the same revealed text (with its evidence and knowledge sources) and the record
 * - GET  questions?kind=&limit=&offset= — practice questions without their keys
 * - POST questions/:id/answer `{choice}` — right or wrong, the key, its explanation and its source
 */
export function teachingRoutes(ctx: TeachingServices): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let library: CaseLibrary | undefined;
  const cases = () => {
    library ??=
      ctx.library?.() ??
      loadCaseLibrary(process.env.MEDSEEK_TEACHING_DATA ? { dataDir: process.env.MEDSEEK_TEACHING_DATA } : {});
    return library;
  };
  const byId = (id: string): TeachingCase => {
    const c = cases().cases.find((x) => x.id === id);
    if (!c) throw notFound(`no teaching case ${id}`, { field: 'id' });
    return c;
  };
  const networks = releaseNetworks(ctx.db);
  const reasoners = new Map<number, Promise<Reasoner>>();
  const reasoner = async (): Promise<Reasoner> => {
    const { releaseId } = await new KnowledgeGraph(ctx.db).resolveRelease();
    let r = reasoners.get(releaseId);
    if (!r) {
      r = activeReasoner(ctx.db, networks);
      r.catch(() => reasoners.delete(releaseId));
      reasoners.set(releaseId, r);
    }
    return r;
  };
  // Questions are generated once per release (releases do not change), each checked before it is kept.
  const generated = new Map<number, Promise<GeneratedQuestions>>();
  const questions = async (): Promise<GeneratedQuestions> => {
    const kg = new KnowledgeGraph(ctx.db);
    const { releaseId } = await kg.resolveRelease();
    let g = generated.get(releaseId);
    if (!g) {
      g = generateQuestions(kg, { release: releaseId });
      g.catch(() => generated.delete(releaseId));
      generated.set(releaseId, g);
    }
    return g;
  };

  app.get('/cases', query(teachingCasesQuery), (c) => {
    const l: Lang = c.req.valid('query').lang ?? 'en';
    const lib = cases();
    return c.json({
      cases: lib.cases.map((x) => ({
        id: x.id,
        origin: x.origin,
        lang: x.lang,
        ...(x.sex ? { sex: x.sex } : {}),
        ...(x.age ? { age: x.age } : {}),
        complaint: x.steps[0]!.text,
        steps: STEPS.map((k) => stepTitle(k, l)),
        dataset: l === 'zh' ? (x.dataset.zh ?? x.dataset.en) : x.dataset.en,
      })),
      skipped: lib.skipped.length,
    });
  });

  app.get('/cases/:id', params(teachingCaseParams), query(teachingCaseQuery), async (c) => {
    const { id } = c.req.valid('param');
    const { step = 0, lang: l, prose } = c.req.valid('query');
    const tc = byId(id);
    const shown = l ?? tc.lang;
    const writer =
      prose === 'model' && ctx.llm?.configured
        ? async (prompt: string) => {
            // The case text is de-identified already; it names no patient.
            const r = await ctx.llm!.chat({ prompt, purpose: 'teaching/case-prose', identifiable: false });
            if (!r.ok) throw new Error(r.use.reason ?? 'no answer');
            return r.value;
          }
        : undefined;
    const steps = await Promise.all(
      tc.steps.slice(0, step + 1).map(async (s, i) => {
        const p = i === step ? await stepProse(tc, i, writer, shown) : { text: s.text, by: 'record' as const };
        return { key: s.key, title: stepTitle(s.key, shown), ...p };
      }),
    );
    return c.json({
      id: tc.id,
      origin: tc.origin,
      lang: tc.lang,
      ...(tc.sex ? { sex: tc.sex } : {}),
      ...(tc.age ? { age: tc.age } : {}),
      dataset: shown === 'zh' ? (tc.dataset.zh ?? tc.dataset.en) : tc.dataset.en,
      total: STEPS.length,
      steps,
    });
  });

  app.post('/cases/:id/steps/:step/answer', params(teachingStepParams), body(teachingAnswerBody), async (c) => {
    const { id } = c.req.valid('param');
    const step = Number(c.req.valid('param').step);
    const { differential, tests, lang: l } = c.req.valid('json');
    const tc = byId(id);
    const r = await reasoner();
    return c.json(stepFeedback(tc, step, { differential, tests }, r, l ?? tc.lang));
  });

  app.get('/questions', query(teachingQuestionsQuery), async (c) => {
    const { kind, limit = 20, offset = 0 } = c.req.valid('query');
    const g = await questions();
    const list = g.questions.filter((q) => !kind || q.kind === kind);
    return c.json({
      release: g.release,
      total: list.length,
      counts: g.counts,
      questions: list.slice(offset, offset + limit).map(unkeyed),
    });
  });

  app.post('/questions/:id/answer', params(teachingQuestionParams), body(teachingChoiceBody), async (c) => {
    const { id } = c.req.valid('param');
    const { choice } = c.req.valid('json');
    const g = await questions();
    const q = g.questions.find((x) => x.id === id);
    if (!q) throw notFound(`no practice question ${id} in release ${g.release}`, { field: 'id' });
    if (!q.options.some((o) => o.id === choice))
      throw invalid(`${choice} is not an option of question ${id}`, { field: 'choice' });
    return c.json({
      id,
      correct: choice === q.answer,
      answer: q.answer,
      explanation: q.explanation,
      source: q.source,
    });
  });

  return app;
}
