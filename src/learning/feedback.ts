import type { Assertion, Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import { ASSERTIONS } from './curation.js';

export type FeedbackTarget = 'claim' | 'diagnosis' | 'alert' | 'quality' | 'question' | 'summary' | 'fact';
export type FeedbackVerdict = 'accept' | 'reject' | 'correct';

const targets: readonly FeedbackTarget[] = ['claim', 'diagnosis', 'alert', 'quality', 'question', 'summary', 'fact'];
const verdicts: readonly FeedbackVerdict[] = ['accept', 'reject', 'correct'];

export interface FeedbackInput {
  readonly targetKind: FeedbackTarget;
  readonly targetId: string;
  readonly patientId?: string;
  readonly verdict: FeedbackVerdict;
  /** Why; required when rejecting or correcting, so the feedback can teach something. */
  readonly reason?: string;
  /** The corrected text or value, with `correct`. */
  readonly correction?: string;
  /** The rule or model that produced the target (`ddi/warfarin-nsaid`, `diagnosis/noisy-or`). */
  readonly producer?: string;
  readonly principal: string;
  readonly context?: Record<string, unknown>;
}

export interface FeedbackRow extends FeedbackInput {
  readonly id: string;
  readonly createdAt: string;
}

/** Checks a feedback body from outside (API, CLI) and names the field that is wrong. */
export function parseFeedback(body: unknown, principal: string): FeedbackInput {
  if (!body || typeof body !== 'object') throw invalid('the body must be a JSON object', { field: 'body' });
  const b = body as Record<string, unknown>;
  const str = (k: string, max = 4000) => {
    const v = b[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw invalid(`must be a string`, { field: k });
    if (v.length > max) throw invalid(`longer than ${max} characters`, { field: k });
    return v;
  };
  const targetKind = str('targetKind') as FeedbackTarget | undefined;
  if (!targetKind || !targets.includes(targetKind))
    throw invalid(`must be one of ${targets.join(', ')}`, { field: 'targetKind' });
  const targetId = str('targetId', 200);
  if (!targetId) throw invalid('is required', { field: 'targetId' });
  const verdict = str('verdict') as FeedbackVerdict | undefined;
  if (!verdict || !verdicts.includes(verdict))
    throw invalid(`must be one of ${verdicts.join(', ')}`, { field: 'verdict' });
  const reason = str('reason');
  if (verdict !== 'accept' && !reason?.trim()) throw invalid(`a reason is required to ${verdict}`, { field: 'reason' });
  const correction = str('correction');
  if (verdict === 'correct' && !correction?.trim())
    throw invalid('the corrected text is required', { field: 'correction' });
  const context = b.context;
  if (context !== undefined && (typeof context !== 'object' || context === null || Array.isArray(context)))
    throw invalid('must be an object', { field: 'context' });
  if (targetKind === 'fact' && verdict === 'correct')
    checkFactCorrection(context as Record<string, unknown> | undefined);
  return {
    targetKind,
    targetId,
    verdict,
    principal,
    ...(str('patientId', 200) ? { patientId: str('patientId', 200) } : {}),
    ...(reason ? { reason } : {}),
    ...(correction ? { correction } : {}),
    ...(str('producer', 200) ? { producer: str('producer', 200) } : {}),
    ...(context ? { context: context as Record<string, unknown> } : {}),
  };
}

/**
 * A correction of an extracted fact says what the fact should have been, so it can become a curation candidate
 * (curation.ts): `context.concept` ({system, code, display?, displayZh?}) for a wrong concept, `context.assertion`
 * for a wrong negation or certainty, optionally with `context.cue` (the word that carried it) and `context.cueDirection`.
 */
function checkFactCorrection(context: Record<string, unknown> | undefined): void {
  const concept = context?.concept as Record<string, unknown> | undefined;
  const assertion = context?.assertion;
  if (concept === undefined && assertion === undefined)
    throw invalid('a fact correction names the right concept or assertion', { field: 'context' });
  if (
    concept !== undefined &&
    (typeof concept !== 'object' ||
      concept === null ||
      typeof concept.system !== 'string' ||
      typeof concept.code !== 'string' ||
      !concept.system ||
      !concept.code)
  )
    throw invalid('must be a coding {system, code}', { field: 'context.concept' });
  if (assertion !== undefined && !ASSERTIONS.includes(assertion as Assertion))
    throw invalid(`must be one of ${ASSERTIONS.join(', ')}`, { field: 'context.assertion' });
  const cue = context?.cue;
  if (cue !== undefined && (typeof cue !== 'string' || !cue.trim() || cue.length > 50))
    throw invalid('must be a word or phrase of at most 50 characters', { field: 'context.cue' });
  const direction = context?.cueDirection;
  if (direction !== undefined && direction !== 'forward' && direction !== 'backward')
    throw invalid('must be forward or backward', { field: 'context.cueDirection' });
}

/** Clinicians' feedback, kept for learning (accept / reject / correct, with the reason). */
export class FeedbackStore {
  constructor(private readonly sql: Sql) {}

  async record(f: FeedbackInput): Promise<FeedbackRow> {
    const { rows } = await this.sql.query<{ id: string; created_at: Date | string }>(
      `insert into learning_feedback (target_kind, target_id, patient_id, verdict, reason, correction, producer, principal, context)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id, created_at`,
      [
        f.targetKind,
        f.targetId,
        f.patientId ?? null,
        f.verdict,
        f.reason ?? null,
        f.correction ?? null,
        f.producer ?? null,
        f.principal,
        JSON.stringify(f.context ?? {}),
      ],
    );
    const row = rows[0]!;
    return { ...f, id: String(row.id), createdAt: new Date(row.created_at).toISOString() };
  }

  async list(filter: { patientId?: string; targetKind?: FeedbackTarget; limit?: number } = {}): Promise<FeedbackRow[]> {
    const { rows } = await this.sql.query<Record<string, unknown>>(
      `select * from learning_feedback
       where ($1::text is null or patient_id = $1) and ($2::text is null or target_kind = $2)
       order by created_at desc, id desc limit $3`,
      [filter.patientId ?? null, filter.targetKind ?? null, Math.min(filter.limit ?? 100, 1000)],
    );
    return rows.map((r) => ({
      id: String(r.id),
      targetKind: r.target_kind as FeedbackTarget,
      targetId: r.target_id as string,
      verdict: r.verdict as FeedbackVerdict,
      principal: r.principal as string,
      createdAt: new Date(r.created_at as string).toISOString(),
      ...(r.patient_id ? { patientId: r.patient_id as string } : {}),
      ...(r.reason ? { reason: r.reason as string } : {}),
      ...(r.correction ? { correction: r.correction as string } : {}),
      ...(r.producer ? { producer: r.producer as string } : {}),
      context: (r.context ?? {}) as Record<string, unknown>,
    }));
  }

  /** How often each producer's output was accepted, rejected or corrected: what the learning loop re-weights. */
  async summary(): Promise<
    { producer: string; targetKind: string; accept: number; reject: number; correct: number }[]
  > {
    const { rows } = await this.sql.query<{
      producer: string | null;
      target_kind: string;
      verdict: string;
      n: string | number;
    }>(
      `select producer, target_kind, verdict, count(*) as n from learning_feedback group by producer, target_kind, verdict`,
    );
    const out = new Map<
      string,
      { producer: string; targetKind: string; accept: number; reject: number; correct: number }
    >();
    for (const r of rows) {
      const k = `${r.producer ?? ''}|${r.target_kind}`;
      const e = out.get(k) ?? {
        producer: r.producer ?? '',
        targetKind: r.target_kind,
        accept: 0,
        reject: 0,
        correct: 0,
      };
      e[r.verdict as FeedbackVerdict] += Number(r.n);
      out.set(k, e);
    }
    return [...out.values()];
  }
}
