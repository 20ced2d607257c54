import type { ModelUse } from '../core/index.js';

/**
 * One chat message, OpenAI-style. `tool` messages answer a tool call by id. A user message may carry
 * images for a vision model (sent as `image_url` parts; only to trusted-local providers unless the
 * operator allows more: vision.ts).
 */
export type ChatMessage =
  | { readonly role: 'system' | 'user'; readonly content: string; readonly images?: readonly ImagePart[] }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly content: string; readonly toolCallId: string };

/**
 * An image for a vision model: the bytes as base64, sent as an OpenAI `image_url` content part with a
 * `data:` URL. Build one with `imagePart()` (vision.ts): its JSON form (audit, cache key) is the digest
 * and size, never the pixels, which may carry burned-in identifiers.
 */
export interface ImagePart {
  readonly mediaType: 'image/jpeg' | 'image/png' | 'image/webp';
  readonly base64: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** A function the model may call; `parameters` is a JSON Schema object. */
export interface ToolSpec {
  readonly name: string;
  readonly description?: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as the model wrote them (JSON text). */
  readonly arguments: string;
}

/** What a provider is asked. Providers never see a patient id: de-identification happened before. */
export interface ProviderRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly tools?: readonly ToolSpec[];
  /** JSON Schema the answer must follow (OpenAI `response_format: json_schema`, or a grammar). */
  readonly jsonSchema?: { readonly name: string; readonly schema: Readonly<Record<string, unknown>> };
  readonly signal?: AbortSignal;
  /** Called with each piece of answer text as it arrives (streaming). */
  readonly onDelta?: (delta: { readonly content?: string; readonly reasoning?: string }) => void;
}

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly reasoningTokens?: number;
  readonly cachedPromptTokens?: number;
}

/** What a provider answered. Reasoning (R1's `reasoning_content` or `<think>` blocks) is kept apart. */
export interface ProviderResponse {
  readonly content: string;
  readonly reasoning?: string;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: string;
  readonly usage?: Usage;
  /** Model name the server reported. */
  readonly model: string;
}

/** One backend: an OpenAI-compatible server or an in-process GGUF. */
export interface LlmProvider {
  readonly name: string;
  readonly kind: ProviderKind;
  /** `local` = may see identifiable text; `external` = gets de-identified text only. */
  readonly trust: Trust;
  /** The model asked for when the caller names none. */
  readonly defaultModel: string;
  /**
   * How the server constrains JSON: `json_schema` (vLLM, SGLang, Ollama, llama-server, grammar for
   * GGUF), `json_object` (DeepSeek API: valid JSON, schema given in the prompt) or `none`. In every
   * case the answer is validated and repaired once.
   */
  readonly jsonMode: JsonMode;
  /** Whether the provider can call tools. */
  readonly supportsTools: boolean;
  complete(request: ProviderRequest): Promise<ProviderResponse>;
  close?(): Promise<void>;
}

export type Trust = 'local' | 'external';
export type JsonMode = 'json_schema' | 'json_object' | 'none';
export type ProviderKind = 'deepseek' | 'openai-compatible' | 'vllm' | 'sglang' | 'ollama' | 'llamacpp-server' | 'gguf';

/**
 * A caller's answer: either the model was used (with its value) or it was not, with why, so the
 * caller falls back to its deterministic result. Nothing throws out of `LlmClient`.
 */
export type LlmResult<T> = (
  | {
      readonly ok: true;
      readonly value: T;
      readonly text: string;
      readonly toolCalls: readonly ToolCall[];
      readonly cached: boolean;
      readonly usage?: Usage;
      readonly costUsd?: number;
    }
  | { readonly ok: false; readonly error: LlmFailure }
) & { readonly use: ModelUse };

export type LlmFailureKind =
  | 'not-configured'
  | 'no-trusted-provider'
  | 'circuit-open'
  | 'timeout'
  | 'rate-limited'
  | 'server-error'
  | 'bad-request'
  | 'invalid-output'
  | 'network'
  | 'unavailable';

export interface LlmFailure {
  readonly kind: LlmFailureKind;
  readonly message: string;
  readonly status?: number;
}
