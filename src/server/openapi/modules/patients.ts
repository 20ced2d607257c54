import {
  acceptClaimBody,
  alertsQuery,
  differentialQuery,
  feedbackBody,
  listQuery,
  patientParams,
  signBody,
  stateQuery,
  summaryBody,
  verifyBody,
} from '../../routes/schemas/patients.js';
import { alertDecisionBody, alertParams, alertsResponse } from '../../routes/schemas/alerts.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

/** `/api/patients` (routes/patients.ts): the schemas are the ones the routes validate with (routes/schemas/patients.ts). */
const id = patientParams;

const ok = (description: string) => ({ description, schema: JsonObject });
const refused = (description: string) => ({ description, schema: JsonObject });

export const patientsDoc: ModuleDoc = {
  tag: 'Patients',
  description:
    'The clinician workspace: patients, their fused state, notes, differential, alerts, discharge summaries (compose, re-verify, sign off) and feedback. Every read of a patient is audited; patient scope applies.',
  operations: [
    {
      method: 'get',
      path: '/api/patients',
      summary: 'List patients',
      description: 'The patients the caller may see, filtered by `q`. Audited.',
      query: listQuery,
      responses: { 200: ok('`{patients: [{id, name, gender, birthDate, identifiers}]}`.') },
    },
    {
      method: 'get',
      path: '/api/patients/:id',
      summary: 'One patient',
      description: 'Name, gender, birth date and identifiers. Audited.',
      params: id,
      responses: { 200: ok('`{id, name, gender, birthDate, identifiers}`.') },
    },
    {
      method: 'get',
      path: '/api/patients/:id/state',
      summary: 'Fused patient state',
      description: 'Facts from the structured record and the notes, each with its sources. Audited.',
      params: id,
      query: stateQuery,
      responses: { 200: ok('The patient state.') },
    },
    {
      method: 'get',
      path: '/api/patients/:id/encounters',
      summary: 'Encounters',
      description: 'The patient’s Encounters, newest first. Audited.',
      params: id,
      responses: { 200: ok('`{encounters}`: FHIR Encounter resources.') },
    },
    {
      method: 'get',
      path: '/api/patients/:id/notes',
      summary: 'Notes and their facts',
      description:
        'Current notes with their text and the facts found in them (extracted once per document version); a note that cannot be decoded is listed with the reason. Audited.',
      params: id,
      responses: { 200: ok('`{notes}`.') },
    },
    {
      method: 'get',
      path: '/api/patients/:id/differential',
      summary: 'Differential diagnosis',
      description:
        'Physician-only. Diseases from the active knowledge release, each with its explanation and evidence pointing at the note span or resource it came from. 503 when no release is active. Audited.',
      params: id,
      query: differentialQuery,
      responses: {
        200: ok(
          '`{release, differential, calibration?, conclusions, rankingDifferences, observations, matches}`; with an active ' +
            'calibration map each entry has `calibratedProbability` beside its raw `probability` and `share`.',
        ),
        503: { description: 'No knowledge release is active.' },
      },
    },
    {
      method: 'get',
      path: '/api/patients/:id/alerts',
      summary: 'Safety alerts and record QC',
      description:
        'Drug safety and critical values, then the record quality checks of the latest stays. Each alert is a conclusion with a stable `id` (a hash of the rule, the patient, the finding and the sources of its evidence) and, as described by `AlertWorkspace`: `ruleId`, `group`, `suggestions` (stop / start / order actions, each alternative a formulary drug), coded bilingual `overrideReasons` (moderate and above) and the latest `decision` recorded on it. Audited.',
      params: id,
      query: alertsQuery,
      responses: {
        200: {
          description: 'Each alert a Conclusion plus the AlertWorkspace fields; the quality findings; the score.',
          schema: alertsResponse,
        },
      },
    },
    {
      method: 'post',
      path: '/api/patients/:id/alerts/:alertId/decision',
      summary: 'Decide on an alert',
      description:
        "Accept one of the alert's suggestions (`suggestionId`) or override it with one of the reason codes it offers (`reason`; another code is a 400 naming `reason`). The alert is re-evaluated on the record as it stands (404 when it is no longer raised). Stored as CDS Hooks feedback is (service `workspace`), so the per-rule feedback summary counts it. Audited.",
      params: alertParams,
      body: { schema: alertDecisionBody },
      responses: {
        201: ok('`{alertId, ruleId, decision}`.'),
      },
      notFound: 'No such patient, or the alert is no longer raised on the record.',
    },
    {
      method: 'post',
      path: '/api/patients/:id/summary',
      summary: 'Compose a discharge summary',
      description:
        'Composes the summary of a stay and stores it as a draft bound to this patient, encounter and language, with its citations and the sign-off policy. Audited.',
      params: id,
      body: { schema: summaryBody },
      responses: {
        200: ok('The composed document, its verification report, `draftId`, `draft`, `policy` and `citationSources`.'),
      },
    },
    {
      method: 'post',
      path: '/api/patients/:id/verify',
      summary: 'Re-verify an edited text',
      description:
        'Checks each statement of the text against the record. With `draftId` the draft must belong to this patient and encounter, and the sign-off policy comes back too. Audited.',
      params: id,
      body: { schema: verifyBody },
      responses: {
        200: ok('The verification report (and `policy` with draftId).'),
        409: refused('The draft belongs to another patient, encounter or language.'),
      },
    },
    {
      method: 'post',
      path: '/api/patients/:id/summary/accept',
      summary: 'Accept an unsupported statement',
      description:
        'The clinician accepts one unsupported (not contradicted) statement with a reason; the server re-verifies the text first. Stored and audited.',
      params: id,
      body: { schema: acceptClaimBody },
      responses: {
        201: ok('`{acceptance, report, policy}`.'),
        409: refused('The draft does not match, or is already signed.'),
        422: refused(
          'No such claim in this text, or it needs no acceptance (contradicted ones can only be corrected).',
        ),
      },
    },
    {
      method: 'post',
      path: '/api/patients/:id/summary/sign',
      summary: 'Sign off the discharge summary',
      description:
        'Re-verifies the text, runs the safety rules on the discharge drugs and checks every unsupported statement was accepted; then stores a DocumentReference and a Composition signed by the caller. Audited.',
      params: id,
      body: { schema: signBody },
      responses: {
        200: ok('`{signed: true, documentReference, composition, draftId, report, policy}`.'),
        409: refused('Blocked by the policy, the draft does not match, or it is already signed.'),
      },
    },
    {
      method: 'post',
      path: '/api/patients/:id/feedback',
      summary: 'Give feedback',
      description:
        'Accept, reject or correct something MedSeek produced (a claim, diagnosis, alert…), with the reason, for learning. Audited.',
      params: id,
      body: { schema: feedbackBody },
      responses: { 201: ok('The stored feedback row.') },
    },
    {
      method: 'get',
      path: '/api/patients/:id/feedback',
      summary: 'Feedback given',
      description: 'The feedback recorded for this patient. Audited.',
      params: id,
      responses: { 200: ok('`{feedback}`.') },
    },
  ],
};
