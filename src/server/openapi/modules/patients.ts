import { z } from 'zod';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

/**
 * `/api/patients` (routes/patients.ts) checks its bodies and queries by hand (`jsonBody`,
 * `requiredString`, `optionalString`, `langOf`, learning's `parseFeedback`): these schemas describe
 * those checks (types, required fields, lengths) for the document; the route stays the authority.
 */
const id = z.object({ id: z.string().describe('The Patient id') });
const lang = z.enum(['zh', 'en']).optional().describe('Language (default zh)');
const encounterId = z.string().optional().describe('The stay (Encounter id); by default the latest inpatient stay');
const text = z.string().min(1).max(200_000).describe('The summary text as edited');
const draftId = z.string().min(1).max(200).describe('The draft the summary came from (POST /api/patients/{id}/summary)');

const listQuery = z.object({ q: z.string().optional().describe('Matches name, id or identifier (case-insensitive)') });
const stateQuery = z.object({ at: z.string().optional().describe('The record as it stood at this date/time'), encounter: z.string().optional().describe('Limit to one Encounter') });
const differentialQuery = z.object({ encounter: z.string().optional().describe('Limit to one Encounter'), top: z.string().regex(/^\d+$/).optional().describe('How many diseases, 1 to 50 (default 10)') });
const alertsQuery = z.object({ scope: z.enum(['stay', 'now']).optional().describe('stay (default when there is one): the latest stay as at discharge; now: the live view') });

const summaryBody = z.object({ lang, encounterId });
const verifyBody = z.object({ text, encounterId, draftId: draftId.optional(), lang, citations: z.record(z.string(), z.string()).optional().describe('Citation keys to fact ids (without draftId)') });
const acceptClaimBody = z.object({ draftId, text, claimId: z.string().min(1).max(200), reason: z.string().min(1).max(2000).describe('Why the clinician accepts the statement'), encounterId, lang });
const signBody = z.object({ draftId, text, encounterId, lang });
const feedbackBody = z.object({
  targetKind: z.enum(['claim', 'diagnosis', 'alert', 'quality', 'question', 'summary']),
  targetId: z.string().min(1).max(200),
  verdict: z.enum(['accept', 'reject', 'correct']),
  reason: z.string().max(4000).optional().describe('Required to reject or correct'),
  correction: z.string().max(4000).optional().describe('Required with correct'),
  producer: z.string().max(200).optional().describe('The rule or model that produced the target'),
  context: z.record(z.string(), z.unknown()).optional(),
});

const ok = (description: string) => ({ description, schema: JsonObject });
const refused = (description: string) => ({ description, schema: JsonObject });

export const patientsDoc: ModuleDoc = {
  tag: 'Patients',
  description: 'The clinician workspace: patients, their fused state, notes, differential, alerts, discharge summaries (compose, re-verify, sign off) and feedback. Every read of a patient is audited; patient scope applies.',
  operations: [
    { method: 'get', path: '/api/patients', summary: 'List patients', description: 'The patients the caller may see, filtered by `q`. Audited.', query: listQuery, responses: { 200: ok('`{patients: [{id, name, gender, birthDate, identifiers}]}`.') } },
    { method: 'get', path: '/api/patients/:id', summary: 'One patient', description: 'Name, gender, birth date and identifiers. Audited.', params: id, responses: { 200: ok('`{id, name, gender, birthDate, identifiers}`.') } },
    { method: 'get', path: '/api/patients/:id/state', summary: 'Fused patient state', description: 'Facts from the structured record and the notes, each with its sources. Audited.', params: id, query: stateQuery, responses: { 200: ok('The patient state.') } },
    { method: 'get', path: '/api/patients/:id/encounters', summary: 'Encounters', description: 'The patient’s Encounters, newest first. Audited.', params: id, responses: { 200: ok('`{encounters}`: FHIR Encounter resources.') } },
    { method: 'get', path: '/api/patients/:id/notes', summary: 'Notes and their facts', description: 'Current notes with their text and the facts found in them (extracted once per document version); a note that cannot be decoded is listed with the reason. Audited.', params: id, responses: { 200: ok('`{notes}`.') } },
    {
      method: 'get',
      path: '/api/patients/:id/differential',
      summary: 'Differential diagnosis',
      description: 'Physician-only. Diseases from the active knowledge release, each with its explanation and evidence pointing at the note span or resource it came from. 503 when no release is active. Audited.',
      params: id,
      query: differentialQuery,
      responses: { 200: ok('`{release, conclusions, rankingDifferences, observations, matches}`.'), 503: { description: 'No knowledge release is active.' } },
    },
    { method: 'get', path: '/api/patients/:id/alerts', summary: 'Safety alerts and record QC', description: 'Drug safety and critical values, then the record quality checks of the latest stays. Audited.', params: id, query: alertsQuery, responses: { 200: ok('`{scope, at, alerts, quality, score?, grade?, encounterId?}`.') } },
    {
      method: 'post',
      path: '/api/patients/:id/summary',
      summary: 'Compose a discharge summary',
      description: 'Composes the summary of a stay and stores it as a draft bound to this patient, encounter and language, with its citations and the sign-off policy. Audited.',
      params: id,
      body: { schema: summaryBody },
      responses: { 200: ok('The composed document, its verification report, `draftId`, `draft`, `policy` and `citationSources`.') },
    },
    {
      method: 'post',
      path: '/api/patients/:id/verify',
      summary: 'Re-verify an edited text',
      description: 'Checks each statement of the text against the record. With `draftId` the draft must belong to this patient and encounter, and the sign-off policy comes back too. Audited.',
      params: id,
      body: { schema: verifyBody },
      responses: { 200: ok('The verification report (and `policy` with draftId).'), 409: refused('The draft belongs to another patient, encounter or language.') },
    },
    {
      method: 'post',
      path: '/api/patients/:id/summary/accept',
      summary: 'Accept an unsupported statement',
      description: 'The clinician accepts one unsupported (not contradicted) statement with a reason; the server re-verifies the text first. Stored and audited.',
      params: id,
      body: { schema: acceptClaimBody },
      responses: { 201: ok('`{acceptance, report, policy}`.'), 409: refused('The draft does not match, or is already signed.'), 422: refused('No such claim in this text, or it needs no acceptance (contradicted ones can only be corrected).') },
    },
    {
      method: 'post',
      path: '/api/patients/:id/summary/sign',
      summary: 'Sign off the discharge summary',
      description: 'Re-verifies the text, runs the safety rules on the discharge drugs and checks every unsupported statement was accepted; then stores a DocumentReference and a Composition signed by the caller. Audited.',
      params: id,
      body: { schema: signBody },
      responses: { 200: ok('`{signed: true, documentReference, composition, draftId, report, policy}`.'), 409: refused('Blocked by the policy, the draft does not match, or it is already signed.') },
    },
    { method: 'post', path: '/api/patients/:id/feedback', summary: 'Give feedback', description: 'Accept, reject or correct something MedSeek produced (a claim, diagnosis, alert…), with the reason, for learning. Audited.', params: id, body: { schema: feedbackBody }, responses: { 201: ok('The stored feedback row.') } },
    { method: 'get', path: '/api/patients/:id/feedback', summary: 'Feedback given', description: 'The feedback recorded for this patient. Audited.', params: id, responses: { 200: ok('`{feedback}`.') } },
  ],
};
