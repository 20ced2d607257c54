import { createHash } from 'node:crypto';
import OpenAI, { toFile } from 'openai';
import { invalid, MedSeekError } from '../core/index.js';
import type { AudioConfig, AudioEndpointConfig, SpeechFormat, SttConfig, TtsConfig } from './audio-config.js';

/**
 * Speech to text and text to speech through OpenAI-compatible audio endpoints (`POST
 * /v1/audio/transcriptions`, `POST /v1/audio/speech`): a local whisper.cpp or FunASR server, a TTS
 * server. Audio goes to an external server only when the operator allowed it (audio cannot be
 * de-identified); every refusal and failure is a MedSeekError naming the field and the reason.
 */

/** The containers speech servers decode (whisper: flac, mp3, mp4, m4a, ogg, wav, webm), by MIME type. */
const CONTAINER_OF_TYPE: Readonly<Record<string, Container>> = {
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/webm': 'webm',
  'video/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'mp4',
  'audio/m4a': 'mp4',
  'audio/x-m4a': 'mp4',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
};
export const ACCEPTED_AUDIO_TYPES: readonly string[] = Object.keys(CONTAINER_OF_TYPE);

type Container = 'wav' | 'webm' | 'ogg' | 'mp3' | 'mp4' | 'flac';
const EXTENSION: Readonly<Record<Container, string>> = {
  wav: 'wav',
  webm: 'webm',
  ogg: 'ogg',
  mp3: 'mp3',
  mp4: 'm4a',
  flac: 'flac',
};

/** A recording as uploaded: its bytes and the type the sender declared. */
export interface AudioInput {
  readonly bytes: Uint8Array;
  readonly type: string;
}

export interface Transcript {
  readonly text: string;
  readonly model: string;
  /** The server's origin (no path, no key): where the audio went. */
  readonly endpoint: string;
  readonly trust: AudioEndpointConfig['trust'];
  readonly audio: { readonly sha256: string; readonly bytes: number; readonly type: string };
  readonly latencyMs: number;
}

export interface Speech {
  readonly bytes: Uint8Array;
  readonly type: string;
  readonly model: string;
  readonly voice: string;
  readonly endpoint: string;
}

/** Whether each service can be used, and if not, why (for the web's fallback and `GET /api/voice`). */
export interface AudioStatus {
  readonly stt: ServiceStatus & { readonly maxBytes?: number; readonly types?: readonly string[] };
  readonly tts: ServiceStatus & { readonly format?: SpeechFormat };
  readonly browserFallback: boolean;
}
export interface ServiceStatus {
  readonly available: boolean;
  readonly model?: string;
  readonly trust?: AudioEndpointConfig['trust'];
  /** Why it is not available: not configured, or an external server not allowed. */
  readonly reason?: string;
}

/** Longest transcript kept (a 25 MB recording is minutes of speech, far under this). */
const MAX_TRANSCRIPT_CHARS = 20_000;
/** Largest answer accepted from a TTS server. */
const MAX_SPEECH_BYTES = 20 * 1024 * 1024;

export class AudioClient {
  readonly #config: AudioConfig;
  readonly #stt?: OpenAI;
  readonly #tts?: OpenAI;

  constructor(config: AudioConfig) {
    this.#config = config;
    if (config.stt) this.#stt = client(config.stt);
    if (config.tts) this.#tts = client(config.tts);
  }

  status(): AudioStatus {
    const { stt, tts } = this.#config;
    return {
      stt: stt
        ? { ...serviceStatus(stt, 'STT'), maxBytes: stt.maxBytes, types: ACCEPTED_AUDIO_TYPES }
        : { available: false, reason: 'no speech-to-text server is configured (MEDSEEK_STT_BASE_URL)' },
      tts: tts
        ? { ...serviceStatus(tts, 'TTS'), format: tts.format }
        : { available: false, reason: 'no text-to-speech server is configured (MEDSEEK_TTS_BASE_URL)' },
      browserFallback: this.#config.browserFallback,
    };
  }

