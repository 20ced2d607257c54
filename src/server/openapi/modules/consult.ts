import { z } from 'zod';
import {
  acceptBody,
  answerBody,
  createBody,
  draftBody,
  queueQuery,
  reportQuery,
  sessionParams,
} from '../../routes/schemas/consult.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

const id = sessionParams;
const ok = (description: string) => ({ description, schema: JsonObject });

export const consultDoc: ModuleDoc = {
  tag: 'Pre-consultation',
  description:
    'Pre-consultation (预问诊) sessions: the patient answers questions before the visit; the clinician gets the report and a draft outpatient record checked against what the patient said.',
  operations: [
    {
      method: 'post',
      path: '/api/consult',
      summary: 'Start a pre-consultation',
      description:
        'Opens a session from the chief complaint and answers with the first question. A patient (a pre-consultation link) starts one session bound to their link, once they have consented. The patient-facing reply never carries a diagnosis; an emergency ends the session and tells the patient to call (and whether staff were told).',
      body: { schema: createBody },
      responses: { 201: ok('`{session, reply}`: the session summary and the first question (or an emergency exit).') },
    },
    {
      method: 'get',
      path: '/api/consult',
      summary: 'The clinicians’ queue',
      description: 'Sessions for the clinicians, emergencies first, then completed ones. Audited.',
      query: queueQuery,
      responses: { 200: ok('`{sessions}`.') },
    },
    {
      method: 'get',
      path: '/api/consult/events',
      summary: 'Queue events (server-sent events)',
      description:
        'A text/event-stream for open workspaces: `ready` once subscribed, then `emergency` and `complete` as sessions end, `resync` after a lost connection, `unavailable` when notifications cannot be subscribed.',
      responses: {
        200: { description: 'An event stream that stays open.', contentType: 'text/event-stream', schema: z.string() },
      },
    },
    {
      method: 'post',
      path: '/api/consult/:id/answers',
      summary: 'Answer the current question',
      description:
        'Records the patient’s answer and returns the next question; an unclear answer is re-prompted with the same question; an emergency ends the session. A patient answers only their own session.',
      params: id,
      body: { schema: answerBody },
      responses: { 200: ok('`{session, reply}`.') },
    },
    {
      method: 'get',
      path: '/api/consult/:id',
      summary: 'Resume a session',
      description:
        'The stored session, its dialogue and the question it waits on; a patient reads only their own, cut down to what a patient may see. Audited.',
      params: id,
      responses: { 200: ok('`{session, transcript, lastPrompt?}`.') },
    },
    {
      method: 'get',
      path: '/api/consult/:id/report',
      summary: 'The pre-consultation report',
      description:
        'The 预问诊报告 for the doctor, with the physician-only differential and triage; `audience=patient` leaves them out, and a patient only ever gets that version of their own session. JSON or plain text. Audited.',
      params: id,
      query: reportQuery,
      responses: {
        200: { description: 'The report (application/json), or as text/plain with format=text.', schema: JsonObject },
      },
    },
    {
      method: 'get',
      path: '/api/consult/:id/draft',
      summary: 'Draft outpatient record',
      description:
        'The draft 门诊病历 of a finished session, each sentence with the patient turns it cites and its verdict (supported, unsupported, contradicted). 409 while the session is in progress. Audited.',
      params: id,
      responses: {
        200: ok('`{sessionId, lang, text, sentences, blocked}`.'),
        409: { description: 'The session is still in progress.' },
      },
    },
    {
      method: 'post',
      path: '/api/consult/:id/draft/verify',
      summary: 'Re-verify an edited draft',
      description: 'Checks an edited draft against the transcript, sentence by sentence. Audited.',
      params: id,
      body: { schema: draftBody },
      responses: {
        200: ok('`{sessionId, lang, sentences, blocked}`.'),
        409: { description: 'The session is still in progress.' },
      },
    },
    {
      method: 'post',
      path: '/api/consult/:id/accept',
      summary: 'Accept the draft into the record',
      description:
        'Re-verifies the text on the server and stores it as a DocumentReference (LOINC 34108-1 Outpatient Note) authored by the accepting clinician. Refused (409) while a sentence contradicts what the patient said, or when the session was already accepted. Audited.',
      params: id,
      body: { schema: acceptBody },
      responses: {
        201: ok('`{accepted: true, documentReference, sentences}`.'),
        409: {
          description: '`{accepted: false, reason, sentences, issue}`: contradicted sentences, or already accepted.',
          schema: JsonObject,
        },
        503: { description: 'This server has no record store to accept notes into.' },
      },
    },
  ],
};
