import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { isMedSeekError } from '../../core/index.js';
import { AudioClient, type AudioConfig, sniffContainer, VoiceTranscriptStore } from '../../llm/index.js';
import { type AudioTestServer, startAudioTestServer } from '../../llm/testing/audio-test-server.js';
import { espeakWav, missingSpeechTools, pocketsphinxTranscribe, toneWav } from '../../llm/testing/speech-tools.js';
import { respiratoryModel } from '../../reasoning/consultation/__fixtures__/respiratory.js';
import { compileNetwork, loadTranscript } from '../../reasoning/index.js';
import { createResourceRepository, type ResourceRepository } from '../../store/index.js';
import { AuditLog } from '../audit/audit-log.js';
import { createPatientScope } from '../auth/patient-scope.js';
import type { AppContext } from '../context.js';
import type { AppEnv, Principal } from '../env.js';
import { outcomeForError } from '../fhir/operation-outcome.js';
import { patientLinkAuthenticator } from '../patient-links/link-auth.js';
import { patientLinkRoutes } from '../patient-links/routes.js';
import { consultRoutes } from './consult.js';
import { dictationRoutes, voiceRoutes } from './voice.js';

/**
 * Voice through the routes: a recording of a spoken complaint goes through a local OpenAI-compatible
 * audio server (pocketsphinx behind it when Debian's speech tools are installed; else a table keyed
 * by the audio's hash, with a tone as the "recording") into the pre-consultation chat.
 */
const missing = missingSpeechTools();
const real = missing.length === 0;
if (!real)
  console.warn(
    `voice.test: ${missing.join(', ')} not installed: the routes are tested with a hash-keyed test recogniser; ` +
      'src/llm/audio.test.ts covers the real one (apt-get install espeak-ng sox pocketsphinx pocketsphinx-en-us)',
  );

