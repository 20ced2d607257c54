import { z } from 'zod';
import { audioForm, dictationParams, dictationQuery, speechBody, transcriptionQuery } from '../../routes/voice.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

const transcript = (who: string) => ({
  description: `\`{transcript: {id, text, lang?, session?, patientId?, model, at}}\`: ${who}`,
  schema: JsonObject,
});
const unavailable = {
  description:
    'No speech server is configured, or it is outside the trusted zone and not allowed, or it failed or timed out.',
  schema: JsonObject,
};

/** `/api/voice` and `/api/patients/:id/dictation` (routes/voice.ts) for the OpenAPI document. */
export const voiceDoc: ModuleDoc = {
  tag: 'Voice',
  description:
    'Speech to text and text to speech through OpenAI-compatible audio servers (whisper.cpp, FunASR, a TTS server) ' +
    'configured by MEDSEEK_STT_* and MEDSEEK_TTS_*; audio never leaves the trusted zone unless allowed. Transcripts ' +
    'are stored with the session or the patient and audited (docs/voice.md).',
  operations: [
    {
      method: 'get',
      path: '/api/voice',
      summary: 'Which speech servers are available',
      description:
        'Whether server-side speech to text and text to speech are available (staff also see the model, trust and why ' +
        'not), the largest recording accepted, and whether the page may fall back to the browser’s own speech APIs.',
      responses: { 200: { description: '`{stt, tts, browserFallback}`.', schema: JsonObject } },
      notFound: false,
    },
    {
      method: 'post',
      path: '/api/voice/transcriptions',
      summary: 'Transcribe what the patient said in the pre-consultation chat',
      description:
        'A recording from the chat, transcribed for the speaker to confirm before it is sent as an answer. A patient ' +
        'only through their link (into its session, or before it starts); staff into any session they may see. ' +
        'Refused: not multipart (415), empty, not audio or not what its type says (400), too large (413). Stored ' +
        'with the session and audited as `transcribe`.',
      query: transcriptionQuery,
      body: { schema: audioForm, contentType: 'multipart/form-data' },
      responses: {
        201: transcript('what the recogniser heard.'),
        413: { description: 'The recording is over the limit.', schema: JsonObject },
        415: { description: 'Not sent as multipart/form-data.', schema: JsonObject },
        503: unavailable,
      },
    },
    {
      method: 'post',
      path: '/api/voice/speech',
      summary: 'Read a question of the pre-consultation aloud',
      description:
        'The session’s latest MedSeek question (or the one of `turn`) spoken by the TTS server, in the session’s ' +
        'language. Patients: only their own session’s questions; staff may send `text`. Audited as `speak`.',
      body: { schema: speechBody },
      responses: {
        200: { description: 'The audio (the configured format).', contentType: 'audio/*', schema: z.string() },
        503: unavailable,
      },
    },
    {
      method: 'post',
      path: '/api/patients/:id/dictation',
      summary: 'Transcribe a clinician’s dictated note',
      description:
        'A clinician dictating about a patient they may see; the transcript goes into the note editor for them to ' +
        'check. Stored with the patient and the user; audited as `dictate`.',
      params: dictationParams,
      query: dictationQuery,
      body: { schema: audioForm, contentType: 'multipart/form-data' },
      responses: {
        201: transcript('what the recogniser heard.'),
        413: { description: 'The recording is over the limit.', schema: JsonObject },
        415: { description: 'Not sent as multipart/form-data.', schema: JsonObject },
        503: unavailable,
      },
    },
  ],
};
