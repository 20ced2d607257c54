import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { MedSeekError, notFound } from '../../core/index.js';
import {
  AudioClient,
  type AudioStatus,
  DEFAULT_STT_MAX_BYTES,
  loadAudioConfig,
  type VoiceTranscriptRow,
  VoiceTranscriptStore,
} from '../../llm/index.js';
import { loadSession, loadTranscript } from '../../reasoning/index.js';
import type { ResourceRepository } from '../../store/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditEvents } from '../audit/request.js';
import { ANY_ROLE, STAFF } from '../auth/authorize.js';
import type { PatientScope } from '../auth/patient-scope.js';
import type { AppEnv, Principal, RoutePolicies } from '../env.js';
import type { Logger } from '../logger.js';
import { type PatientLink, patientLinkStore } from '../patient-links/store.js';
import { body, params, query } from '../validate.js';

/**
 * Voice (issue 18, docs/voice.md): speech to text and text to speech through the OpenAI-compatible
 * audio servers the environment configures (MEDSEEK_STT_*, MEDSEEK_TTS_*), never outside the trusted
 * zone unless allowed.
 * - GET  /api/voice                               which servers are available; the web otherwise uses the
 *                                                 browser's own speech APIs (unless turned off)
 * - POST /api/voice/transcriptions?session&lang   a recording (multipart, field `file`) from the
 *                                                 pre-consultation chat → 201 {transcript}; a patient only
 *                                                 through their link, into their link's session
 * - POST /api/voice/speech {session, turn?} | {text}   a MedSeek question of the session read aloud
 *                                                 (patients: only their session's; staff may send text)
 * - POST /api/patients/:id/dictation?lang         a clinician dictating a note about a patient → 201 {transcript}
 * The transcript goes back to the page for the speaker to confirm before it is sent; it is stored with
 * the session (or with the patient and the user) in `llm_voice_transcript`, and every use is audited.
 */

export const voicePolicies: RoutePolicies = {
  'GET /api/voice': 'authenticated',
  'POST /api/voice/transcriptions': ANY_ROLE,
  'POST /api/voice/speech': ANY_ROLE,
  'POST /api/patients/:id/dictation': STAFF,
};

const lang = z.enum(['zh', 'en'], { error: (i) => `lang must be zh or en, got '${String(i.input)}'` });
export const transcriptionQuery = z.object({
  session: z.string().min(1).max(200).optional().describe('The pre-consultation session (a patient: their own)'),
  lang: lang.optional().describe('The language spoken (zh or en), passed to the recogniser'),
});
export const dictationParams = z.object({ id: z.string().min(1).max(64).describe('The patient') });
export const dictationQuery = z.object({ lang: lang.optional().describe('The language spoken (zh or en)') });
export const speechBody = z
  .object({
    session: z.string().min(1).max(200).optional(),
    turn: z.number().int().min(0).optional(),
    text: z.string().trim().min(1, 'must not be empty').max(4096).optional(),
    lang: lang.optional(),
  })
  .refine((b) => b.session !== undefined || b.text !== undefined, {
    message: 'name the session whose question to read aloud, or (staff) send text',
    path: ['session'],
  });
/** The multipart body of a transcription (for the OpenAPI document; the route reads it with parseBody). */
export const audioForm = z.object({
  file: z.string().meta({
    format: 'binary',
    description: 'The recording (wav, webm, ogg, mp3, m4a, flac) as MediaRecorder makes it; 25 MB at most by default',
  }),
});

export interface VoiceRoutesContext {
  readonly db: import('../../core/index.js').Sql;
  readonly resources: ResourceRepository;
  readonly audit: AuditLog;
  readonly patientScope: PatientScope;
  readonly log?: Pick<Logger, 'warn' | 'error'>;
}

export interface VoiceOptions {
  /** The audio servers; default: those the environment configures. */
  readonly audio?: AudioClient;
  readonly env?: NodeJS.ProcessEnv;
}

/** The client the environment describes; a malformed setting is logged and reported, and voice is then off. */
const fromEnv = new WeakMap<object, { audio: AudioClient; problem?: string }>();
function audioOf(ctx: VoiceRoutesContext, options: VoiceOptions): { audio: AudioClient; problem?: string } {
  if (options.audio) return { audio: options.audio };
  const known = fromEnv.get(ctx);
  if (known) return known;
  let made: { audio: AudioClient; problem?: string };
  try {
    made = { audio: new AudioClient(loadAudioConfig(options.env ?? process.env)) };
  } catch (e) {
    ctx.log?.error({ err: e }, 'voice: the audio settings are not valid; server-side speech is off');
    made = { audio: new AudioClient({ browserFallback: true }), problem: (e as Error).message };
  }
  fromEnv.set(ctx, made);
  return made;
}

/** Transcribe refuses a non-multipart body with 415 before anything else (a JSON body is never a recording). */
function multipartOnly(c: Context<AppEnv>): void {
  if (!/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? ''))
    throw new MedSeekError('unsupported', 'send the recording as multipart/form-data with the field file', {
      field: 'Content-Type',
    });
}

