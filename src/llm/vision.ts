import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Sql } from '../core/index.js';
import { invalid } from '../core/index.js';
import { LlmClient, notUsed, type PatientContext } from './client.js';
import { loadLlmConfig } from './config.js';
import { LlmLedger } from './ledger.js';
import { OpenAiCompatibleProvider } from './openai-provider.js';
import type { ImagePart, LlmProvider, LlmResult, Trust } from './types.js';

/**
 * An optional vision model (Qwen2.5-VL, DeepSeek-VL2 class, served by vLLM or SGLang) behind the
 * OpenAI-compatible image input. It is a server of its own, not one of the text providers, so that
 * text calls never fall back onto it and image calls never fall back onto a text model.
 *
 * Settings: MEDSEEK_VISION_BASE_URL and MEDSEEK_VISION_MODEL (both needed), MEDSEEK_VISION_API_KEY,
 * MEDSEEK_VISION_KIND (vllm, sglang…; guessed from the port), MEDSEEK_VISION_TRUST=local (the server runs
 * inside the hospital), MEDSEEK_VISION_DEADLINE_MS (one read, all attempts; default 60 s) and
 * MEDSEEK_LLM_IMAGES=allow-external. An image cannot be de-identified (names and ids are burned into
 * the pixels of many studies), so a server that is not trusted-local gets no image unless the operator
 * sets MEDSEEK_LLM_IMAGES=allow-external; DeepSeek's API is never trusted-local.
 */
export interface VisionConfig {
  readonly name: string;
  readonly kind: string;
  readonly baseURL: string;
  readonly apiKey?: string;
  readonly model: string;
  readonly trust: Trust;
  readonly jsonMode: 'json_schema' | 'json_object' | 'none';
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  /** Whether images may go to a server that is not trusted-local (MEDSEEK_LLM_IMAGES=allow-external). */
  readonly externalImages: boolean;
}

/** The vision model the environment describes, or undefined when none is configured. */
export function loadVisionConfig(env: NodeJS.ProcessEnv = process.env): VisionConfig | undefined {
  const images = env.MEDSEEK_LLM_IMAGES;
  if (images !== undefined && images !== '' && images !== 'allow-external' && images !== 'local-only')
    throw invalid(`'${images}' is not allow-external or local-only`, { field: 'MEDSEEK_LLM_IMAGES' });
  if (!env.MEDSEEK_VISION_BASE_URL) return undefined;
  if (!env.MEDSEEK_VISION_MODEL)
    throw invalid('a vision server needs the model it serves', { field: 'MEDSEEK_VISION_MODEL' });
  // The text providers' rules (presets, JSON mode, DeepSeek always external) apply unchanged.
  const [p] = loadLlmConfig({
    MEDSEEK_LLM_BASE_URL: env.MEDSEEK_VISION_BASE_URL,
    MEDSEEK_LLM_NAME: 'vision',
    MEDSEEK_LLM_MODEL: env.MEDSEEK_VISION_MODEL,
    ...(env.MEDSEEK_VISION_API_KEY ? { MEDSEEK_LLM_API_KEY: env.MEDSEEK_VISION_API_KEY } : {}),
    ...(env.MEDSEEK_VISION_KIND ? { MEDSEEK_LLM_KIND: env.MEDSEEK_VISION_KIND } : {}),
    ...(env.MEDSEEK_VISION_TRUST === 'local' ? { MEDSEEK_LLM_TRUST: 'local' } : {}),
    ...(env.MEDSEEK_LLM_TIMEOUT_MS ? { MEDSEEK_LLM_TIMEOUT_MS: env.MEDSEEK_LLM_TIMEOUT_MS } : {}),
  }).providers;
  if (!p?.baseURL) return undefined;
  const deadline = Number(env.MEDSEEK_VISION_DEADLINE_MS ?? 60_000);
  if (!Number.isInteger(deadline) || deadline <= 0)
    throw invalid(`'${env.MEDSEEK_VISION_DEADLINE_MS}' is not a number of milliseconds`, {
      field: 'MEDSEEK_VISION_DEADLINE_MS',
    });
  return {
    name: p.name,
    kind: p.kind,
    baseURL: p.baseURL,
    ...(p.apiKey ? { apiKey: p.apiKey } : {}),
    model: p.model,
    trust: p.trust,
    jsonMode: p.jsonMode,
    timeoutMs: p.timeoutMs,
    deadlineMs: deadline,
    externalImages: images === 'allow-external',
  };
}

const SIGNATURES: readonly [ImagePart['mediaType'], (b: Uint8Array) => boolean][] = [
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/png', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  [
    'image/webp',
    (b) => String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP',
  ],
];

/**
 * An image content part from its bytes (JPEG, PNG or WebP, told by its first bytes, not by a claimed
 * type). Its JSON form, which the call ledger and the response cache see, is the digest and the size.
 */
