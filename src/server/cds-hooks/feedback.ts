import { z } from 'zod';
import type { Sql } from '../../core/index.js';
import { type Card, OVERRIDE_CODES, OVERRIDE_SYSTEM } from './cards.js';

/** The feedback request body (https://cds-hooks.hl7.org/2.0/#feedback). */
export const FeedbackBody = z.object({
  feedback: z
    .array(
      z
        .object({
          card: z.string().min(1),
          outcome: z.enum(['accepted', 'overridden']),
          acceptedSuggestions: z.array(z.object({ id: z.string().min(1) })).optional(),
          overrideReason: z
            .object({
              reason: z.object({ code: z.string(), system: z.string(), display: z.string().optional() }).optional(),
              userComment: z.string().optional(),
            })
            .optional(),
          outcomeTimestamp: z
            .string()
            .refine((s) => Number.isFinite(Date.parse(s)), 'outcomeTimestamp must be an ISO timestamp'),
        })
        .refine((f) => f.outcome !== 'accepted' || (f.acceptedSuggestions?.length ?? 0) > 0, {
          message: 'acceptedSuggestions is required for an accepted outcome',
          path: ['acceptedSuggestions'],
        })
        // A reason in MedSeek's own system must be one its cards offer (another system's is stored as sent).
        .refine(
          (f) =>
            f.overrideReason?.reason?.system !== OVERRIDE_SYSTEM || OVERRIDE_CODES.has(f.overrideReason.reason.code),
          {
            message: `overrideReason.reason.code is not a MedSeek override reason (${[...OVERRIDE_CODES].join(', ')})`,
            path: ['overrideReason', 'reason', 'code'],
          },
        )
        .refine((f) => f.outcome === 'overridden' || !f.overrideReason, {
          message: 'overrideReason is only for an overridden outcome',
          path: ['overrideReason'],
        }),
    )
    .min(1),
});
export type FeedbackBody = z.infer<typeof FeedbackBody>;

/** Stores feedback for learning (which rule's card was accepted or overridden, and why). */
export async function storeFeedback(
  sql: Sql,
  serviceId: string,
  body: FeedbackBody,
  clientId?: string,
): Promise<number> {
  await sql.transaction(async (tx) => {
    for (const f of body.feedback) {
      await tx.query(
        'insert into cds_feedback (service_id, card_uuid, outcome, accepted_suggestions, override_reason, outcome_timestamp, client_id) values ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)',
        [
          serviceId,
          f.card,
          f.outcome,
          JSON.stringify(f.acceptedSuggestions ?? []),
          f.overrideReason ? JSON.stringify(f.overrideReason) : null,
          f.outcomeTimestamp,
          clientId ?? null,
        ],
      );
    }
  });
  return body.feedback.length;
}

/** Records the cards issued (so feedback can be tied to the rule that produced them). */
export async function recordCards(
  sql: Sql,
  serviceId: string,
  hookInstance: string,
  patientId: string,
  cards: readonly (Card & { ruleId: string })[],
): Promise<void> {
  if (cards.length === 0) return;
  const values: unknown[] = [];
  const rows = cards.map((c, i) => {
    values.push(c.uuid, serviceId, hookInstance, c.ruleId, patientId, c.indicator, c.summary);
    const b = i * 7;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
  });
  await sql.query(
    `insert into cds_card_issued (uuid, service_id, hook_instance, rule_id, patient_id, indicator, summary) values ${rows.join(', ')} on conflict do nothing`,
    values,
  );
}

/**
 * Acceptance and override counts per rule, with how often each coded override reason was given
 * (for tuning and learning: a rule mostly overridden "does not apply" is a candidate to re-grade).
 */
export async function feedbackByRule(
  sql: Sql,
): Promise<{ ruleId: string; accepted: number; overridden: number; reasons: Record<string, number> }[]> {
  const { rows } = await sql.query<{ rule_id: string; accepted: string; overridden: string }>(
    `select c.rule_id, count(*) filter (where f.outcome = 'accepted') as accepted, count(*) filter (where f.outcome = 'overridden') as overridden
     from cds_feedback f join cds_card_issued c on c.uuid = f.card_uuid group by c.rule_id order by c.rule_id`,
  );
  const reasons = await sql.query<{ rule_id: string; code: string; n: string }>(
    `select c.rule_id, f.override_reason->'reason'->>'code' as code, count(*) as n
     from cds_feedback f join cds_card_issued c on c.uuid = f.card_uuid
     where f.outcome = 'overridden' and f.override_reason->'reason'->>'code' is not null
     group by c.rule_id, code order by c.rule_id, code`,
  );
  return rows.map((r) => ({
    ruleId: r.rule_id,
    accepted: Number(r.accepted),
    overridden: Number(r.overridden),
    reasons: Object.fromEntries(reasons.rows.filter((x) => x.rule_id === r.rule_id).map((x) => [x.code, Number(x.n)])),
  }));
}
