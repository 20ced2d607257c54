import { ProviderError } from './errors.js';
import { splitThink } from './reasoning.js';
import type { ChatMessage, JsonMode, LlmProvider, ProviderRequest, ProviderResponse } from './types.js';

export interface GgufProviderOptions {
  readonly name: string;
  readonly path: string;
  readonly model?: string;
  readonly contextSize?: number;
  /** CPU threads. 1 on small machines: llama.cpp's default of 4 was ~250× slower on 2 cores. */
  readonly threads?: number;
  /** `false` = CPU only; `auto` lets node-llama-cpp pick CUDA/Vulkan/Metal when present. */
  readonly gpu?: 'auto' | false;
}

// node-llama-cpp is an optional dependency: imported on first use so MedSeek runs without it.
type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
type LlamaModel = Awaited<ReturnType<Llama['loadModel']>>;
type LlamaContext = Awaited<ReturnType<LlamaModel['createContext']>>;

let modulePromise: Promise<NodeLlamaCpp> | undefined;

/** Loads node-llama-cpp, or fails with a message that says how to get it. */
export async function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  modulePromise ??= import('node-llama-cpp').catch((e: unknown) => {
    modulePromise = undefined;
    throw new ProviderError(
      'unavailable',
      `node-llama-cpp is not installed (optional dependency): ${(e as Error).message}`,
      { cause: e },
    );
  });
  return modulePromise;
}

/**
 * A GGUF model run in this process with node-llama-cpp (llama.cpp). Always trusted-local: nothing
 * leaves the machine. JSON Schema output is enforced by a grammar. One sequence, so the client's
 * concurrency limit for it is 1. Tools are not offered (use a server for tool calling).
 */
export class GgufProvider implements LlmProvider {
  readonly name: string;
  readonly kind = 'gguf' as const;
  readonly trust = 'local' as const;
  readonly defaultModel: string;
  readonly jsonMode: JsonMode = 'json_schema';
  readonly supportsTools = false;
  private loaded?: Promise<{ mod: NodeLlamaCpp; llama: Llama; model: LlamaModel; context: LlamaContext }>;

  constructor(private readonly options: GgufProviderOptions) {
    this.name = options.name;
    this.defaultModel = options.model ?? options.path.split('/').pop() ?? 'gguf';
  }

  private load() {
    this.loaded ??= (async () => {
      const mod = await loadNodeLlamaCpp();
      try {
        const llama = await mod.getLlama({
          gpu: this.options.gpu ?? false,
          build: 'never',
          logLevel: mod.LlamaLogLevel.error,
          maxThreads: this.options.threads ?? 1,
        });
        const model = await llama.loadModel({ modelPath: this.options.path });
        const context = await model.createContext({
          threads: this.options.threads ?? 1,
          contextSize: this.options.contextSize ?? 2048,
        });
        return { mod, llama, model, context };
      } catch (e) {
        throw new ProviderError('unavailable', `cannot load GGUF ${this.options.path}: ${(e as Error).message}`, {
          cause: e,
        });
      }
    })();
    this.loaded.catch(() => {
      this.loaded = undefined;
    });
    return this.loaded;
  }

  async complete(req: ProviderRequest): Promise<ProviderResponse> {
    if (req.tools?.length) throw new ProviderError('bad-request', 'the embedded GGUF provider does not call tools');
    const { mod, llama, model, context } = await this.load();
    const last = req.messages[req.messages.length - 1];
    if (last?.role !== 'user') throw new ProviderError('bad-request', 'the last message must be from the user');
    const sequence = context.getSequence();
    const session = new mod.LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: true });
    try {
      session.setChatHistory(toHistory(req.messages.slice(0, -1)));
      const grammar = req.jsonSchema
        ? await llama.createGrammarForJsonSchema(req.jsonSchema.schema as never)
        : undefined;
      let text = await session.prompt(last.content, {
        ...(grammar ? { grammar } : {}),
        ...(req.maxTokens ? { maxTokens: req.maxTokens } : {}),
        ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
        ...(req.signal ? { signal: req.signal, stopOnAbortSignal: false } : {}),
        ...(req.onDelta ? { onTextChunk: (chunk: string) => req.onDelta?.({ content: chunk }) } : {}),
      });
      const split = grammar ? { content: text } : splitThink(text);
      text = split.content;
      const promptText = req.messages.map((m) => m.content).join('\n');
      return {
        content: text,
        ...('reasoning' in split && split.reasoning ? { reasoning: split.reasoning } : {}),
        toolCalls: [],
        finishReason: 'stop',
        usage: { promptTokens: model.tokenize(promptText).length, completionTokens: model.tokenize(text).length },
        model: this.defaultModel,
      };
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      if (req.signal?.aborted) throw new ProviderError('timeout', 'generation aborted', { cause: e });
      throw new ProviderError('server-error', `llama.cpp failed: ${(e as Error).message}`, { cause: e });
    } finally {
      session.dispose({ disposeSequence: true });
    }
  }

  async close(): Promise<void> {
    const l = await this.loaded?.catch(() => undefined);
    this.loaded = undefined;
    if (!l) return;
    await l.context.dispose();
    await l.model.dispose();
    await l.llama.dispose();
  }
}

type HistoryItem =
  | { type: 'system'; text: string }
  | { type: 'user'; text: string }
  | { type: 'model'; response: string[] };

function toHistory(messages: readonly ChatMessage[]): HistoryItem[] {
  return messages.map((m): HistoryItem => {
    if (m.role === 'system') return { type: 'system', text: m.content };
    if (m.role === 'assistant') return { type: 'model', response: [m.content] };
    // Tool results are not modelled by the embedded provider: pass them as user text.
    return { type: 'user', text: m.role === 'tool' ? `Tool result: ${m.content}` : m.content };
  });
}
