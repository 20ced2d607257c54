import { Hono } from 'hono';
import { invalid, notFound, type Sql } from '../../core/index.js';
import { recordAlertContext } from '../../learning/index.js';
import { auditEvents } from '../audit/request.js';
import { indicatorOf } from '../cds-hooks/cards.js';
import { type FeedbackBody, recordCards, storeFeedback } from '../cds-hooks/feedback.js';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { body, params } from '../validate.js';
import { alertIdOf, evaluateSafety } from './alert-views.js';
import type { z } from 'zod';
import { type alertDecisionView, alertDecisionBody, alertParams } from './schemas/alerts.js';

/**
 * A clinician's decision on a workspace alert: take one of its suggestions, or override it with one
 * of the reasons it offers. Stored as CDS Hooks feedback is (cds-hooks/feedback.ts): the alert is
 * recorded as an issued card of the `workspace` service under its stable id, and the decision as
 * feedback on it, so the per-rule summary (`feedbackByRule`) counts overrides from the workspace and
 * from the EHR's CDS client alike.
 */
export const WORKSPACE_SERVICE = 'workspace';
export type AlertDecision = z.output<typeof alertDecisionView>;

/** The latest decision on each of a patient's workspace alerts, by alert id. */
export async function alertDecisions(sql: Sql, patientId: string): Promise<Map<string, AlertDecision>> {
  const { rows } = await sql.query<{
    card_uuid: string;
    outcome: 'accepted' | 'overridden';
    accepted_suggestions: unknown;
    override_reason: unknown;
    outcome_timestamp: string | Date;
    client_id: string | null;
  }>(
    `select f.card_uuid, f.outcome, f.accepted_suggestions, f.override_reason, f.outcome_timestamp, f.client_id
     from cds_feedback f join cds_card_issued c on c.uuid = f.card_uuid
     where f.service_id = $1 and c.patient_id = $2 order by f.id`,
    [WORKSPACE_SERVICE, patientId],
  );
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  const out = new Map<string, AlertDecision>();
  for (const r of rows) {
    const accepted = json(r.accepted_suggestions) as { id: string }[] | null;
    const override = json(r.override_reason) as { reason?: { code?: string }; userComment?: string } | null;
    const at = r.outcome_timestamp instanceof Date ? r.outcome_timestamp.toISOString() : String(r.outcome_timestamp);
    out.set(r.card_uuid, {
      outcome: r.outcome,
      ...(accepted?.[0] ? { suggestionId: accepted[0].id } : {}),
      ...(override?.reason?.code ? { reason: override.reason.code } : {}),
      ...(override?.userComment ? { comment: override.userComment } : {}),
      ...(r.client_id ? { by: r.client_id } : {}),
      at: new Date(at).toISOString(),
    });
  }
  return out;
}

/**
 * `POST /api/patients/:id/alerts/:alertId/decision`, mounted inside patientRoutes: its policy (STAFF) is
 * in patientPolicies and its patient-scope check applies.
 */
export function alertDecisionRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post(
    '/:id/alerts/:alertId/decision',
    params(alertParams),
    body(alertDecisionBody, { jsonOnly: true }),
    async (c) => {
      const { id, alertId } = c.req.valid('param');
      const decision = c.req.valid('json');
      const resource = `Patient/${id}/alerts/${alertId}`;
      const audit = (outcome: number) =>
        ctx.audit.record(auditEvents(c, { action: 'alert-decision', resource, outcome, patients: [id] }));
      // The alert as the record stands now: a decision on one no longer raised is refused.
      const { alerts, results } = await evaluateSafety(ctx, id, decision.scope ?? 'stay');
      const alert = alerts.find((a) => a.id === alertId);
      if (!alert) {
        await audit(404);
        throw notFound(`no alert ${alertId} on Patient/${id} now (re-read the alerts)`, { field: 'alertId' });
      }
      const reason = alert.overrideReasons.find((r) => r.code === decision.reason);
      if (decision.decision === 'override' && !reason) {
        await audit(400);
        throw invalid(
          alert.overrideReasons.length
            ? `must be one of the reasons this alert offers: ${alert.overrideReasons.map((r) => r.code).join(', ')}`
            : 'this alert offers no override (it is informational)',
          { field: 'reason' },
        );
      }
      if (decision.decision === 'accept' && !alert.suggestions.some((s) => s.id === decision.suggestionId)) {
        await audit(400);
        throw invalid(
          alert.suggestions.length
            ? `must be one of this alert's suggestions: ${alert.suggestions.map((s) => s.id).join(', ')}`
            : 'this alert offers no suggestion: override it with a reason instead',
          { field: 'suggestionId' },
        );
      }
      const principal = c.get('principal');
      const at = new Date().toISOString();
      const feedback: FeedbackBody['feedback'][number] = {
        card: alert.id,
        outcome: decision.decision === 'accept' ? 'accepted' : 'overridden',
        ...(decision.decision === 'accept' ? { acceptedSuggestions: [{ id: decision.suggestionId! }] } : {}),
        ...(reason
          ? {
              overrideReason: {
                reason: {
                  code: reason.code,
                  system: reason.system,
                  display: `${reason.display.en} / ${reason.display.zh}`,
                },
                ...(decision.comment ? { userComment: decision.comment } : {}),
              },
            }
          : {}),
        outcomeTimestamp: at,
      };
      const summary = alert.statement.zh ?? alert.statement.en;
      await ctx.db.transaction(async (tx) => {
        await recordCards(tx, WORKSPACE_SERVICE, `workspace:${id}`, id, [
          {
            uuid: alert.id,
            ruleId: alert.ruleId,
            indicator: indicatorOf(alert.severity),
            summary: [...summary].slice(0, 139).join(''),
            source: { label: 'MedSeek' },
          },
        ]);
        await storeFeedback(tx, WORKSPACE_SERVICE, { feedback: [feedback] }, principal.id);
        // Who decided, in which unit and at what value, for the alert-burden view (learning/alert-burden.ts).
        const trigger = results.find((r) => alertIdOf(r) === alert.id)?.trigger;
        await recordAlertContext(tx, {
          cardUuid: alert.id,
          prescriber: principal.id,
          ...(principal.units?.[0] ? { unit: principal.units[0] } : {}),
          ...(trigger ? { trigger } : {}),
        });
      });
      await audit(201);
      const stored: AlertDecision = {
        outcome: feedback.outcome,
        ...(decision.decision === 'accept' ? { suggestionId: decision.suggestionId! } : {}),
        ...(reason ? { reason: reason.code } : {}),
        ...(decision.comment ? { comment: decision.comment } : {}),
        by: principal.id,
        at,
      };
      return c.json({ alertId: alert.id, ruleId: alert.ruleId, decision: stored }, 201);
    },
  );
  return app;
}