  /** The recording's words. Refuses a file that is empty, too large or not audio, before anything is sent. */
  async transcribe(audio: AudioInput, options: { lang?: 'zh' | 'en'; signal?: AbortSignal } = {}): Promise<Transcript> {
    const config = this.#config.stt;
    const status = this.status().stt;
    if (!config || !this.#stt || !status.available)
      throw new MedSeekError('unavailable', status.reason ?? 'speech to text is not available', {
        field: 'MEDSEEK_STT_BASE_URL',
      });
    const container = checkAudio(audio, config.maxBytes);
    const type = baseType(audio.type);
    const start = performance.now();
    let text: string;
    try {
      const file = await toFile(audio.bytes, `recording.${EXTENSION[container]}`, { type });
      const r = await this.#stt.audio.transcriptions.create(
        { file, model: config.model, ...(options.lang ? { language: options.lang } : {}), response_format: 'json' },
        options.signal ? { signal: options.signal } : {},
      );
      text = typeof r === 'string' ? r : (r as { text?: unknown }).text === undefined ? '' : String(r.text);
    } catch (e) {
      throw serverError(e, 'speech-to-text', config, 'file');
    }
    return {
      text: text.replace(/\s+/g, ' ').trim().slice(0, MAX_TRANSCRIPT_CHARS),
      model: config.model,
      endpoint: origin(config.baseURL),
      trust: config.trust,
      audio: { sha256: createHash('sha256').update(audio.bytes).digest('hex'), bytes: audio.bytes.length, type },
      latencyMs: Math.round(performance.now() - start),
    };
  }

  /** The text read aloud by the TTS server, in the configured format. */
  async speak(text: string, options: { lang?: 'zh' | 'en'; signal?: AbortSignal } = {}): Promise<Speech> {
    const config = this.#config.tts;
    const status = this.status().tts;
    if (!config || !this.#tts || !status.available)
      throw new MedSeekError('unavailable', status.reason ?? 'text to speech is not available', {
        field: 'MEDSEEK_TTS_BASE_URL',
      });
    const input = text.trim();
    if (!input) throw invalid('there is no text to read aloud', { field: 'text' });
    if (input.length > config.maxChars)
      throw new MedSeekError('too-large', `at most ${config.maxChars} characters can be read aloud at once`, {
        field: 'text',
      });
    const voice = options.lang === 'zh' && config.voiceZh ? config.voiceZh : config.voice;
    let bytes: Uint8Array;
    let type: string;
    try {
      const res = await this.#tts.audio.speech.create(
        { model: config.model, input, voice, response_format: config.format },
        options.signal ? { signal: options.signal } : {},
      );
      type = baseType(res.headers.get('content-type') ?? '') || `audio/${config.format}`;
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw serverError(e, 'text-to-speech', config, 'text');
    }
    if (!type.startsWith('audio/') && type !== 'application/octet-stream')
      throw new MedSeekError('unavailable', `the text-to-speech server answered ${type}, not audio`, {
        field: 'MEDSEEK_TTS_BASE_URL',
      });
    if (bytes.length === 0 || bytes.length > MAX_SPEECH_BYTES)
      throw new MedSeekError('unavailable', `the text-to-speech server answered ${bytes.length} bytes of audio`, {
        field: 'MEDSEEK_TTS_BASE_URL',
      });
    return {
      bytes,
      type: type === 'application/octet-stream' ? `audio/${config.format === 'mp3' ? 'mpeg' : config.format}` : type,
      model: config.model,
      voice,
      endpoint: origin(config.baseURL),
    };
  }
}

function client(c: AudioEndpointConfig): OpenAI {
  // Retries would send the patient's voice again; the caller decides (the patient taps the mic again).
  return new OpenAI({ baseURL: c.baseURL, apiKey: c.apiKey || 'not-needed', maxRetries: 0, timeout: c.timeoutMs });
}