/** The recording from the form (field `file`), its bytes and declared type. */
async function recordingOf(c: Context<AppEnv>): Promise<{ bytes: Uint8Array; type: string }> {
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody();
  } catch (e) {
    if (e instanceof MedSeekError) throw e;
    throw new MedSeekError('invalid', 'the multipart body could not be read', { field: 'body' });
  }
  const file = form.file;
  if (!(file instanceof Blob))
    throw new MedSeekError('invalid', 'attach the recording as the form field file', { field: 'file' });
  return { bytes: new Uint8Array(await file.arrayBuffer()), type: file.type };
}

/** 413 for an upload over the limit, whatever its Content-Length said (bodies are counted as they arrive). */
function uploadLimit(maxBytes: number) {
  // The multipart envelope (boundaries, headers) on top of the recording.
  return bodyLimit({
    maxSize: maxBytes + 64 * 1024,
    onError: () => {
      throw new MedSeekError('too-large', `the recording is over ${maxBytes} bytes`, { field: 'file' });
    },
  });
}

function statusFor(principal: Principal | undefined, s: AudioStatus, problem?: string) {
  const staff = principal?.role !== 'patient';
  // A patient's page needs to know only whether to record, how much, and whether to fall back.
  const stt = staff
    ? { ...s.stt, ...(problem ? { reason: problem } : {}) }
    : { available: s.stt.available, ...(s.stt.maxBytes ? { maxBytes: s.stt.maxBytes, types: s.stt.types } : {}) };
  const tts = staff ? { ...s.tts, ...(problem ? { reason: problem } : {}) } : { available: s.tts.available };
  return { stt, tts, browserFallback: s.browserFallback };
}

const transcriptView = (t: VoiceTranscriptRow) => ({
  id: t.id,
  text: t.text,
  ...(t.lang ? { lang: t.lang } : {}),
  ...(t.sessionId ? { session: t.sessionId } : {}),
  ...(t.patientId ? { patientId: t.patientId } : {}),
  model: t.model,
  at: t.at,
});

/** `/api/voice`: status, the pre-consultation chat's transcriptions and read-aloud. */
export function voiceRoutes(ctx: VoiceRoutesContext, options: VoiceOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { audio, problem } = audioOf(ctx, options);
  const store = new VoiceTranscriptStore(ctx.db);
  const links = patientLinkStore({ db: ctx.db, resources: ctx.resources });
  const maxBytes = audio.status().stt.maxBytes ?? DEFAULT_STT_MAX_BYTES;
  const audit = (
    c: Context<AppEnv>,
    action: string,
    resource: string,
    outcome: number,
    patients: readonly (string | undefined)[],
    detail?: Record<string, unknown>,
  ) =>
    ctx.audit.record(
      auditEvents(c, { action, resource, outcome, patients: patients.filter(Boolean), ...(detail ? { detail } : {}) }),
    );

  /**
   * Whose pre-consultation this is, as consult.ts decides it: a patient only through their own link
   * (its session, or none yet), staff any session except one of a patient outside their scope.
   */
  const sessionAccess = async (
    c: Context<AppEnv>,
    session: string | undefined,
    resource: string,
  ): Promise<{ session?: string; patientId?: string; link?: PatientLink }> => {
    const p = c.get('principal');
    if (p.role === 'patient') {
      const stored = p.kind === 'patient-link' ? await links.get(p.id.replace(/^link:/, '')) : undefined;
      const link = stored && stored.patientId === p.patientId ? stored : undefined;
      if (!link) {
        await audit(c, 'denied', resource, 403, [p.patientId]);
        throw new MedSeekError('forbidden', 'voice input is for the pre-consultation link the clinic sent you', {
          field: 'Authorization',
        });
      }
      // Another id is answered as unknown, so other patients' sessions cannot be probed.
      if (session !== undefined && session !== link.consultSession) {
        await audit(c, 'denied', resource, 404, [link.patientId]);
        throw notFound(`no consultation session '${session}'`, { field: 'session' });
      }
      return { ...(link.consultSession ? { session: link.consultSession } : {}), patientId: link.patientId, link };
    }
    if (session === undefined) return {};
    await loadSession(ctx.db, session); // 404 naming the session when there is none
    const bound = await links.bySession(session);
    if (bound && !(await ctx.patientScope.allows(p, bound.patientId))) {
      await audit(c, 'denied', resource, 403, [bound.patientId]);
      throw new MedSeekError(
        'forbidden',
        `you may not see Patient/${bound.patientId}, whose pre-consultation this is`,
        {
          field: 'session',
        },
      );
    }
    return { session, ...(bound ? { patientId: bound.patientId, link: bound } : {}) };
  };

  app.get('/', (c) => c.json(statusFor(c.get('principal'), audio.status(), problem)));

  app.post('/transcriptions', uploadLimit(maxBytes), query(transcriptionQuery), async (c) => {
    multipartOnly(c);
    const q = c.req.valid('query');
    const resource = q.session ? `consult-session/${q.session}/voice` : 'consult-session/voice';
    const who = await sessionAccess(c, q.session, resource);
    const where = who.session ? `consult-session/${who.session}/voice` : resource;
    try {
      const recording = await recordingOf(c);
      const transcript = await audio.transcribe(recording, q.lang ? { lang: q.lang } : {});
      const p = c.get('principal');
      const row = await store.add({
        purpose: 'consult',
        ...(who.session ? { sessionId: who.session } : {}),
        ...(who.patientId ? { patientId: who.patientId } : {}),
        principal: p.id,
        ...(q.lang ? { lang: q.lang } : {}),
        transcript,
      });
      // A link holds one session: what its patient said before the session started belongs to it.
      if (who.session && p.kind === 'patient-link') await store.adoptIntoSession(p.id, who.session);
      await audit(c, 'transcribe', where, 201, [who.patientId], {
        transcript: row.id,
        bytes: transcript.audio.bytes,
        model: transcript.model,
        endpoint: transcript.endpoint,
      });
      return c.json({ transcript: transcriptView(row) }, 201);
    } catch (e) {
      await audit(c, 'transcribe', where, statusOf(e), [who.patientId]);
      throw e;
    }
  });

  app.post('/speech', body(speechBody, { jsonOnly: true }), async (c) => {
    const b = c.req.valid('json');
    const p = c.get('principal');
    if (p.role === 'patient' && b.text !== undefined)
      throw new MedSeekError('forbidden', 'a patient’s page reads aloud only the questions of their session', {
        field: 'text',
      });
    const resource = b.session ? `consult-session/${b.session}/speech` : 'voice/speech';
    const who = await sessionAccess(c, b.session, resource);
    let text = b.text;
    let language = b.lang;
    if (text === undefined) {
      if (!who.session) throw notFound('there is no pre-consultation session to read from yet', { field: 'session' });
      const [state, turns] = await Promise.all([loadSession(ctx.db, who.session), loadTranscript(ctx.db, who.session)]);
      const asked = turns.filter((t) => t.role === 'medseek');
      const turn = b.turn === undefined ? asked.at(-1) : asked.find((t) => t.turn === b.turn);
      if (!turn)
        throw notFound(
          b.turn === undefined ? 'the session has no question yet' : `turn ${b.turn} is not a question of the session`,
          { field: 'turn' },
        );
      text = turn.text;
      language ??= state.lang;
    }
    try {
      const speech = await audio.speak(text, language ? { lang: language } : {});
      await audit(c, 'speak', resource, 200, [who.patientId], { model: speech.model, endpoint: speech.endpoint });
      return c.body(speech.bytes as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': speech.type,
        'Cache-Control': 'no-store',
      });
    } catch (e) {
      await audit(c, 'speak', resource, statusOf(e), [who.patientId]);
      throw e;
    }
  });

  return app;
}

