import { z } from 'zod';
import type { Sql } from '../../core/index.js';
import type { Card } from './cards.js';

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

/** Acceptance and override counts per rule (for tuning and learning). */
export async function feedbackByRule(sql: Sql): Promise<{ ruleId: string; accepted: number; overridden: number }[]> {
  const { rows } = await sql.query<{ rule_id: string; accepted: string; overridden: string }>(
    `select c.rule_id, count(*) filter (where f.outcome = 'accepted') as accepted, count(*) filter (where f.outcome = 'overridden') as overridden
     from cds_feedback f join cds_card_issued c on c.uuid = f.card_uuid group by c.rule_id order by c.rule_id`,
  );
  return rows.map((r) => ({ ruleId: r.rule_id, accepted: Number(r.accepted), overridden: Number(r.overridden) }));
}
