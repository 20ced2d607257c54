import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMedSeekError, type MedSeekError } from '../core/index.js';
import { AudioClient, checkAudio, sniffContainer } from './audio.js';
import { type AudioConfig, loadAudioConfig, redactedAudioConfig } from './audio-config.js';
import { type AudioTestServer, startAudioTestServer } from './testing/audio-test-server.js';
import { espeakWav, missingSpeechTools, pocketsphinxTranscribe, toneWav } from './testing/speech-tools.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function refusal(p: Promise<unknown>): Promise<MedSeekError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isMedSeekError(e)) throw new Error(`expected a MedSeekError, got ${String(e)}`);
  return e;
}

describe('audio configuration', () => {
  it('reads the STT and TTS servers from the environment, a loopback server counting as local', () => {
    const c = loadAudioConfig({
      MEDSEEK_STT_BASE_URL: 'http://127.0.0.1:8080/v1',
      MEDSEEK_STT_API_KEY: 'sk-stt',
      MEDSEEK_TTS_BASE_URL: 'http://tts.ward.example:8880/v1',
      MEDSEEK_TTS_TRUST: 'local',
      MEDSEEK_TTS_VOICE: 'en_female',
      MEDSEEK_TTS_VOICE_ZH: 'zf_xiaobei',
      MEDSEEK_TTS_FORMAT: 'wav',
    });
    expect(c.stt).toMatchObject({ model: 'whisper-1', trust: 'local', allowExternal: false, maxBytes: 25 * 1048576 });
    expect(c.tts).toMatchObject({ model: 'tts-1', trust: 'local', voice: 'en_female', voiceZh: 'zf_xiaobei' });
    expect(c.browserFallback).toBe(true);
    expect(JSON.stringify(redactedAudioConfig(c))).not.toContain('sk-stt');
    expect(loadAudioConfig({})).toEqual({ browserFallback: true });
    expect(loadAudioConfig({ MEDSEEK_VOICE_BROWSER: 'off' }).browserFallback).toBe(false);
  });

  it('names the variable and the reason of a malformed value', () => {
    const bad = (env: NodeJS.ProcessEnv) => {
      try {
        loadAudioConfig(env);
      } catch (e) {
        return (e as MedSeekError).message;
      }
      return 'accepted';
    };
    expect(bad({ MEDSEEK_STT_BASE_URL: 'whisper' })).toMatch(/MEDSEEK_STT_BASE_URL: 'whisper' is not a URL/);
    expect(bad({ MEDSEEK_STT_BASE_URL: 'ftp://x/v1' })).toMatch(/MEDSEEK_STT_BASE_URL: must be an http/);
    expect(bad({ MEDSEEK_STT_BASE_URL: 'http://x/v1', MEDSEEK_STT_TRUST: 'yes' })).toMatch(/MEDSEEK_STT_TRUST/);
    expect(bad({ MEDSEEK_STT_BASE_URL: 'http://x/v1', MEDSEEK_STT_MAX_BYTES: '-1' })).toMatch(/MEDSEEK_STT_MAX_BYTES/);
    expect(bad({ MEDSEEK_TTS_FORMAT: 'ogg' })).toMatch(/MEDSEEK_TTS_FORMAT: must be one of mp3/);
    expect(bad({ MEDSEEK_VOICE_BROWSER: 'maybe' })).toMatch(/MEDSEEK_VOICE_BROWSER/);
  });

  it('keeps audio in the trusted zone: an external server is unavailable until explicitly allowed', () => {
    const env = { MEDSEEK_STT_BASE_URL: 'https://api.openai.com/v1', MEDSEEK_STT_API_KEY: 'sk-x' };
    const refused = new AudioClient(loadAudioConfig(env)).status();
    expect(refused.stt).toMatchObject({ available: false, trust: 'external' });
    expect(refused.stt.reason).toMatch(
      /https:\/\/api.openai.com is outside the trusted zone.*MEDSEEK_STT_EXTERNAL=allow/,
    );
    expect(refused.tts).toMatchObject({ available: false, reason: expect.stringMatching(/MEDSEEK_TTS_BASE_URL/) });
    const allowed = new AudioClient(loadAudioConfig({ ...env, MEDSEEK_STT_EXTERNAL: 'allow' })).status();
    expect(allowed.stt).toMatchObject({ available: true, trust: 'external' });
  });
});