export function imagePart(bytes: Uint8Array): ImagePart {
  const mediaType = SIGNATURES.find(([, is]) => is(bytes))?.[0];
  if (!mediaType) throw invalid('the image is not JPEG, PNG or WebP', { field: 'image' });
  const digest = createHash('sha256').update(bytes).digest('hex');
  const part = {
    mediaType,
    base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    sha256: digest,
    bytes: bytes.byteLength,
  };
  Object.defineProperty(part, 'toJSON', {
    enumerable: false,
    value: () => ({ image: mediaType, sha256: digest, bytes: bytes.byteLength }),
  });
  return part;
}

export interface VisionAsk {
  readonly images: readonly ImagePart[];
  readonly prompt: string;
  readonly system?: string;
  /** What the call is for, in the ledger (`verify/second-read`). */
  readonly purpose: string;
  readonly patient?: PatientContext;
}

/** Where the vision model stands: what the workspace and the route say before anything is sent. */
export interface VisionStatus {
  readonly provider: string;
  readonly model: string;
  readonly trust: Trust;
  /** False when the server is not trusted-local and MEDSEEK_LLM_IMAGES does not allow it. */
  readonly imagesAllowed: boolean;
}

/**
 * Asks the vision model about images, through `LlmClient` (retries, deadline, structured output,
 * the model-use ledger) with the one vision provider. Refuses, and records the refusal in the ledger,
 * when images may not go to that provider.
 */
export class VisionReader {
  private readonly client: LlmClient;
  private readonly ledger?: LlmLedger;

  constructor(
    private readonly provider: LlmProvider,
    private readonly options: { readonly externalImages: boolean; readonly deadlineMs: number; readonly sql?: Sql },
  ) {
    this.client = new LlmClient({
      providers: [{ provider, concurrency: 2 }],
      ...(options.sql ? { sql: options.sql } : {}),
      deadlines: { interactiveMs: options.deadlineMs },
      // A second read is asked for on purpose, once: a new read of the same image is a new read.
      cache: false,
    });
    if (options.sql) this.ledger = new LlmLedger(options.sql);
  }

  static fromConfig(c: VisionConfig, sql?: Sql): VisionReader {
    const provider = new OpenAiCompatibleProvider({
      name: c.name,
      kind: c.kind as ConstructorParameters<typeof OpenAiCompatibleProvider>[0]['kind'],
      baseURL: c.baseURL,
      ...(c.apiKey ? { apiKey: c.apiKey } : {}),
      model: c.model,
      trust: c.trust,
      jsonMode: c.jsonMode,
      timeoutMs: c.timeoutMs,
      externalImages: c.externalImages,
      supportsTools: false,
    });
    return new VisionReader(provider, {
      externalImages: c.externalImages,
      deadlineMs: c.deadlineMs,
      ...(sql ? { sql } : {}),
    });
  }

  /** The reader the environment configures, or undefined (no MEDSEEK_VISION_BASE_URL). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, sql?: Sql): VisionReader | undefined {
    const c = loadVisionConfig(env);
    return c ? VisionReader.fromConfig(c, sql) : undefined;
  }

  get status(): VisionStatus {
    return {
      provider: this.provider.name,
      model: this.provider.defaultModel,
      trust: this.provider.trust,
      imagesAllowed: this.provider.trust === 'local' || this.options.externalImages,
    };
  }

  /** An answer matching `schema`, or `{ ok: false }` with why (refused, timed out, invalid output…). */
  async structured<T>(schema: z.ZodType<T>, ask: VisionAsk): Promise<LlmResult<T>> {
    if (!this.status.imagesAllowed) {
      const message =
        `the vision model '${this.provider.name}' is not trusted-local, and an image cannot be de-identified: ` +
        'nothing was sent (MEDSEEK_VISION_TRUST=local for a server inside the hospital, ' +
        'or MEDSEEK_LLM_IMAGES=allow-external)';
      await this.ledger
        ?.record({
          purpose: ask.purpose,
          provider: this.provider.name,
          model: this.provider.defaultModel,
          trust: this.provider.trust,
          deidentified: false,
          status: 'refused',
          errorKind: 'no-trusted-provider',
          error: message,
          attempts: 0,
          latencyMs: 0,
          request: { messages: '(withheld: not sent)', images: ask.images },
          costUsd: 0,
          phiFound: 0,
          ...(ask.patient ? { patientRef: ask.patient.key } : {}),
        })
        .catch(() => {});
      return { ok: false, error: { kind: 'no-trusted-provider', message }, use: notUsed(message) };
    }
    return this.client.structured(schema, {
      messages: [
        ...(ask.system ? [{ role: 'system' as const, content: ask.system }] : []),
        { role: 'user', content: ask.prompt, images: ask.images },
      ],
      purpose: ask.purpose,
      ...(ask.patient ? { patient: ask.patient } : {}),
      temperature: 0,
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
