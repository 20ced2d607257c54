import { composeDischargeSummary, encounterDocuments, type SummarizeOptions } from '../../compose/index.js';
import { notFound, type Sql } from '../../core/index.js';
import { type AnyResource, buildPatientState } from '../../fusion/index.js';
import { llmClientFromEnv } from '../../llm/index.js';
import { createResourceRepository } from '../../store/index.js';
import { AuditLog } from '../audit/audit-log.js';
import { type SummaryDraft, SummaryDraftStore } from '../signoff/index.js';
import type { JobHandler } from './types.js';

/** The model a summarize job writes with: what the composer needs, and a way to let it go. */
export type SummaryModel = NonNullable<SummarizeOptions['llm']> & { close?(): Promise<void> };

export interface SummarizeSettings {
  /** A model for one job (default: the environment's, MEDSEEK_LLM_* / DEEPSEEK_API_KEY, closed after the job). */
  readonly llm?: () => SummaryModel;
}

/**
 * A discharge summary as a job: composed and verified as `POST /api/patients/{id}/summary` does, with
 * the model's batch deadline (MEDSEEK_LLM_BATCH_DEADLINE_MS: nobody is waiting at a screen), and stored
 * as a workspace draft whose id is the job's id, so the clinician opens, edits and signs it there.
 *
 * One job, one draft: an attempt first looks for the draft its job stored (an attempt that died after
 * storing it, or a redelivery) and reports it; a model failure (no answer in time, unusable text)
 * throws before anything is stored, so the job is tried again later with the model; the last attempt
 * stores the verified template text instead, as the synchronous route would at once.
 */
export function summarizeHandler(db: Sql, settings: SummarizeSettings = {}): JobHandler<'summarize'> {
  const drafts = new SummaryDraftStore(db);
  return async (data, ctx) => {
    if (typeof data?.encounterId !== 'string' || !data.encounterId)
      throw new Error('summarize job: data.encounterId names no Encounter');
    if (data.lang !== 'zh' && data.lang !== 'en') throw new Error("summarize job: data.lang must be 'zh' or 'en'");
    if (!data.requestedBy?.principal) throw new Error('summarize job: data.requestedBy names nobody');
    const stored = await drafts.get(ctx.id);
    if (stored) {
      await ctx.progress({ done: 3, total: 3, items: 1, message: 'draft stored' });
      return draftResult(stored, { alreadyStored: true });
    }

    const repo = createResourceRepository(db);
    const encounter = await repo.read('Encounter', data.encounterId);
    if (!encounter || encounter.deleted)
      throw notFound(`summarize job: no Encounter/${data.encounterId} in the store`, { field: 'encounterId' });
    const patientId = encounter.patientId;
    if (!patientId) throw new Error(`summarize job: Encounter/${data.encounterId} names no patient`);
    const everything = (await repo.everything(patientId)).filter((e) => !e.deleted);
    const state = await buildPatientState(db, { everything: async () => everything }, patientId, {
      encounterId: data.encounterId,
    });
    const documents = encounterDocuments(everything.map((e) => e.resource as AnyResource));
    await ctx.progress({ done: 1, total: 3, items: 0, message: 'record read' });

    const model = settings.llm ? settings.llm() : llmClientFromEnv({ sql: db });
    let result: Awaited<ReturnType<typeof composeDischargeSummary>>;
    try {
      const deadline = model.deadline?.('batch');
      result = await composeDischargeSummary(state, {
        lang: data.lang,
        encounterId: data.encounterId,
        documents,
        llm: model,
        ...(deadline ? { deadline } : {}),
      });
    } finally {
      await model.close?.();
    }
    if (result.fallback && ctx.attempt < ctx.maxAttempts)
      throw new Error(`summarize job: the model failed (${result.fallback.reason}); tried again later`);
    await ctx.progress({ done: 2, total: 3, items: 0, message: 'composed and verified' });

    const draft = await storeOnce(drafts, {
      id: ctx.id,
      patientId,
      encounterId: result.document.encounterId ?? data.encounterId,
      lang: data.lang,
      document: result.document,
      createdBy: data.requestedBy.principal,
    });
    if (draft.created)
      await new AuditLog(db).record([
        {
          principal: data.requestedBy.principal,
          principalKind: data.requestedBy.kind,
          action: 'compose',
          resource: `Patient/${patientId}/summary/${draft.draft.id}?encounter=${data.encounterId}`,
          patientId,
          purpose: 'TREAT',
          outcome: 200,
          detail: { job: ctx.id },
        },
      ]);
    await ctx.progress({ done: 3, total: 3, items: 1, message: 'draft stored' });
    return {
      ...draftResult(draft.draft, { alreadyStored: !draft.created }),
      claims: result.report.counts,
      blocked: result.report.blocked,
      attempts: result.attempts,
      ...(result.fallback ? { fallback: result.fallback.reason } : {}),
      unreconciled: result.unreconciled,
    };
  };
}

/**
 * Stores the job's draft; when another attempt at the same job (a lost one that was still running)
 * stored it first, the primary key refuses this one and that draft is the job's.
 */
async function storeOnce(
  drafts: SummaryDraftStore,
  input: Parameters<SummaryDraftStore['create']>[0] & { id: string },
): Promise<{ draft: SummaryDraft; created: boolean }> {
  try {
    return { draft: await drafts.create(input), created: true };
  } catch (e) {
    const other = await drafts.get(input.id);
    if (other) return { draft: other, created: false };
    throw e;
  }
}

function draftResult(d: SummaryDraft, extra: { alreadyStored: boolean }): Record<string, unknown> {
  return {
    draftId: d.id,
    patientId: d.patientId,
    ...(d.encounterId ? { encounterId: d.encounterId } : {}),
    lang: d.lang,
    createdAt: d.createdAt,
    model: d.document.model,
    ...extra,
  };
}