describe('audio checks before anything is sent', () => {
  it('knows audio containers by their first bytes', () => {
    expect(sniffContainer(toneWav(50))).toBe('wav');
    expect(sniffContainer(Buffer.from('OggS\0\x02\0\0\0\0\0\0\0\0'))).toBe('ogg');
    expect(sniffContainer(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe('webm');
    expect(sniffContainer(Buffer.from('%PDF-1.7 hello world'))).toBeUndefined();
  });

  it('refuses an empty, oversized, mistyped or disguised file, naming the field', () => {
    const wav = toneWav(100);
    expect(checkAudio({ bytes: wav, type: 'audio/wav' }, 1e6)).toBe('wav');
    expect(checkAudio({ bytes: wav, type: 'audio/x-wav; codecs=1' }, 1e6)).toBe('wav');
    const fails = (bytes: Uint8Array, type: string, max = 1e6) => {
      try {
        checkAudio({ bytes, type }, max);
      } catch (e) {
        return `${(e as MedSeekError).code} ${(e as MedSeekError).message}`;
      }
      return 'accepted';
    };
    expect(fails(new Uint8Array(), 'audio/wav')).toBe('invalid field file: the recording is empty');
    expect(fails(wav, 'audio/wav', 100)).toMatch(/^too-large field file: the recording is 3244 bytes; at most 100/);
    expect(fails(wav, 'text/plain')).toMatch(/^unsupported field file: 'text\/plain' is not an audio type/);
    expect(fails(Buffer.from('%PDF-1.7 not a recording'), 'audio/webm')).toMatch(
      /^invalid field file: the file was sent as audio\/webm but its content is not audio/,
    );
    expect(fails(wav, 'audio/ogg')).toMatch(/sent as audio\/ogg but its content is wav audio/);
  });
});

describe('the openai client against a local audio server', () => {
  let server: AudioTestServer;
  const known = new Map<string, string>();
  const tone = toneWav(300);
  beforeAll(async () => {
    known.set(sha(tone), 'I have a cough and a fever');
    server = await startAudioTestServer({
      recognise: async (audio) => known.get(sha(audio)) ?? '',
      speak: async (text) => ({ bytes: toneWav(20 * text.length), type: 'audio/wav' }),
    });
  });
  afterAll(() => server.close());

  const config = (over: Partial<AudioConfig> = {}): AudioConfig => ({
    stt: {
      baseURL: server.url,
      apiKey: 'sk-local',
      model: 'ggml-base.en',
      trust: 'local',
      allowExternal: false,
      timeoutMs: 5_000,
      maxBytes: 1_000_000,
    },
    tts: {
      baseURL: server.url,
      model: 'kokoro',
      trust: 'local',
      allowExternal: false,
      timeoutMs: 5_000,
      voice: 'af_heart',
      voiceZh: 'zf_xiaobei',
      format: 'wav',
      maxChars: 100,
    },
    browserFallback: true,
    ...over,
  });

  it('sends the recording as multipart with model and language; returns the transcript and where it went', async () => {
    const t = await new AudioClient(config()).transcribe({ bytes: tone, type: 'audio/wav' }, { lang: 'en' });
    expect(t).toMatchObject({
      text: 'I have a cough and a fever',
      model: 'ggml-base.en',
      trust: 'local',
      endpoint: new URL(server.url).origin,
      audio: { sha256: sha(tone), bytes: tone.length, type: 'audio/wav' },
    });
    const sent = server.requests.at(-1)!;
    expect(sent).toMatchObject({ model: 'ggml-base.en', language: 'en', authorization: 'Bearer sk-local' });
    expect(sent.file).toMatchObject({ name: 'recording.wav', type: 'audio/wav' });
    expect(sha(sent.file!.bytes)).toBe(sha(tone));
  });

  it('sends nothing when the file is refused or the server is external and not allowed', async () => {
    const before = server.requests.length;
    const c = new AudioClient(config());
    expect(
      (await refusal(c.transcribe({ bytes: Buffer.from('hello there, not audio'), type: 'audio/wav' }))).code,
    ).toBe('invalid');
    const external = config();
    const out = new AudioClient({ ...external, stt: { ...external.stt!, trust: 'external' } });
    const e = await refusal(out.transcribe({ bytes: tone, type: 'audio/wav' }));
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(/outside the trusted zone/);
    expect(server.requests.length).toBe(before);
  });

  it('turns the server’s refusals, failures and silence into errors that say what happened', async () => {
    const c = new AudioClient(config());
    server.enqueue({ kind: 'status', status: 400, message: 'unsupported sample rate' });
    const bad = await refusal(c.transcribe({ bytes: tone, type: 'audio/wav' }));
    expect([bad.code, bad.location.field]).toEqual(['invalid', 'file']);
    expect(bad.message).toMatch(
      /speech-to-text server http:\/\/127.0.0.1:\d+ refused it \(400: unsupported sample rate\)/,
    );
    server.enqueue({ kind: 'status', status: 500, message: 'model not loaded' });
    expect((await refusal(c.transcribe({ bytes: tone, type: 'audio/wav' }))).message).toMatch(/answered 500/);
    const quick = config();
    server.enqueue({ kind: 'slow', ms: 1_500 });
    const slow = new AudioClient({ ...quick, stt: { ...quick.stt!, timeoutMs: 200 } });
    const late = await refusal(slow.transcribe({ bytes: tone, type: 'audio/wav' }));
    expect([late.code, late.message]).toEqual(['unavailable', expect.stringMatching(/did not answer within 200 ms/)]);
    const gone = new AudioClient({ ...quick, stt: { ...quick.stt!, baseURL: 'http://127.0.0.1:9/v1' } });
    expect((await refusal(gone.transcribe({ bytes: tone, type: 'audio/wav' }))).message).toMatch(/cannot be reached/);
  });

  it('reads text aloud with the voice for the language, and refuses what is not audio', async () => {
    const c = new AudioClient(config());
    const s = await c.speak('Do you have a fever?', { lang: 'zh' });
    expect(s.type).toBe('audio/wav');
    expect(sniffContainer(s.bytes)).toBe('wav');
    const spoken = () => server.requests.filter((r) => r.path === '/v1/audio/speech').at(-1)!;
    expect(spoken().json).toEqual({
      model: 'kokoro',
      input: 'Do you have a fever?',
      voice: 'zf_xiaobei',
      response_format: 'wav',
    });
    await c.speak('Hello');
    expect(spoken().json?.voice).toBe('af_heart');
    expect((await refusal(c.speak('   '))).location.field).toBe('text');
    expect((await refusal(c.speak('x'.repeat(101)))).code).toBe('too-large');
    server.enqueue({ kind: 'not-audio' });
    expect((await refusal(c.speak('Hello'))).message).toMatch(/answered text\/html, not audio/);
    const none = new AudioClient({ browserFallback: true });
    expect((await refusal(none.speak('Hello'))).message).toMatch(/no text-to-speech server is configured/);
  });
});

// A real recogniser: espeak-ng speaks, pocketsphinx (en-us model) listens behind the OpenAI-compatible server.
const missing = missingSpeechTools();
const skip = missing.length > 0 && !process.env.CI;
if (skip)
  console.warn(
    `audio.test: skipping the espeak-ng → pocketsphinx round trip: ${missing.join(', ')} not installed ` +
      '(apt-get install espeak-ng sox pocketsphinx pocketsphinx-en-us)',
  );

describe.skipIf(skip)('a spoken complaint through a real local recogniser', () => {
  let server: AudioTestServer;
  beforeAll(async () => {
    expect(missing, 'speech tools missing under CI').toEqual([]);
    server = await startAudioTestServer({
      recognise: (audio) => pocketsphinxTranscribe(audio),
      speak: async (text) => ({ bytes: await espeakWav(text), type: 'audio/wav' }),
    });
  });
  afterAll(() => server?.close());

  const local = (): AudioConfig => ({
    stt: {
      baseURL: server.url,
      model: 'pocketsphinx-en-us',
      trust: 'local',
      allowExternal: false,
      timeoutMs: 15_000,
      maxBytes: 5_000_000,
    },
    tts: {
      baseURL: server.url,
      model: 'espeak-ng',
      trust: 'local',
      allowExternal: false,
      timeoutMs: 15_000,
      voice: 'en-us',
      format: 'wav',
      maxChars: 500,
    },
    browserFallback: true,
  });

  it('hears the key words of "I have a cough and a fever" spoken by espeak-ng', async () => {
    const wav = await espeakWav('I have a cough and a fever');
    const t = await new AudioClient(local()).transcribe({ bytes: wav, type: 'audio/wav' }, { lang: 'en' });
    expect(t.text).toMatch(/\bcough\b/);
    expect(t.text).toMatch(/\bfever\b/);
  });

  it('reads a sentence aloud and hears it again (TTS then STT)', async () => {
    const audio = new AudioClient(local());
    const spoken = await audio.speak('I have a fever');
    expect(sniffContainer(spoken.bytes)).toBe('wav');
    const heard = await audio.transcribe({ bytes: spoken.bytes, type: spoken.type });
    expect(heard.text).toMatch(/\bfever\b/);
  });
});
