import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';
import { alertParams, meQuery, patientParams, planBody, queueQuery, readingsBody } from '../../routes/followup.js';

const ok = (description: string) => ({ description, schema: JsonObject });

/**
 * The follow-up routes' OpenAPI description (routes/followup.ts). To be listed in
 * `openapi/index.ts` MODULE_DOCS beside the other modules (that file is not this module's to edit).
 */
export const followUpDoc: ModuleDoc = {
  tag: 'Follow-up',
  description:
    'After discharge: the follow-up and rehabilitation plan (FHIR CarePlan + Tasks, each item with the facts and the guideline rule or discharge order behind it), the patient’s home readings and the alerts they raise for the clinicians’ queue.',
  operations: [
    {
      method: 'post',
      path: '/api/followup/patients/:id/plan',
      summary: 'Make the follow-up plan',
      description:
        'Builds the plan from the record (fused state at the stay’s end, the discharge summary’s orders) and saves it; reminders are planned for each dated item. Staff within their patient scope. Audited.',
      params: patientParams,
      body: { schema: planBody },
      responses: { 201: ok('`{plan, fhir}`: the plan and its FHIR R4 Bundle (CarePlan + Tasks).') },
    },
    {
      method: 'get',
      path: '/api/followup/patients/:id/plan',
      summary: 'The follow-up plan',
      description: 'The latest saved plan. Audited.',
      params: patientParams,
      responses: { 200: ok('`{plan, fhir}`.') },
    },
    {
      method: 'get',
      path: '/api/followup/patients/:id/readings',
      summary: 'Home readings and their alerts',
      description: 'Every reading the patient reported and the alerts raised, with the readings as evidence. Audited.',
      params: patientParams,
      responses: { 200: ok('`{readings, alerts}`.') },
    },
    {
      method: 'get',
      path: '/api/followup/patients/:id/reminders',
      summary: 'The patient’s reminders',
      description:
        'One reminder per dated plan item (the day before it is due): planned, sent (when, by which notifier) or failing with the last error. Audited.',
      params: patientParams,
      responses: { 200: ok('`{reminders}`.') },
    },
    {
      method: 'post',
      path: '/api/followup/patients/:id/links',
      summary: 'Issue a follow-up link',
      description:
        'A patient link (`mpf1.…`) for the latest plan that lives until the last dated item + 14 days (at least 14 days, at most 180) and opens only the patient’s follow-up page and readings. The token is returned only here. Revoke it with `DELETE /api/patient-links/{id}`. Audited.',
      params: patientParams,
      responses: { 201: ok('`{link, token, url, qrSvg}`.') },
    },
    {
      method: 'get',
      path: '/api/followup/patients/:id/links',
      summary: 'The follow-up links issued',
      description:
        'The patient’s follow-up links (never their tokens), newest first, with expiry and revocation. Audited.',
      params: patientParams,
      responses: { 200: ok('`{links}`.') },
    },
    {
      method: 'get',
      path: '/api/followup/alerts',
      summary: 'The follow-up alert queue',
      description:
        'Alerts from home readings of every patient the caller may see, newest first, and the reminders sent to them in the last 7 days or failing. Audited.',
      query: queueQuery,
      responses: { 200: ok('`{alerts, reminders}`.') },
    },
    {
      method: 'post',
      path: '/api/followup/alerts/:alertId/acknowledge',
      summary: 'Acknowledge an alert',
      description: 'Marks the alert seen, with who and when. Audited.',
      params: alertParams,
      responses: { 200: ok('`{alert}`.') },
    },
    {
      method: 'get',
      path: '/api/followup/me',
      summary: 'My follow-up plan (patient)',
      description:
        'The plan in plain language, the symptoms to choose from, the readings sent, the reminders sent to the patient and (through a link) the link’s expiry. Audited.',
      query: meQuery,
      responses: { 200: ok('`{patientId, plan?, symptoms, readings, teamToldAt?, reminders, link?}`.') },
    },
    {
      method: 'post',
      path: '/api/followup/me/readings',
      summary: 'Send home readings (patient)',
      description:
        'Blood pressure, weight, glucose, symptoms or adherence; each is checked, stored, and run through the critical-value and follow-up rules. Audited.',
      body: { schema: readingsBody },
      responses: { 201: ok('`{stored, alertsRaised}`.') },
    },
  ],
};