/** `/api/patients/:id/dictation`: a clinician dictating a note about a patient they may see. */
export function dictationRoutes(ctx: VoiceRoutesContext, options: VoiceOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { audio } = audioOf(ctx, options);
  const store = new VoiceTranscriptStore(ctx.db);
  const maxBytes = audio.status().stt.maxBytes ?? DEFAULT_STT_MAX_BYTES;
  app.post('/:id/dictation', uploadLimit(maxBytes), params(dictationParams), query(dictationQuery), async (c) => {
    const { id } = c.req.valid('param');
    const { lang: spoken } = c.req.valid('query');
    const p = c.get('principal');
    const resource = `Patient/${id}/dictation`;
    const audit = (outcome: number, detail?: Record<string, unknown>) =>
      ctx.audit.record(
        auditEvents(c, { action: 'dictate', resource, outcome, patients: [id], ...(detail ? { detail } : {}) }),
      );
    if (!(await ctx.patientScope.allows(p, id))) {
      await audit(403);
      throw new MedSeekError('forbidden', `${p.name} (${p.role}) may not see Patient/${id}`, { field: 'id' });
    }
    multipartOnly(c);
    try {
      const patient = await ctx.resources.read('Patient', id);
      if (!patient || patient.deleted) throw notFound(`no Patient/${id}`, { field: 'id' });
      const recording = await recordingOf(c);
      const transcript = await audio.transcribe(recording, spoken ? { lang: spoken } : {});
      const row = await store.add({
        purpose: 'dictation',
        patientId: id,
        principal: p.id,
        ...(spoken ? { lang: spoken } : {}),
        transcript,
      });
      await audit(201, { transcript: row.id, bytes: transcript.audio.bytes, model: transcript.model });
      return c.json({ transcript: transcriptView(row) }, 201);
    } catch (e) {
      await audit(statusOf(e));
      throw e;
    }
  });
  return app;
}

const STATUS: Readonly<Record<string, number>> = {
  invalid: 400,
  'not-found': 404,
  forbidden: 403,
  'too-large': 413,
  unavailable: 503,
};
/** The status the caller receives for an error (as app.ts answers it), for the audit row. */
function statusOf(e: unknown): number {
  const err = e as { code?: string; location?: { field?: string } };
  if (err.code === 'unsupported') return err.location?.field === 'Content-Type' ? 415 : 400;
  return STATUS[err.code ?? ''] ?? 500;
}
