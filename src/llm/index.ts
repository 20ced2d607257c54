/**
 * llm: the model layer. One client (`LlmClient`) in front of DeepSeek's API, any OpenAI-compatible
 * server (vLLM, SGLang, Ollama, llama.cpp) and in-process GGUF models; de-identification before
 * anything leaves; cache, audit, retries and a typed "not used" result so callers always have
 * their deterministic answer. See docs/models.md.
 */
export {
  type AskOptions,
  buildProvider,
  defaultDeadlines,
  LlmClient,
  type LlmClientOptions,
  notUsed,
  type PatientContext,
  type ProviderEntry,
  withFallback,
} from './client.js';
export {
  ACCEPTED_AUDIO_TYPES,
  AudioClient,
  type AudioInput,
  type AudioStatus,
  baseType,
  checkAudio,
  type ServiceStatus,
  type Speech,
  sniffContainer,
  type Transcript,
} from './audio.js';
export {
  type AudioConfig,
  type AudioEndpointConfig,
  DEFAULT_STT_MAX_BYTES,
  DEFAULT_TTS_MAX_CHARS,
  isLoopback,
  loadAudioConfig,
  redactedAudioConfig,
  SPEECH_FORMATS,
  type SpeechFormat,
  type SttConfig,
  type TtsConfig,
} from './audio-config.js';
export {
  type NewVoiceTranscript,
  type VoiceTranscriptRow,
  VoiceTranscriptStore,
} from './voice-transcripts.js';
export {
  guessKind,
  type LlmConfig,
  type LlmConfigFile,
  llmConfigFileSchema,
  loadLlmConfig,
  type Preset,
  type ProviderConfig,
  presets,
  redactedLlmConfig,
} from './config.js';
export { findDates, shiftDatesIn } from './deid/dates.js';
export { Deidentifier, type DeidentifierOptions, type DeidReport, shiftDaysFor } from './deid/deidentify.js';
export { type DetectOptions, detectPhi, type PhiKind, type PhiSpan, validCnId } from './deid/detect.js';
export { type PatientLike, patientIdentifiers, patientNames } from './deid/person.js';
export {
  type AnnotatedNote,
  type DeidScore,
  loadAnnotatedNotes,
  parseAnnotatedNotes,
  scoreDeid,
} from './deid/evaluate.js';
export { classifyError, parseRetryAfter, ProviderError } from './errors.js';
export { GgufProvider, type GgufProviderOptions, loadNodeLlamaCpp } from './gguf-provider.js';
export { type CallRecord, LlmLedger } from './ledger.js';
export { OpenAiCompatibleProvider, type OpenAiProviderOptions } from './openai-provider.js';
export { costUsd, defaultPrices, type Price } from './pricing.js';
export { splitThink, ThinkStreamSplitter } from './reasoning.js';
export {
  backoffMs,
  CircuitBreaker,
  type Deadline,
  deadlineIn,
  deadlineMessage,
  defaultRetryPolicy,
  type RetryPolicy,
  Semaphore,
  withRetry,
} from './resilience.js';
export { extractJson, jsonSchemaOf, parseStructured } from './structured.js';
export { MAX_TOOL_STEPS, runToolLoop, type ToolLoopOptions, type ToolLoopResult, type ToolStep } from './tool-loop.js';
export { encodeGguf, tinyLlamaGguf, writeTinyLlamaGguf } from './testing/gguf-writer.js';
export { type Behaviour, type OpenAiTestServer, startOpenAiTestServer } from './testing/openai-test-server.js';
export {
  imagePart,
  loadVisionConfig,
  type VisionAsk,
  type VisionConfig,
  VisionReader,
  type VisionStatus,
} from './vision.js';
export type * from './types.js';

import type { Sql } from '../core/index.js';
import { LlmClient, type LlmClientOptions } from './client.js';
import { loadLlmConfig } from './config.js';

/** The client the environment describes (MEDSEEK_LLM_*, DEEPSEEK_API_KEY, MEDSEEK_LLM_GGUF, MEDSEEK_LLM_CONFIG). */
export function llmClientFromEnv(
  options: { env?: NodeJS.ProcessEnv; sql?: Sql; log?: LlmClientOptions['log'] } = {},
): LlmClient {
  return LlmClient.fromConfig(loadLlmConfig(options.env ?? process.env), options.sql, options.log);
}
