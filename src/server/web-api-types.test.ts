import { describe, expectTypeOf, it } from 'vitest';
import type { SummaryResult as ComposedSummary } from '../compose/index.js';
import type { Reply } from '../reasoning/consultation/session.js';
import type { QueuedSession } from '../reasoning/consultation/store.js';
import type { FaithfulnessReport, VerifiedClaim as ServerClaim } from '../verify/index.js';
import type * as Web from '../../web/src/types.js';
import type { ConsultEvent } from './notify.js';
import type { SignoffPolicy } from './signoff/index.js';

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
});
