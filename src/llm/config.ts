import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { invalid } from '../core/index.js';
import type { Price } from './pricing.js';
import type { JsonMode, ProviderKind, Trust } from './types.js';

/** Defaults per server kind. DeepSeek's API is always external, whatever the operator says. */
export interface Preset {
  readonly kind: ProviderKind;
  readonly baseURL?: string;
  readonly model?: string;
  readonly jsonMode: JsonMode;
  readonly alwaysExternal?: boolean;
  readonly concurrency: number;
}

export const presets: Readonly<Record<ProviderKind, Preset>> = {
  // https://api-docs.deepseek.com: OpenAI-compatible; JSON Output is `json_object` (schema goes in the prompt).
  deepseek: {
    kind: 'deepseek',
    baseURL: 'https://api.deepseek.com',
    model: 'deepseek-chat',
    jsonMode: 'json_object',
    alwaysExternal: true,
    concurrency: 8,
  },
  // `vllm serve <model>`: port 8000, guided decoding for json_schema.
  vllm: { kind: 'vllm', baseURL: 'http://127.0.0.1:8000/v1', jsonMode: 'json_schema', concurrency: 16 },
  // `python -m sglang.launch_server`: port 30000, json_schema via xgrammar.
  sglang: { kind: 'sglang', baseURL: 'http://127.0.0.1:30000/v1', jsonMode: 'json_schema', concurrency: 16 },
  // Ollama's OpenAI-compatible endpoint; accepts json_schema as `format`.
  ollama: { kind: 'ollama', baseURL: 'http://127.0.0.1:11434/v1', jsonMode: 'json_schema', concurrency: 2 },
  // llama.cpp `llama-server`: port 8080, json_schema turned into a grammar.
  'llamacpp-server': {
    kind: 'llamacpp-server',
    baseURL: 'http://127.0.0.1:8080/v1',
    jsonMode: 'json_schema',
    concurrency: 2,
  },
  'openai-compatible': { kind: 'openai-compatible', jsonMode: 'json_schema', concurrency: 4 },
  gguf: { kind: 'gguf', jsonMode: 'json_schema', concurrency: 1 },
};

/** One provider, resolved: everything needed to build it. `apiKey` never leaves this object. */
export interface ProviderConfig {
  readonly name: string;
  readonly kind: ProviderKind;
  readonly baseURL?: string;
  readonly apiKey?: string;
  readonly model: string;
  /** GGUF file (kind `gguf`). */
  readonly path?: string;
  readonly trust: Trust;
  readonly jsonMode: JsonMode;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly price?: Price;
  readonly extraBody?: Readonly<Record<string, unknown>>;
  /** GGUF only: CPU threads (default half the cores, at least 1) and GPU use (default CPU only). */
  readonly threads?: number;
  readonly gpu?: 'auto' | false;
  readonly contextSize?: number;
}

export interface LlmConfig {
  readonly providers: readonly ProviderConfig[];
  /** `deidentified` (default): external providers get de-identified text; `never`: local only. */
  readonly external: 'deidentified' | 'never';
  readonly retry: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly breaker: { readonly threshold: number; readonly cooldownMs: number };
  readonly cache: boolean;
  /** One request's wait for the model, all attempts together (MEDSEEK_LLM_DEADLINE_MS, MEDSEEK_LLM_BATCH_DEADLINE_MS). */
  readonly deadlines?: { readonly interactiveMs: number; readonly batchMs: number };
  /** Key for per-patient date shifts (MEDSEEK_DEID_SECRET). */
  readonly deidSecret?: string;
}

const priceSchema = z.object({
  input: z.number().nonnegative(),
  inputCached: z.number().nonnegative().optional(),
  output: z.number().nonnegative(),
});
const kindSchema = z.enum(['deepseek', 'openai-compatible', 'vllm', 'sglang', 'ollama', 'llamacpp-server', 'gguf']);
const providerFileSchema = z.object({
  name: z.string().min(1).optional(),
  preset: kindSchema.optional(),
  baseURL: z.string().url().optional(),
  model: z.string().min(1).optional(),
  /** Name of the environment variable holding the key (preferred over `apiKey` in a file). */
  apiKeyEnv: z.string().min(1).optional(),
  apiKey: z.string().optional(),
  path: z.string().min(1).optional(),
  trust: z.enum(['local', 'external']).optional(),
  jsonMode: z.enum(['json_schema', 'json_object', 'none']).optional(),
  concurrency: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  price: priceSchema.optional(),
  extraBody: z.record(z.string(), z.unknown()).optional(),
  threads: z.number().int().positive().optional(),
  gpu: z.union([z.literal('auto'), z.literal(false)]).optional(),
  contextSize: z.number().int().min(256).optional(),
});
export const llmConfigFileSchema = z.object({
  providers: z.array(providerFileSchema).default([]),
  external: z.enum(['deidentified', 'never']).optional(),
  retry: z
    .object({
      attempts: z.number().int().min(1).max(10),
      baseDelayMs: z.number().int().min(0),
      maxDelayMs: z.number().int().min(0),
    })
    .partial()
    .optional(),
  breaker: z
    .object({ threshold: z.number().int().min(1), cooldownMs: z.number().int().min(0) })
    .partial()
    .optional(),
  cache: z.boolean().optional(),
});
export type LlmConfigFile = z.infer<typeof llmConfigFileSchema>;

