import { z } from 'zod';

/**
 * The workspace's drug-safety and critical-value alerts (GET /api/patients/{id}/alerts) with what a
 * clinician can do about each, and the decision they record on one (POST
 * /api/patients/{id}/alerts/{alertId}/decision; routes/alert-decisions.ts). The web workspace types
 * its alert cards and the decision it sends with these (`z.output`, `z.input`); the OpenAPI document
 * describes the same objects.
 */

const bilingual = z.object({ en: z.string(), zh: z.string() });

/** One step of a suggestion, in the workspace's terms (the CDS card's delete/create actions). */
export const alertAction = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('stop'),
      drug: bilingual.describe('The drug of the order to stop'),
      order: z.string().optional().describe('The order (MedicationRequest/…) to stop, when the record has one'),
    }),
    z.object({
      kind: z.literal('start'),
      drug: bilingual.describe('The alternative to start'),
      drugId: z.string().optional().describe('Its id in the formulary (drugs.json), when the rule names a drug'),
      atc: z.array(z.string()).describe('Its ATC codes (empty for a class such as "another statin")'),
    }),
    z.object({ kind: z.literal('order'), what: bilingual.describe('The test or measure to order') }),
  ])
  .meta({ id: 'AlertAction' });

export const alertSuggestion = z
  .object({
    id: z.string().describe('Stable for the alert: what a decision names in suggestionId'),
    label: bilingual,
    recommended: z.boolean().describe("The rule's first suggestion (CDS Hooks isRecommended)"),
    actions: z.array(alertAction),
  })
  .meta({ id: 'AlertSuggestion' });

export const overrideReason = z
  .object({
    code: z.string(),
    system: z.string().describe('urn:medseek:cds-override-reason, as on the CDS Hooks cards'),
    display: bilingual,
  })
  .meta({ id: 'AlertOverrideReason' });

export const alertDecisionView = z
  .object({
    outcome: z.enum(['accepted', 'overridden']),
    suggestionId: z.string().optional(),
    reason: z.string().optional().describe('The override reason code'),
    comment: z.string().optional(),
    by: z.string().optional().describe('Who decided (principal id)'),
    at: z.string().describe('When (ISO timestamp)'),
  })
  .meta({ id: 'AlertDecision' });

/** What the alerts route adds to each alert conclusion (its `id` is the stable alert id). */
export const alertWorkspace = z
  .object({
    ruleId: z.string(),
    group: z.string().describe('ddi, allergy, critical-value…'),
    suggestions: z.array(alertSuggestion),
    overrideReasons: z.array(overrideReason).describe('Empty for an informational alert'),
    decision: alertDecisionView.optional().describe('The latest decision recorded on this alert'),
  })
  .meta({ id: 'AlertWorkspace' });

export const alertParams = z.object({
  id: z.string().min(1).describe('The Patient id'),
  alertId: z.string().min(1).max(200).describe('The alert id (its `id` in GET /api/patients/{id}/alerts)'),
});

/**
 * Accept one of the alert's suggestions, or override it with one of its offered reason codes (the
 * route checks the code against the alert: a reason it does not offer is a 400 naming `reason`).
 */
export const alertDecisionBody = z
  .object({
    decision: z.enum(['accept', 'override'], 'must be accept or override'),
    suggestionId: z.string().min(1).max(200).optional().describe('With accept: the suggestion taken'),
    reason: z.string().min(1).max(200).optional().describe('With override: one of the alert’s overrideReasons codes'),
    comment: z.string().max(2000).optional().describe('With override: free text kept with the reason'),
    scope: z
      .enum(['stay', 'now'], 'must be stay or now')
      .optional()
      .describe('The alerts view the alert came from (its `scope`; default stay)'),
  })
  .refine((b) => b.decision !== 'accept' || b.suggestionId, {
    message: 'is required to accept (one of the alert’s suggestion ids)',
    path: ['suggestionId'],
  })
  .refine((b) => b.decision !== 'override' || b.reason, {
    message: 'is required to override (one of the alert’s overrideReasons codes)',
    path: ['reason'],
  })
  .refine((b) => b.decision === 'override' || b.reason === undefined, {
    message: 'is only for an override',
    path: ['reason'],
  })
  .refine((b) => b.decision === 'override' || b.comment === undefined, {
    message: 'is only for an override (kept with its reason)',
    path: ['comment'],
  });

/** GET /api/patients/{id}/alerts: each alert a Conclusion (loose here) with the workspace's fields. */
export const alertsResponse = z
  .object({
    scope: z.enum(['stay', 'now']),
    at: z.string().describe('The moment the record was read as of'),
    alerts: z.array(
      alertWorkspace
        .extend({ id: z.string().describe('The stable alert id') })
        .loose()
        .describe('A Conclusion'),
    ),
    quality: z.array(z.looseObject({}).describe('A quality Conclusion')),
    score: z.number().optional(),
    grade: z.string().optional(),
    encounterId: z.string().optional(),
  })
  .meta({ id: 'PatientAlerts' });