const DOCTOR: Principal = { kind: 'api-key', id: 'key:dr-li', name: '李医生', role: 'clinician', allPatients: true };
const OUTSIDER: Principal = {
  kind: 'api-key',
  id: 'key:dr-far',
  name: '远医生',
  role: 'clinician',
  units: ['Organization/elsewhere'],
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const COMPLAINT = 'I have a cough and a fever';
const ANSWER = 'I have a fever';

forEachBackend('voice routes', (db) => {
  let app: Hono<AppEnv>;
  let resources: ResourceRepository;
  let audit: AuditLog;
  let server: AudioTestServer;
  let ctx: AppContext;
  const recordings = new Map<string, Buffer>();
  const as = new Map<string, Principal>([
    ['doctor', DOCTOR],
    ['outsider', OUTSIDER],
  ]);

  const audioConfig = (over: Partial<NonNullable<AudioConfig['stt']>> = {}): AudioConfig => ({
    stt: {
      baseURL: server.url,
      model: real ? 'pocketsphinx-en-us' : 'hash-table',
      trust: 'local',
      allowExternal: false,
      timeoutMs: 15_000,
      maxBytes: 2_000_000,
      ...over,
    },
    tts: {
      baseURL: server.url,
      model: 'espeak-ng',
      trust: 'local',
      allowExternal: false,
      timeoutMs: 15_000,
      voice: 'en-us',
      format: 'wav',
      maxChars: 4096,
    },
    browserFallback: true,
  });

  beforeAll(async () => {
    const said = new Map<string, string>();
    for (const [i, text] of [COMPLAINT, ANSWER].entries()) {
      const wav = real ? await espeakWav(text) : toneWav(200 + 100 * i, 300 + 200 * i);
      recordings.set(text, wav);
      said.set(sha(wav), text);
    }
    server = await startAudioTestServer({
      recognise: (audio) => (real ? pocketsphinxTranscribe(audio) : Promise.resolve(said.get(sha(audio)) ?? '')),
      speak: async (text) => ({ bytes: real ? await espeakWav(text) : toneWav(10 * text.length), type: 'audio/wav' }),
    });
    resources = createResourceRepository(db());
    audit = new AuditLog(db());
    ctx = { db: db(), resources, audit, patientScope: createPatientScope(db()) } as unknown as AppContext;
    await resources.put({ resourceType: 'Patient', id: 'vp-a', name: [{ text: 'Alice Voice' }] });
    await resources.put({ resourceType: 'Patient', id: 'vp-b', name: [{ text: 'Bob Voice' }] });
    for (const [id, patient] of [
      ['vappt-a', 'vp-a'],
      ['vappt-b', 'vp-b'],
    ] as const)
      await resources.put({
        resourceType: 'Appointment',
        id,
        status: 'booked',
        start: new Date(Date.now() + 2 * 3600_000).toISOString(),
        end: new Date(Date.now() + 3 * 3600_000).toISOString(),
        participant: [{ actor: { reference: `Patient/${patient}` }, status: 'accepted' }],
      });

    app = new Hono<AppEnv>();
    app.onError((e, c) =>
      isMedSeekError(e)
        ? c.json(outcomeForError(e).body, outcomeForError(e).status as 400)
        : c.json({ error: e.message }, 500),
    );
    app.use('*', async (c, next) => {
      c.set('requestId', 'voice-test');
      const r = await patientLinkAuthenticator(ctx, c);
      if (r && 'refused' in r) return c.json({ refused: r.refused }, 401);
      const p = r?.principal ?? as.get(c.req.header('x-as') ?? '');
      if (!p) return c.json({ error: 'no principal' }, 401);
      c.set('principal', p);
      return next();
    });
    const net = compileNetwork(respiratoryModel);
    app.route('/api/patient-links', patientLinkRoutes(ctx));
    app.route('/api/consult', consultRoutes({ db: db(), resolve: async () => net, resources, audit }));
    const audio = new AudioClient(audioConfig());
    app.route('/api/voice', voiceRoutes(ctx, { audio }));
    app.route('/api/patients', dictationRoutes(ctx, { audio }));
    // The same routes with no speech server, and with a small upload limit.
    app.route('/none/voice', voiceRoutes(ctx, { audio: new AudioClient({ browserFallback: true }) }));
    app.route('/small', dictationRoutes(ctx, { audio: new AudioClient(audioConfig({ maxBytes: 1000 })) }));
  });
  afterAll(() => server?.close());

  const call = (path: string, init: { body?: unknown; as?: string; token?: string; method?: string } = {}) =>
    app.request(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.body instanceof FormData || init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(init.as ? { 'x-as': init.as } : {}),
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
      },
      ...(init.body === undefined
        ? {}
        : { body: init.body instanceof FormData ? init.body : JSON.stringify(init.body) }),
    });
  const form = (wav: Uint8Array, type = 'audio/wav') => {
    const f = new FormData();
    f.append('file', new Blob([new Uint8Array(wav)], { type }), 'recording.wav');
    return f;
  };
  const linkFor = async (appointmentId: string) => {
    const issued = await call('/api/patient-links', { body: { appointmentId }, as: 'doctor' });
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };
    expect((await call('/api/patient-links/consent', { body: { agree: true, lang: 'en' }, token })).status).toBe(201);
    return token;
  };
  const keyWords = (text: string, said: string) => {
    // pocketsphinx hears the key words; the test recogniser repeats the sentence.
    for (const w of said === COMPLAINT ? ['cough', 'fever'] : ['fever']) expect(text).toMatch(new RegExp(`\\b${w}\\b`));
  };

  it('says which speech servers are available, less to a patient than to staff', async () => {
    const token = await linkFor('vappt-b');
    const staff = await (await call('/api/voice', { as: 'doctor' })).json();
    expect(staff).toMatchObject({
      stt: { available: true, trust: 'local', maxBytes: 2_000_000 },
      tts: { available: true, format: 'wav' },
      browserFallback: true,
    });
    const patient = await (await call('/api/voice', { token })).json();
    expect(patient).toEqual({
      stt: { available: true, maxBytes: 2_000_000, types: expect.arrayContaining(['audio/webm', 'audio/wav']) },
      tts: { available: true },
      browserFallback: true,
    });
    const none = await (await call('/none/voice', { as: 'doctor' })).json();
    expect(none.stt).toMatchObject({ available: false, reason: expect.stringMatching(/MEDSEEK_STT_BASE_URL/) });
  });

  it('puts a spoken complaint and answer into the patient’s chat, stored with the session, audited', async () => {
    const token = await linkFor('vappt-a');
    // Before the session starts: the complaint, spoken.
    const first = await call('/api/voice/transcriptions?lang=en', { body: form(recordings.get(COMPLAINT)!), token });
    expect(first.status).toBe(201);
    const complaint = (await first.json()).transcript;
    keyWords(complaint.text, COMPLAINT);
    expect(complaint).toMatchObject({ patientId: 'vp-a', lang: 'en' });
    expect(complaint.session).toBeUndefined();
    // The patient confirms the text and sends it: it starts the session.
    const started = await call('/api/consult', { body: { complaint: complaint.text, lang: 'en', age: 30 }, token });
    expect(started.status).toBe(201);
    const session = (await started.json()).session.id as string;
    // An answer, spoken, goes into that session; then sent as the answer.
    const second = await call(`/api/voice/transcriptions?session=${session}&lang=en`, {
      body: form(recordings.get(ANSWER)!),
      token,
    });
    expect(second.status).toBe(201);
    const answer = (await second.json()).transcript;
    keyWords(answer.text, ANSWER);
    expect(answer.session).toBe(session);
    expect((await call(`/api/consult/${session}/answers`, { body: { text: answer.text }, token })).status).toBe(200);

    // The chat's turns carry what was heard, as the patient sent it.
    const patientTurns = (await loadTranscript(db(), session)).filter((t) => t.role === 'patient').map((t) => t.text);
    expect(patientTurns).toEqual(expect.arrayContaining([complaint.text, answer.text]));
    // Both transcripts are stored with the session (the complaint adopted once the session existed).
    const stored = await new VoiceTranscriptStore(db()).bySession(session);
    expect(stored.map((t) => t.text)).toEqual([complaint.text, answer.text]);
    expect(stored[0]).toMatchObject({ purpose: 'consult', patientId: 'vp-a', audioType: 'audio/wav' });
    expect(stored[0]!.principal).toMatch(/^link:/);
    expect(stored[0]!.audioSha256).toBe(sha(recordings.get(COMPLAINT)!));
    // Audited like every patient write.
    const rows = await audit.query({ patient: 'vp-a' });
    const transcribed = rows.filter((r) => r.action === 'transcribe' && r.outcome === 201);
    expect(transcribed.map((r) => r.resource)).toEqual(
      expect.arrayContaining(['consult-session/voice', `consult-session/${session}/voice`]),
    );
    expect(transcribed[0]!.detail).toMatchObject({ transcript: expect.any(String), model: expect.any(String) });
    // The server got the real openai client's multipart upload.
    expect(server.requests.filter((r) => r.path === '/v1/audio/transcriptions').at(-1)).toMatchObject({
      language: 'en',
      file: { name: 'recording.wav', type: 'audio/wav' },
    });

    // Read aloud: the session's latest question, as audio.
    const spoken = await call('/api/voice/speech', { body: { session }, token });
    expect(spoken.status).toBe(200);
    expect(spoken.headers.get('content-type')).toBe('audio/wav');
    expect(sniffContainer(new Uint8Array(await spoken.arrayBuffer()))).toBe('wav');
    const turns = await loadTranscript(db(), session);
    const lastQuestion = turns.filter((t) => t.role === 'medseek').at(-1)!.text;
    expect(server.requests.at(-1)!.json).toMatchObject({ input: lastQuestion, response_format: 'wav' });
    expect((await audit.query({ patient: 'vp-a' })).some((r) => r.action === 'speak' && r.outcome === 200)).toBe(true);

    // A patient reads only their session's questions, and reaches no other session.
    expect((await call('/api/voice/speech', { body: { text: 'anything at all' }, token })).status).toBe(403);
    const other = await call('/api/voice/transcriptions?session=not-mine', {
      body: form(recordings.get(ANSWER)!),
      token,
    });
    expect(other.status).toBe(404);
    expect((await call('/api/voice/speech', { body: { session: 'not-mine' }, token })).status).toBe(404);
    expect((await call('/api/voice/speech', { body: { session, turn: 0 }, token })).status).toBe(404);
    // Staff read it too.
    expect((await call('/api/voice/speech', { body: { session }, as: 'doctor' })).status).toBe(200);
  });

  it('lets a clinician dictate a note about a patient they may see, stored with the patient and the user', async () => {
    const r = await call('/api/patients/vp-b/dictation?lang=en', {
      body: form(recordings.get(COMPLAINT)!),
      as: 'doctor',
    });
    expect(r.status).toBe(201);
    const { transcript } = await r.json();
    keyWords(transcript.text, COMPLAINT);
    const [row] = await new VoiceTranscriptStore(db()).byPatient('vp-b');
    expect(row).toMatchObject({ purpose: 'dictation', patientId: 'vp-b', principal: DOCTOR.id, text: transcript.text });
    expect(row!.sessionId).toBeUndefined();
    const rows = await audit.query({ patient: 'vp-b' });
    expect(rows.some((x) => x.action === 'dictate' && x.outcome === 201 && x.principal === DOCTOR.id)).toBe(true);
    // Outside the clinician's units: refused and audited; an unknown patient: 404.
    const before = server.requests.length;
    const far = await call('/api/patients/vp-b/dictation', { body: form(recordings.get(COMPLAINT)!), as: 'outsider' });
    expect(far.status).toBe(403);
    expect((await audit.query({ patient: 'vp-b' })).some((x) => x.principal === OUTSIDER.id && x.outcome === 403)).toBe(
      true,
    );
    expect((await call('/api/patients/nobody/dictation', { body: form(toneWav(50)), as: 'doctor' })).status).toBe(404);
    expect(server.requests.length).toBe(before);
  });

  it('refuses what is not a recording, too much of one, and answers 503 without a speech server', async () => {
    const json = await call('/api/patients/vp-b/dictation', { body: { file: 'x' }, as: 'doctor' });
    expect(JSON.stringify(await json.json())).toMatch(/multipart\/form-data.*Content-Type|Content-Type/);
    const empty = new FormData();
    empty.append('lang', 'en');
    const noFile = await call('/api/patients/vp-b/dictation', { body: empty, as: 'doctor' });
    expect(noFile.status).toBe(400);
    expect(JSON.stringify(await noFile.json())).toMatch(/form field file/);
    const pdf = await call('/api/patients/vp-b/dictation', {
      body: form(Buffer.from('%PDF-1.7 a letter')),
      as: 'doctor',
    });
    expect(pdf.status).toBe(400);
    expect(JSON.stringify(await pdf.json())).toMatch(/sent as audio\/wav but its content is not audio/);
    const big = await call('/small/vp-b/dictation', { body: form(toneWav(500)), as: 'doctor' });
    expect(big.status).toBe(413);
    const off = await call('/none/voice/transcriptions', { body: form(toneWav(50)), as: 'doctor' });
    expect(off.status).toBe(503);
    expect(JSON.stringify(await off.json())).toMatch(/no speech-to-text server is configured/);
    expect((await call('/none/voice/speech', { body: { text: 'Hello' }, as: 'doctor' })).status).toBe(503);
  });
});
