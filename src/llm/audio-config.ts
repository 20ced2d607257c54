import { invalid } from '../core/index.js';
import type { Trust } from './types.js';

/** OpenAI's upload limit for `/v1/audio/transcriptions`; local servers are held to the same by default. */
export const DEFAULT_STT_MAX_BYTES = 25 * 1024 * 1024;
/** OpenAI's limit on the text of one `/v1/audio/speech` request. */
export const DEFAULT_TTS_MAX_CHARS = 4096;

export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

/** One OpenAI-compatible audio server (whisper.cpp, FunASR, a TTS server), as the environment describes it. */
export interface AudioEndpointConfig {
  readonly baseURL: string;
  readonly apiKey?: string;
  readonly model: string;
  /** `local`: inside the hospital's trusted zone; `external`: anywhere else. */
  readonly trust: Trust;
  /** Patients' voices (or text read to them) may go to an external server only when this is set. */
  readonly allowExternal: boolean;
  /** One request, end to end. */
  readonly timeoutMs: number;
}

export interface SttConfig extends AudioEndpointConfig {
  readonly maxBytes: number;
}

export interface TtsConfig extends AudioEndpointConfig {
  /** The voice for English (and for Chinese unless `voiceZh` is set). */
  readonly voice: string;
  readonly voiceZh?: string;
  readonly format: SpeechFormat;
  readonly maxChars: number;
}

export interface AudioConfig {
  readonly stt?: SttConfig;
  readonly tts?: TtsConfig;
  /** False when the operator turned the browser's own speech APIs off (MEDSEEK_VOICE_BROWSER=off). */
  readonly browserFallback: boolean;
}

/**
 * Reads the audio servers from the environment, like the model servers (docs/voice.md):
 * - MEDSEEK_STT_BASE_URL (+ MEDSEEK_STT_MODEL, default `whisper-1`; MEDSEEK_STT_API_KEY): speech to text;
 * - MEDSEEK_TTS_BASE_URL (+ MEDSEEK_TTS_MODEL, default `tts-1`; MEDSEEK_TTS_API_KEY, MEDSEEK_TTS_VOICE,
 *   MEDSEEK_TTS_VOICE_ZH, MEDSEEK_TTS_FORMAT): text to speech;
 * - MEDSEEK_{STT,TTS}_TRUST=local|external: a server on this machine (localhost, 127.x, ::1) is local, any
 *   other external unless marked local; MEDSEEK_{STT,TTS}_EXTERNAL=allow lets audio go to an external one
 *   (refused otherwise); MEDSEEK_{STT,TTS}_TIMEOUT_MS (default 60 s); MEDSEEK_STT_MAX_BYTES (default 25 MB);
 * - MEDSEEK_VOICE_BROWSER=off: no fallback to the browser's speech APIs (some send audio to their vendor).
 * A malformed value is refused, naming its variable.
 */
export function loadAudioConfig(env: NodeJS.ProcessEnv = process.env): AudioConfig {
  const browser = env.MEDSEEK_VOICE_BROWSER;
  if (browser !== undefined && browser !== '' && browser !== 'on' && browser !== 'off')
    throw invalid(`must be on or off, got '${browser}'`, { field: 'MEDSEEK_VOICE_BROWSER' });
  const stt = endpoint(env, 'STT', 'whisper-1');
  const tts = endpoint(env, 'TTS', 'tts-1');
  const format = env.MEDSEEK_TTS_FORMAT || 'mp3';
  if (!(SPEECH_FORMATS as readonly string[]).includes(format))
    throw invalid(`must be one of ${SPEECH_FORMATS.join(', ')}, got '${format}'`, { field: 'MEDSEEK_TTS_FORMAT' });
  return {
    ...(stt ? { stt: { ...stt, maxBytes: positive(env, 'MEDSEEK_STT_MAX_BYTES', DEFAULT_STT_MAX_BYTES) } } : {}),
    ...(tts
      ? {
          tts: {
            ...tts,
            voice: env.MEDSEEK_TTS_VOICE || 'alloy',
            ...(env.MEDSEEK_TTS_VOICE_ZH ? { voiceZh: env.MEDSEEK_TTS_VOICE_ZH } : {}),
            format: format as SpeechFormat,
            maxChars: DEFAULT_TTS_MAX_CHARS,
          },
        }
      : {}),
    browserFallback: browser !== 'off',
  };
}

function endpoint(env: NodeJS.ProcessEnv, kind: 'STT' | 'TTS', defaultModel: string): AudioEndpointConfig | undefined {
  const base = env[`MEDSEEK_${kind}_BASE_URL`];
  if (!base) return undefined;
  const field = `MEDSEEK_${kind}_BASE_URL`;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw invalid(`'${base}' is not a URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`must be an http or https URL, got '${url.protocol}'`, { field });
  const trustRaw = env[`MEDSEEK_${kind}_TRUST`];
  if (trustRaw && trustRaw !== 'local' && trustRaw !== 'external')
    throw invalid(`must be local or external, got '${trustRaw}'`, { field: `MEDSEEK_${kind}_TRUST` });
  const external = env[`MEDSEEK_${kind}_EXTERNAL`];
  if (external && external !== 'allow' && external !== 'never')
    throw invalid(`must be allow or never, got '${external}'`, { field: `MEDSEEK_${kind}_EXTERNAL` });
  const apiKey = env[`MEDSEEK_${kind}_API_KEY`];
  return {
    baseURL: base,
    ...(apiKey ? { apiKey } : {}),
    model: env[`MEDSEEK_${kind}_MODEL`] || defaultModel,
    trust: (trustRaw as Trust | undefined) ?? (isLoopback(url.hostname) ? 'local' : 'external'),
    allowExternal: external === 'allow',
    timeoutMs: positive(env, `MEDSEEK_${kind}_TIMEOUT_MS`, 60_000),
  };
}

/** This machine: audio sent there has not left it. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw invalid(`must be a whole number above 0, got '${raw}'`, { field: name });
  return n;
}

/** The configuration as it may be shown: keys replaced by `***`. */
export function redactedAudioConfig(c: AudioConfig): unknown {
  const hide = <T extends AudioEndpointConfig>(e: T | undefined) => e && { ...e, apiKey: e.apiKey ? '***' : undefined };
  return { ...c, stt: hide(c.stt), tts: hide(c.tts) };
}