function serviceStatus(c: AudioEndpointConfig, kind: 'STT' | 'TTS'): ServiceStatus {
  if (c.trust === 'external' && !c.allowExternal)
    return {
      available: false,
      model: c.model,
      trust: c.trust,
      reason:
        `${origin(c.baseURL)} is outside the trusted zone and audio may not leave it: ` +
        `set MEDSEEK_${kind}_TRUST=local ` +
        `if the server is the hospital's own, or MEDSEEK_${kind}_EXTERNAL=allow to send audio there`,
    };
  return { available: true, model: c.model, trust: c.trust };
}

/** `type/subtype` without parameters (`audio/webm;codecs=opus` → `audio/webm`), lower case. */
export function baseType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** The container the bytes are in, from their first bytes; undefined when they are not audio we know. */
export function sniffContainer(b: Uint8Array): Container | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length < 12) return undefined;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'webm';
  if (ascii(4, 8) === 'ftyp') return 'mp4';
  if (ascii(0, 3) === 'ID3' || (b[0] === 0xff && (b[1]! & 0xe0) === 0xe0)) return 'mp3';
  return undefined;
}

/** Checks the declared type against the list and the bytes against the declared type. */
export function checkAudio(audio: AudioInput, maxBytes: number): Container {
  if (audio.bytes.length === 0) throw invalid('the recording is empty', { field: 'file' });
  if (audio.bytes.length > maxBytes)
    throw new MedSeekError(
      'too-large',
      `the recording is ${audio.bytes.length} bytes; at most ${maxBytes} bytes (${Math.floor(maxBytes / 1048576)} MB)`,
      { field: 'file' },
    );
  const type = baseType(audio.type);
  const declared = CONTAINER_OF_TYPE[type];
  if (!declared)
    throw new MedSeekError('unsupported', `'${type || 'no type'}' is not an audio type this server accepts`, {
      field: 'file',
    });
  const found = sniffContainer(audio.bytes);
  // A file must be what it claims: a renamed document or image is refused before it reaches the server.
  if (found !== declared)
    throw invalid(`the file was sent as ${type} but its content is ${found ? `${found} audio` : 'not audio'}`, {
      field: 'file',
    });
  return declared;
}

function origin(baseURL: string): string {
  try {
    return new URL(baseURL).origin;
  } catch {
    return baseURL;
  }
}

/** What the audio server's failure means for the caller, without its key or our internals. */
function serverError(e: unknown, what: string, c: AudioEndpointConfig, field: string): MedSeekError {
  if (e instanceof MedSeekError) return e;
  const where = `${what} server ${origin(c.baseURL)}`;
  if (e instanceof OpenAI.APIConnectionTimeoutError)
    return new MedSeekError('unavailable', `the ${where} did not answer within ${c.timeoutMs} ms`, {}, { cause: e });
  if (e instanceof OpenAI.APIUserAbortError)
    return new MedSeekError('unavailable', `the request to the ${where} was cancelled`, {}, { cause: e });
  if (e instanceof OpenAI.APIConnectionError)
    return new MedSeekError('unavailable', `the ${where} cannot be reached`, {}, { cause: e });
  if (e instanceof OpenAI.APIError && typeof e.status === 'number') {
    const said = serverMessage(e);
    if (e.status === 400 || e.status === 415 || e.status === 422)
      return invalid(`the ${where} refused it (${e.status}${said ? `: ${said}` : ''})`, { field });
    if (e.status === 413)
      return new MedSeekError('too-large', `the ${where} found it too large`, { field }, { cause: e });
    return new MedSeekError(
      'unavailable',
      `the ${where} answered ${e.status}${said ? `: ${said}` : ''}`,
      {},
      { cause: e },
    );
  }
  return new MedSeekError(
    'unavailable',
    `the ${where} failed: ${(e as Error)?.message ?? String(e)}`,
    {},
    { cause: e },
  );
}

function serverMessage(e: InstanceType<typeof OpenAI.APIError>): string {
  const body = e.error as { message?: unknown } | undefined;
  const m = typeof body?.message === 'string' ? body.message : '';
  return m.slice(0, 200);
}

export type { AudioConfig, SttConfig, TtsConfig };