/** Guesses the server kind from its port when the operator did not say (Ollama 11434, vLLM 8000…). */
export function guessKind(baseURL: string): ProviderKind {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return 'openai-compatible';
  }
  if (url.hostname.endsWith('deepseek.com')) return 'deepseek';
  switch (url.port) {
    case '11434':
      return 'ollama';
    case '8000':
      return 'vllm';
    case '30000':
      return 'sglang';
    case '8080':
      return 'llamacpp-server';
    default:
      return 'openai-compatible';
  }
}

function resolveProvider(
  p: z.infer<typeof providerFileSchema>,
  env: NodeJS.ProcessEnv,
  index: number,
  defaults: { trust?: Trust; timeoutMs: number },
): ProviderConfig {
  const where = `providers[${index}]`;
  const kind = p.preset ?? (p.path ? 'gguf' : p.baseURL ? guessKind(p.baseURL) : undefined);
  if (!kind) throw invalid('a provider needs a preset, a baseURL or a GGUF path', { where, field: 'preset' });
  const preset = presets[kind];
  const model = p.model ?? preset.model ?? (kind === 'gguf' ? (p.path?.split('/').pop() ?? 'gguf') : undefined);
  if (!model) throw invalid(`the ${kind} provider needs a model name`, { where, field: 'model' });
  const baseURL = p.baseURL ?? preset.baseURL;
  if (kind !== 'gguf' && !baseURL)
    throw invalid('an OpenAI-compatible provider needs a baseURL', { where, field: 'baseURL' });
  if (kind === 'gguf' && !p.path)
    throw invalid('a gguf provider needs the path of a .gguf file', { where, field: 'path' });
  const apiKey = p.apiKey ?? (p.apiKeyEnv ? env[p.apiKeyEnv] : undefined);
  if (p.apiKeyEnv && !apiKey)
    throw invalid(`environment variable ${p.apiKeyEnv} is not set`, { where, field: 'apiKeyEnv' });
  if (kind === 'deepseek' && !apiKey)
    throw invalid('the DeepSeek API needs a key (DEEPSEEK_API_KEY)', { where, field: 'apiKeyEnv' });
  // GGUF runs in this process: it is local by nature. DeepSeek's API is external by nature.
  const trust: Trust = preset.alwaysExternal
    ? 'external'
    : kind === 'gguf'
      ? 'local'
      : (p.trust ?? defaults.trust ?? 'external');
  // deepseek-reasoner does not take response_format; its JSON comes from the prompt.
  const jsonMode = p.jsonMode ?? (kind === 'deepseek' && model.includes('reasoner') ? 'none' : preset.jsonMode);
  return {
    name: p.name ?? (index === 0 ? kind : `${kind}-${index}`),
    kind,
    ...(baseURL ? { baseURL } : {}),
    ...(apiKey ? { apiKey } : {}),
    model,
    ...(p.path ? { path: p.path } : {}),
    trust,
    jsonMode,
    concurrency: p.concurrency ?? preset.concurrency,
    timeoutMs: p.timeoutMs ?? defaults.timeoutMs,
    ...(p.price ? { price: p.price } : {}),
    ...(p.extraBody ? { extraBody: p.extraBody } : {}),
    ...(kind === 'gguf'
      ? { threads: p.threads ?? Math.max(1, Math.floor(availableParallelism() / 2)), gpu: p.gpu ?? false }
      : {}),
    ...(p.contextSize ? { contextSize: p.contextSize } : {}),
  };
}

/**
 * Reads the model configuration: the JSON file named by MEDSEEK_LLM_CONFIG (if any), then the
 * single-provider variables, which add providers after the file's:
 * - MEDSEEK_LLM_BASE_URL (+ MEDSEEK_LLM_API_KEY, MEDSEEK_LLM_MODEL, MEDSEEK_LLM_KIND): any OpenAI-compatible server;
 * - DEEPSEEK_API_KEY (+ MEDSEEK_DEEPSEEK_MODEL, default `deepseek-chat`): DeepSeek's API, always external;
 * - MEDSEEK_LLM_GGUF: a GGUF file run in-process (local; MEDSEEK_LLM_THREADS, MEDSEEK_LLM_GPU=auto).
 * MEDSEEK_LLM_TRUST=local marks the env-configured server as trusted-local; MEDSEEK_LLM_EXTERNAL=never
 * keeps everything identifiable at home; MEDSEEK_LLM_TIMEOUT_MS (one attempt); MEDSEEK_LLM_DEADLINE_MS
 * (one user-facing request, all attempts: default 20 s) and MEDSEEK_LLM_BATCH_DEADLINE_MS (background
 * work: 5 min); MEDSEEK_DEID_SECRET.
 */
