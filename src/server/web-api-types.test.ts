import { describe, expectTypeOf, it } from 'vitest';
import type { SummaryResult as ComposedSummary } from '../compose/index.js';
import type { Reply } from '../reasoning/consultation/session.js';
import type { QueuedSession } from '../reasoning/consultation/store.js';
import type { FaithfulnessReport, VerifiedClaim as ServerClaim } from '../verify/index.js';
import type * as Web from '../../web/src/types.js';
import type { ConsultEvent } from './notify.js';
import type { z } from 'zod';
import type * as WebApi from '../../web/src/api.js';
import type { RuleBookReview } from './knowledge-releases.js';
import type { acceptBody, answerBody, createBody, draftBody } from './routes/schemas/consult.js';
import type { acceptClaimBody, feedbackBody, signBody, summaryBody, verifyBody } from './routes/schemas/patients.js';
import type { SignoffPolicy } from './signoff/index.js';
import type { AlertDecision } from './routes/alert-decisions.js';
import type { WorkspaceAlert, WorkspaceQuality } from './routes/alert-views.js';
import type { DifferentialEntry } from '../reasoning/diagnosis/text-case.js';
import type { alertDecisionBody } from './routes/schemas/alerts.js';

/**
 * The web workspace's view of the API (web/src/types.ts) against what the server sends: each
 * assertion says a server value is assignable to the type the web reads it as. They are checked by
 * the typecheck (`npx tsc --noEmit -p .`, which compiles this file), so a field renamed, removed or
 * retyped on one side fails it. The record's and reasoners' types the web imports from src/core
 * directly, so those cannot differ at all.
 */
describe('the web reads the API as the server writes it', () => {
  it('verification reports and claims', () => {
    expectTypeOf<ServerClaim>().toExtend<Web.VerifiedClaim>();
    expectTypeOf<FaithfulnessReport>().toExtend<Web.Report>();
  });

  it('the composed summary and the sign-off policy', () => {
    expectTypeOf<ComposedSummary>().toExtend<
      Omit<Web.SummaryResult, 'draftId' | 'draft' | 'policy' | 'citationSources'>
    >();
    expectTypeOf<SignoffPolicy>().toExtend<Web.SignoffPolicy>();
    expectTypeOf<SignoffPolicy['acceptances'][number]>().toExtend<Web.ClaimAcceptance>();
  });

  it('pre-consultation replies, the queue and its events', () => {
    expectTypeOf<Reply>().toExtend<Web.ConsultReply>();
    expectTypeOf<QueuedSession>().toExtend<Web.QueuedConsult>();
    expectTypeOf<ConsultEvent>().toExtend<Web.ConsultEvent>();
  });

  it('the knowledge releases with the rule book review', () => {
    expectTypeOf<RuleBookReview>().toExtend<Web.RuleBookReview>();
  });

  it('workspace alerts with their suggestions and override reasons, and the decision on one', () => {
    expectTypeOf<WorkspaceAlert>().toExtend<WebApi.WorkspaceAlert>();
    expectTypeOf<WorkspaceAlert>().toExtend<WebApi.AlertsResponse['alerts'][number]>();
    expectTypeOf<AlertDecision>().toExtend<WebApi.AlertDecision>();
    expectTypeOf<WorkspaceQuality>().toExtend<WebApi.AlertsResponse['quality'][number]>();
    expectTypeOf<DifferentialEntry>().toExtend<Web.DifferentialEntry>();
    expectTypeOf<WebApi.AlertDecisionRequest>().toEqualTypeOf<z.input<typeof alertDecisionBody>>();
    expectTypeOf<{ decision: 'override'; reason: string }>().toExtend<WebApi.AlertDecisionRequest>();
    expectTypeOf<{ decision: 'overrule' }>().not.toExtend<WebApi.AlertDecisionRequest>();
  });

  it('request bodies are the input side of the routes’ own schemas, not copies', () => {
    expectTypeOf<WebApi.SummaryRequest>().toEqualTypeOf<z.input<typeof summaryBody>>();
    expectTypeOf<WebApi.VerifyRequest>().toEqualTypeOf<z.input<typeof verifyBody>>();
    expectTypeOf<WebApi.AcceptClaimRequest>().toEqualTypeOf<z.input<typeof acceptClaimBody>>();
    expectTypeOf<WebApi.SignRequest>().toEqualTypeOf<z.input<typeof signBody>>();
    expectTypeOf<WebApi.FeedbackRequest>().toEqualTypeOf<z.input<typeof feedbackBody>>();
    expectTypeOf<WebApi.ConsultCreateRequest>().toEqualTypeOf<z.input<typeof createBody>>();
    expectTypeOf<WebApi.ConsultAnswerRequest>().toEqualTypeOf<z.input<typeof answerBody>>();
    expectTypeOf<WebApi.OutpatientDraftRequest>().toEqualTypeOf<z.input<typeof draftBody>>();
    expectTypeOf<WebApi.OutpatientAcceptRequest>().toEqualTypeOf<z.input<typeof acceptBody>>();
    // What the editor sends without a draft yet (lang only) is a body the summary route takes.
    expectTypeOf<{ lang: 'en' }>().toExtend<WebApi.SummaryRequest>();
    expectTypeOf<{ text: number }>().not.toExtend<WebApi.VerifyRequest>();
  });
});
