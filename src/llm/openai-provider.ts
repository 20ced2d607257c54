import OpenAI from 'openai';
import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { classifyError, ProviderError } from './errors.js';
import { splitThink, ThinkStreamSplitter } from './reasoning.js';
import type {
  ChatMessage,
  JsonMode,
  LlmProvider,
  ProviderKind,
  ProviderRequest,
  ProviderResponse,
  ToolCall,
  Trust,
  Usage,
} from './types.js';

export interface OpenAiProviderOptions {
  readonly name: string;
  readonly kind: ProviderKind;
  readonly baseURL: string;
  /** Servers without auth (Ollama, llama.cpp) still need a non-empty string for the client. */
  readonly apiKey?: string;
  readonly model: string;
  readonly trust: Trust;
  readonly jsonMode: JsonMode;
  readonly supportsTools?: boolean;
  /** Per-request timeout in ms (the client layer adds retries; this one never retries itself). */
  readonly timeoutMs?: number;
  /** Extra body fields a server understands (e.g. vLLM `chat_template_kwargs`). */
  readonly extraBody?: Readonly<Record<string, unknown>>;
  /**
   * Whether images may go to this provider though it is not trusted-local (MEDSEEK_LLM_IMAGES=allow-external).
   * An image cannot be de-identified (names burned into the pixels): by default only local providers get one.
   */
  readonly externalImages?: boolean;
}

type Json = Record<string, unknown>;

/**
 * Any OpenAI-compatible chat server through the `openai` client: DeepSeek's API, vLLM, SGLang,
 * Ollama (`/v1`), llama.cpp `llama-server`. Retries are the caller's business (`maxRetries: 0`)
 * so that one policy (backoff, Retry-After, circuit breaker) governs every provider.
 */
export class OpenAiCompatibleProvider implements LlmProvider {
  readonly name: string;
  readonly kind: ProviderKind;
  readonly trust: Trust;
  readonly defaultModel: string;
  readonly jsonMode: JsonMode;
  readonly supportsTools: boolean;
  private readonly client: OpenAI;
  private readonly extraBody: Json;
  private readonly externalImages: boolean;

  constructor(o: OpenAiProviderOptions) {
    this.name = o.name;
    this.kind = o.kind;
    this.trust = o.trust;
    this.defaultModel = o.model;
    this.jsonMode = o.jsonMode;
    this.supportsTools = o.supportsTools ?? true;
    this.extraBody = { ...(o.extraBody ?? {}) };
    this.externalImages = o.externalImages ?? false;
    this.client = new OpenAI({
      baseURL: o.baseURL,
      apiKey: o.apiKey || 'not-needed',
      maxRetries: 0,
      timeout: o.timeoutMs ?? 60_000,
    });
  }