export function loadLlmConfig(env: NodeJS.ProcessEnv = process.env, fileText?: string): LlmConfig {
  const path = env.MEDSEEK_LLM_CONFIG;
  let file: LlmConfigFile = { providers: [] };
  const text = fileText ?? (path ? readFileSync(path, 'utf8') : undefined);
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw invalid(`not JSON: ${(e as Error).message}`, { where: path ?? 'llm config' });
    }
    const parsed = llmConfigFileSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      throw invalid(first.message, { where: path ?? 'llm config', field: first.path.join('.') });
    }
    file = parsed.data;
  }
  const envTrust = env.MEDSEEK_LLM_TRUST === 'local' ? 'local' : undefined;
  const timeoutMs = Number(env.MEDSEEK_LLM_TIMEOUT_MS ?? 60_000) || 60_000;
  const entries: z.infer<typeof providerFileSchema>[] = [...file.providers];
  if (env.MEDSEEK_LLM_BASE_URL) {
    const kind = env.MEDSEEK_LLM_KIND ? kindSchema.safeParse(env.MEDSEEK_LLM_KIND) : undefined;
    if (kind && !kind.success) throw invalid(`unknown kind '${env.MEDSEEK_LLM_KIND}'`, { field: 'MEDSEEK_LLM_KIND' });
    entries.push({
      name: env.MEDSEEK_LLM_NAME ?? 'server',
      baseURL: env.MEDSEEK_LLM_BASE_URL,
      ...(kind?.success ? { preset: kind.data } : {}),
      ...(env.MEDSEEK_LLM_MODEL ? { model: env.MEDSEEK_LLM_MODEL } : {}),
      ...(env.MEDSEEK_LLM_API_KEY ? { apiKey: env.MEDSEEK_LLM_API_KEY } : {}),
      ...(envTrust ? { trust: envTrust } : {}),
    });
  }
  if (env.DEEPSEEK_API_KEY && !entries.some((e) => e.preset === 'deepseek')) {
    entries.push({
      name: 'deepseek',
      preset: 'deepseek',
      apiKey: env.DEEPSEEK_API_KEY,
      model: env.MEDSEEK_DEEPSEEK_MODEL ?? 'deepseek-chat',
    });
  }
  if (env.MEDSEEK_LLM_GGUF) {
    const threads = Number(env.MEDSEEK_LLM_THREADS);
    entries.push({
      name: 'gguf',
      preset: 'gguf',
      path: env.MEDSEEK_LLM_GGUF,
      ...(Number.isInteger(threads) && threads > 0 ? { threads } : {}),
      ...(env.MEDSEEK_LLM_GPU === 'auto' ? { gpu: 'auto' as const } : {}),
    });
  }
  const providers = entries.map((p, i) =>
    resolveProvider(p, env, i, { trust: p.trust ?? (file.providers.includes(p) ? undefined : envTrust), timeoutMs }),
  );
  const names = new Set<string>();
  for (const [i, p] of providers.entries()) {
    if (names.has(p.name))
      throw invalid(`two providers are named '${p.name}'`, { where: `providers[${i}]`, field: 'name' });
    names.add(p.name);
  }
  const external = env.MEDSEEK_LLM_EXTERNAL === 'never' ? 'never' : (file.external ?? 'deidentified');
  return {
    providers,
    external,
    retry: { attempts: 3, baseDelayMs: 250, maxDelayMs: 8_000, ...file.retry },
    breaker: { threshold: 5, cooldownMs: 30_000, ...file.breaker },
    cache: file.cache ?? true,
    deadlines: {
      interactiveMs: positiveMs(env, 'MEDSEEK_LLM_DEADLINE_MS', 20_000),
      batchMs: positiveMs(env, 'MEDSEEK_LLM_BATCH_DEADLINE_MS', 300_000),
    },
    ...(env.MEDSEEK_DEID_SECRET ? { deidSecret: env.MEDSEEK_DEID_SECRET } : {}),
  };
}

function positiveMs(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw invalid(`'${raw}' is not a number of milliseconds`, { field: name });
  return n;
}

/** The configuration as it may be printed: keys replaced by `***`. */
export function redactedLlmConfig(c: LlmConfig): unknown {
  return {
    ...c,
    deidSecret: c.deidSecret ? '***' : undefined,
    providers: c.providers.map((p) => ({ ...p, apiKey: p.apiKey ? '***' : undefined })),
  };
}