  async complete(req: ProviderRequest): Promise<ProviderResponse> {
    if (this.trust !== 'local' && !this.externalImages && req.messages.some((m) => 'images' in m && m.images?.length))
      throw new ProviderError(
        'bad-request',
        `${this.name} is not trusted-local: no image is sent to it (MEDSEEK_LLM_IMAGES=allow-external allows it)`,
        { noRetry: true },
      );
    const params: Json = {
      ...this.extraBody,
      model: req.model,
      messages: req.messages.map(toOpenAiMessage),
    };
    if (req.temperature !== undefined) params.temperature = req.temperature;
    if (req.maxTokens !== undefined) params.max_tokens = req.maxTokens;
    if (req.tools?.length) {
      params.tools = req.tools.map((t) => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: t.parameters },
      }));
    }
    if (req.jsonSchema && this.jsonMode === 'json_schema') {
      params.response_format = {
        type: 'json_schema',
        json_schema: { name: req.jsonSchema.name, schema: req.jsonSchema.schema, strict: true },
      };
    } else if (req.jsonSchema && this.jsonMode === 'json_object') params.response_format = { type: 'json_object' };
    try {
      if (req.onDelta) return await this.streamed(params, req);
      const r = await this.client.chat.completions.create(
        params as unknown as ChatCompletionCreateParams & { stream?: false },
        { signal: req.signal },
      );
      const choice = r.choices?.[0];
      if (!choice) throw new ProviderError('invalid-output', 'the server answered with no choices');
      const msg = choice.message as unknown as Json;
      const split = splitThink(String(msg.content ?? ''));
      const reasoning = joinReasoning(msg.reasoning_content ?? msg.reasoning, split.reasoning);
      const toolCalls: ToolCall[] = ((msg.tool_calls ?? []) as Json[]).map((t, i) => {
        const fn = (t.function ?? {}) as Json;
        return { id: String(t.id ?? `call_${i}`), name: String(fn.name ?? ''), arguments: String(fn.arguments ?? '') };
      });
      return {
        content: split.content,
        ...(reasoning ? { reasoning } : {}),
        toolCalls,
        finishReason: String(choice.finish_reason ?? 'stop'),
        ...(r.usage ? { usage: toUsage(r.usage as unknown as Json) } : {}),
        model: String(r.model ?? req.model),
      };
    } catch (e) {
      throw classifyError(e);
    }
  }

  private async streamed(params: Json, req: ProviderRequest): Promise<ProviderResponse> {
    const stream = await this.client.chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } } as unknown as ChatCompletionCreateParams & {
        stream: true;
      },
      { signal: req.signal },
    );
    const splitter = new ThinkStreamSplitter();
    let content = '';
    let reasoning = '';
    let finishReason = 'stop';
    let usage: Usage | undefined;
    let model = req.model;
    let emitted = 0;
    const tools = new Map<number, { id: string; name: string; arguments: string }>();
    const emit = (c: string, r: string) => {
      content += c;
      reasoning += r;
      if (c || r) {
        emitted += c.length + r.length;
        req.onDelta?.({ ...(c ? { content: c } : {}), ...(r ? { reasoning: r } : {}) });
      }
    };
    try {
      for await (const chunk of stream) {
        const ch = chunk as unknown as Json;
        if (ch.model) model = String(ch.model);
        if (ch.usage) usage = toUsage(ch.usage as Json);
        const choice = ((ch.choices ?? []) as Json[])[0];
        if (!choice) continue;
        if (choice.finish_reason) finishReason = String(choice.finish_reason);
        const delta = (choice.delta ?? {}) as Json;
        const r = delta.reasoning_content ?? delta.reasoning;
        if (typeof r === 'string' && r) emit('', r);
        if (typeof delta.content === 'string' && delta.content) {
          const s = splitter.push(delta.content);
          emit(s.content, s.reasoning);
        }
        for (const t of (delta.tool_calls ?? []) as Json[]) {
          const index = Number(t.index ?? 0);
          const fn = (t.function ?? {}) as Json;
          const cur = tools.get(index) ?? { id: '', name: '', arguments: '' };
          if (t.id) cur.id = String(t.id);
          if (fn.name) cur.name += String(fn.name);
          if (fn.arguments) cur.arguments += String(fn.arguments);
          tools.set(index, cur);
        }
      }
    } catch (e) {
      const pe = classifyError(e);
      // A stream cut after text reached the caller cannot be retried without repeating it.
      if (emitted > 0)
        throw new ProviderError(pe.kind, `stream ended early after ${emitted} characters: ${pe.message}`, {
          status: pe.status,
          noRetry: true,
          cause: e,
        });
      throw pe;
    }
    const rest = splitter.flush();
    emit(rest.content, rest.reasoning);
    return {
      content: content.trim(),
      ...(reasoning.trim() ? { reasoning: reasoning.trim() } : {}),
      toolCalls: [...tools.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([i, t]) => ({ id: t.id || `call_${i}`, name: t.name, arguments: t.arguments })),
      finishReason,
      ...(usage ? { usage } : {}),
      model,
    };
  }
}

function joinReasoning(a: unknown, b: string | undefined): string | undefined {
  const parts = [typeof a === 'string' ? a.trim() : '', b ?? ''].filter(Boolean);
  return parts.length ? parts.join('\n\n') : undefined;
}

function toUsage(u: Json): Usage {
  const details = (u.completion_tokens_details ?? {}) as Json;
  const promptDetails = (u.prompt_tokens_details ?? {}) as Json;
  // DeepSeek reports cache hits as prompt_cache_hit_tokens; OpenAI as prompt_tokens_details.cached_tokens.
  const cached = Number(u.prompt_cache_hit_tokens ?? promptDetails.cached_tokens ?? 0);
  const reasoning = Number(details.reasoning_tokens ?? 0);
  return {
    promptTokens: Number(u.prompt_tokens ?? 0),
    completionTokens: Number(u.completion_tokens ?? 0),
    ...(reasoning ? { reasoningTokens: reasoning } : {}),
    ...(cached ? { cachedPromptTokens: cached } : {}),
  };
}

function toOpenAiMessage(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'tool':
      return { role: 'tool', content: m.content, tool_call_id: m.toolCallId };
    case 'assistant':
      return m.toolCalls?.length
        ? {
            role: 'assistant',
            content: m.content || null,
            tool_calls: m.toolCalls.map((t) => ({
              id: t.id,
              type: 'function' as const,
              function: { name: t.name, arguments: t.arguments },
            })),
          }
        : { role: 'assistant', content: m.content };
    default:
      return m.role === 'user' && m.images?.length
        ? {
            role: 'user',
            content: [
              { type: 'text', text: m.content },
              ...m.images.map((i) => ({
                type: 'image_url' as const,
                image_url: { url: `data:${i.mediaType};base64,${i.base64}` },
              })),
            ],
          }
        : { role: m.role, content: m.content };
  }
}
