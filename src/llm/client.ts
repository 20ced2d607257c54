import type { z } from 'zod';
import type { ModelUse, Sql } from '../core/index.js';
import { sha256 } from '../core/index.js';
import type { LlmConfig, ProviderConfig } from './config.js';
import { Deidentifier } from './deid/deidentify.js';
import type { PhiKind } from './deid/detect.js';
import { ProviderError } from './errors.js';
import { GgufProvider } from './gguf-provider.js';
import { type CallRecord, LlmLedger } from './ledger.js';
import { OpenAiCompatibleProvider } from './openai-provider.js';
import { costUsd, defaultPrices, type Price } from './pricing.js';
import {
  CircuitBreaker,
  type Deadline,
  deadlineIn,
  deadlineMessage,
  defaultRetryPolicy,
  type RetryPolicy,
  Semaphore,
  withRetry,
} from './resilience.js';
import {
  extractJson,
  jsonSchemaOf,
  mapStrings,
  parseStructured,
  repairInstruction,
  schemaInstruction,
} from './structured.js';
import type {
  ChatMessage,
  LlmFailure,
  LlmProvider,
  LlmResult,
  ProviderRequest,
  ProviderResponse,
  ToolCall,
  ToolSpec,
  Usage,
} from './types.js';

/** A provider with its limits as the client runs it. */
export interface ProviderEntry {
  readonly provider: LlmProvider;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly price?: Price;
}

export interface LlmClientOptions {
  readonly providers: readonly ProviderEntry[];
  /** Response cache and call audit (migration 0300); without it nothing is cached or audited. */
  readonly sql?: Sql;
  readonly external?: 'deidentified' | 'never';
  readonly retry?: Partial<RetryPolicy>;
  readonly breaker?: { readonly threshold?: number; readonly cooldownMs?: number };
  readonly cache?: boolean;
  readonly deidSecret?: string;
  /**
   * How long one request may wait for the model, all attempts and providers together: `interactive`
   * (a clinician or CLI user waits; default 20 s) and `batch` (background work; default 5 min).
   */
  readonly deadlines?: { readonly interactiveMs?: number; readonly batchMs?: number };
  /** Where the client reports retries, fallbacks and database trouble (never throws). */
  readonly log?: (event: { level: 'info' | 'warn'; message: string; provider?: string }) => void;
}

/** The patient the text is about, so that de-identification is consistent and complete. */
export interface PatientContext {
  /** Stable key (patient id): the same key, the same date shift and placeholders. */
  readonly key: string;
  /** Names known from the record (patient, relatives): always masked. */
  readonly names?: readonly string[];
  readonly identifiers?: readonly { kind: PhiKind; value: string }[];
}

export interface AskOptions {
  /** The conversation; or `prompt` (+ `system`) for one question. */
  readonly messages?: readonly ChatMessage[];
  readonly prompt?: string;
  readonly system?: string;
  /** What the call is for, in the audit (`compose/discharge-summary`, `verify/claim`…). */
  readonly purpose?: string;
  /**
   * Whether the text may identify a patient (default true). Identifiable text goes as it is to
   * trusted-local providers only; external ones get it de-identified, or never (config `external`).
   */
  readonly identifiable?: boolean;
  readonly patient?: PatientContext;
  /** Use this provider only (by name). */
  readonly provider?: string;
  readonly model?: string;
  readonly tools?: readonly ToolSpec[];
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** Stream: called with answer and reasoning text as it arrives (re-identified). */
  readonly onDelta?: (delta: { readonly content?: string; readonly reasoning?: string }) => void;
  /** Default true (when a database is given). */
  readonly cache?: boolean;
  readonly timeoutMs?: number;
  /**
   * The request's deadline across every attempt, repair and provider (`client.deadline()`; share one
   * between the calls of one request). Default: the interactive deadline, counted from this call.
   */
  readonly deadline?: Deadline;
}

export const defaultDeadlines = { interactiveMs: 20_000, batchMs: 300_000 } as const;

interface Runtime {
  readonly entry: ProviderEntry;
  readonly semaphore: Semaphore;
  readonly breaker: CircuitBreaker;
}

export function notUsed(reason: string): ModelUse {
  return { used: false, reason };
}

function failed<T>(error: LlmFailure, reason = error.message): LlmResult<T> {
  return { ok: false, error, use: notUsed(reason) };
}

/**
 * The one way MedSeek talks to language models. Routes each call to a provider allowed to see the
 * text, de-identifies for external providers and re-identifies the answer, caches, retries, limits
 * concurrency, breaks circuits, accounts tokens and cost, audits every call, and never throws:
 * a caller gets `{ ok: false, use: { used: false, reason } }` and keeps its deterministic result.
 */
export class LlmClient {
  private readonly runtimes: Runtime[];
  private readonly ledger?: LlmLedger;
  private readonly retry: RetryPolicy;
  private readonly deidentifiers = new Map<string, Deidentifier>();

  constructor(private readonly options: LlmClientOptions) {
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.runtimes = options.providers.map((entry) => ({
      entry,
      semaphore: new Semaphore(entry.concurrency ?? 4),
      breaker: new CircuitBreaker(options.breaker?.threshold ?? 5, options.breaker?.cooldownMs ?? 30_000),
    }));
    if (options.sql) this.ledger = new LlmLedger(options.sql);
  }

  /** Builds the providers a configuration names. */
  static fromConfig(config: LlmConfig, sql?: Sql, log?: LlmClientOptions['log']): LlmClient {
    return new LlmClient({
      providers: config.providers.map((p) => ({
        provider: buildProvider(p),
        concurrency: p.concurrency,
        timeoutMs: p.timeoutMs,
        price: p.price ?? (p.kind === 'deepseek' ? defaultPrices[p.model] : undefined),
      })),
      ...(sql ? { sql } : {}),
      external: config.external,
      retry: config.retry,
      breaker: config.breaker,
      cache: config.cache,
      ...(config.deadlines ? { deadlines: config.deadlines } : {}),
      ...(config.deidSecret ? { deidSecret: config.deidSecret } : {}),
      ...(log ? { log } : {}),
    });
  }

  /** A deadline starting now: `interactive` for a waiting user (default), `batch` for background work. */
  deadline(kind: 'interactive' | 'batch' = 'interactive'): Deadline {
    const d = { ...defaultDeadlines, ...this.options.deadlines };
    return deadlineIn(kind === 'batch' ? d.batchMs : d.interactiveMs);
  }

  get configured(): boolean {
    return this.runtimes.length > 0;
  }

  /** Providers with their trust and circuit state. */
  status(): { name: string; kind: string; model: string; trust: string; circuit: string; inFlight: number }[] {
    return this.runtimes.map(({ entry, breaker, semaphore }) => ({
      name: entry.provider.name,
      kind: entry.provider.kind,
      model: entry.provider.defaultModel,
      trust: entry.provider.trust,
      circuit: breaker.state,
      inFlight: semaphore.inFlight,
    }));
  }

  /** A chat answer as text. */
  chat(options: AskOptions): Promise<LlmResult<string>> {
    return this.run(options, undefined);
  }

  /** An answer that must match `schema` (zod 4): constrained where the server can, validated always, repaired once. */
  structured<T>(schema: z.ZodType<T>, options: AskOptions): Promise<LlmResult<T>> {
    return this.run(options, schema);
  }

  async close(): Promise<void> {
    for (const r of this.runtimes) await r.entry.provider.close?.().catch(() => {});
  }

  private async run<T>(options: AskOptions, schema: z.ZodType<T> | undefined): Promise<LlmResult<T>> {
    try {
      return await this.route({ ...options, deadline: options.deadline ?? this.deadline() }, schema);
    } catch (e) {
      // Defensive: nothing escapes to the caller.
      return failed({ kind: 'unavailable', message: `model call failed: ${(e as Error).message}` });
    }
  }

  private candidates(options: AskOptions): Runtime[] | LlmFailure {
    if (this.runtimes.length === 0) return { kind: 'not-configured', message: 'no model configured' };
    let list = this.runtimes;
    if (options.provider) {
      list = list.filter((r) => r.entry.provider.name === options.provider);
      if (list.length === 0) return { kind: 'not-configured', message: `no provider named '${options.provider}'` };
    }
    if (options.tools?.length) list = list.filter((r) => r.entry.provider.supportsTools);
    const identifiable = options.identifiable ?? true;
    if (identifiable) {
      const local = list.filter((r) => r.entry.provider.trust === 'local');
      const external =
        this.options.external === 'never' ? [] : list.filter((r) => r.entry.provider.trust === 'external');
      list = [...local, ...external];
    }
    if (list.length === 0) {
      return {
        kind: 'no-trusted-provider',
        message:
          identifiable && this.options.external === 'never'
            ? 'identifiable text and no trusted-local provider (external use is off)'
            : 'no provider can serve this request',
      };
    }
    return list;
  }

  private deidentifierFor(patient: PatientContext | undefined): Deidentifier {
    // Without a patient there is nothing to keep consistent across calls: a fresh one per call,
    // so placeholders of unrelated texts never accumulate.
    if (!patient) return new Deidentifier({ secret: this.options.deidSecret });
    const key = patient.key;
    let d = this.deidentifiers.get(key);
    if (!d) {
      d = new Deidentifier({
        patientKey: key,
        secret: this.options.deidSecret,
        knownNames: patient.names,
        knownIdentifiers: patient.identifiers,
      });
      if (this.deidentifiers.size >= 1000) this.deidentifiers.delete(this.deidentifiers.keys().next().value!);
      this.deidentifiers.set(key, d);
    } else if (patient.names?.length || patient.identifiers?.length) d.addKnown(patient.names, patient.identifiers);
    return d;
  }

  private async route<T>(options: AskOptions, schema: z.ZodType<T> | undefined): Promise<LlmResult<T>> {
    const baseMessages: ChatMessage[] = options.messages
      ? [...options.messages]
      : [
          ...(options.system ? [{ role: 'system' as const, content: options.system }] : []),
          { role: 'user' as const, content: options.prompt ?? '' },
        ];
    const candidates = this.candidates(options);
    if (!Array.isArray(candidates)) {
      if (candidates.kind === 'no-trusted-provider') {
        await this.audit({
          purpose: options.purpose ?? '',
          deidentified: false,
          status: 'refused',
          errorKind: candidates.kind,
          error: candidates.message,
          attempts: 0,
          latencyMs: 0,
          request: { messages: '(withheld: not sent)' },
          costUsd: 0,
          phiFound: 0,
          ...(options.patient ? { patientRef: options.patient.key } : {}),
        });
      }
      return failed(candidates);
    }
    const failures: string[] = [];
    let last: LlmFailure = { kind: 'unavailable', message: 'no provider answered' };
    const deadline = options.deadline!;
    for (const rt of candidates) {
      const name = rt.entry.provider.name;
      if (Date.now() >= deadline.at) break;
      if (!rt.breaker.allow()) {
        last = { kind: 'circuit-open', message: `${name}: circuit open after repeated failures` };
        failures.push(last.message);
        continue;
      }
      const result = await this.attempt(rt, baseMessages, options, schema);
      if (result.ok) return result;
      last = result.error;
      failures.push(`${name}: ${result.error.message}`);
      if (candidates.length > 1)
        this.options.log?.({
          level: 'warn',
          message: `falling back after ${name} failed: ${result.error.message}`,
          provider: name,
        });
    }
    // Out of time: the clinician is told that, not each provider's story (that is in the log and audit).
    if (Date.now() >= deadline.at) return failed({ kind: 'timeout', message: deadlineMessage(deadline) });
    return failed(last, failures.join('; '));
  }

  private async attempt<T>(
    rt: Runtime,
    baseMessages: ChatMessage[],
    options: AskOptions,
    schema: z.ZodType<T> | undefined,
  ): Promise<LlmResult<T>> {
    const provider = rt.entry.provider;
    const deidentify = provider.trust === 'external' && (options.identifiable ?? true);
    const deid = deidentify ? this.deidentifierFor(options.patient) : undefined;
    let phiFound = 0;
    const scrub = (s: string) => {
      if (!deid) return s;
      const r = deid.deidentify(s);
      phiFound += r.report.found;
      return r.text;
    };
    const restore = (s: string) => (deid ? deid.reidentify(s) : s);
    let messages: ChatMessage[] = baseMessages.map((m) =>
      m.role === 'assistant' && m.toolCalls
        ? {
            ...m,
            content: scrub(m.content),
            toolCalls: m.toolCalls.map((t) => ({ ...t, arguments: scrub(t.arguments) })),
          }
        : { ...m, content: scrub(m.content) },
    );
    const jsonSchema = schema ? jsonSchemaOf(schema) : undefined;
    if (jsonSchema && provider.jsonMode !== 'json_schema')
      messages = appendToLastUser(messages, schemaInstruction(jsonSchema));
    const base: Omit<ProviderRequest, 'messages'> = {
      model: options.model ?? provider.defaultModel,
      ...(options.tools?.length ? { tools: options.tools } : {}),
      ...(jsonSchema ? { jsonSchema: { name: 'answer', schema: jsonSchema } } : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
    };
    const onDelta =
      options.onDelta &&
      (deid ? reidentifyingStream(options.onDelta, restore) : { push: options.onDelta, flush: () => {} });
    const call = (msgs: ChatMessage[], purposeSuffix = '') =>
      this.call(rt, { ...base, messages: msgs, ...(onDelta ? { onDelta: onDelta.push } : {}) }, options, {
        deidentified: deidentify,
        phiFound,
        purposeSuffix,
      });

    let res = await call(messages);
    onDelta?.flush();
    if (!res.ok) return failed(res.error, `${provider.name}: ${res.error.message}`);
    const use = (r: ProviderResponse): ModelUse => ({
      used: true,
      provider: provider.name,
      model: r.model,
      deidentified: deidentify,
      ...(r.reasoning ? { rationale: restore(r.reasoning) } : {}),
    });
    const toolCalls = (r: ProviderResponse): ToolCall[] =>
      r.toolCalls.map((t) => ({ ...t, arguments: restore(t.arguments) }));
    let usage = res.response.usage;
    let cost = res.cost;
    if (!schema || res.response.toolCalls.length > 0) {
      const text = restore(res.response.content);
      return {
        ok: true,
        value: text as T,
        text,
        toolCalls: toolCalls(res.response),
        cached: res.cached,
        ...(usage ? { usage } : {}),
        costUsd: cost,
        use: use(res.response),
      };
    }
    let checked = validate(schema, res.response.content, restore);
    if (!checked.ok) {
      // Repair once: show the model its answer and what was wrong with it.
      const repair: ChatMessage[] = [
        ...messages,
        { role: 'assistant', content: res.response.content },
        { role: 'user', content: repairInstruction(checked.error, jsonSchema!) },
      ];
      const second = await call(repair, ':repair');
      onDelta?.flush();
      if (!second.ok) return failed(second.error, `${provider.name}: ${second.error.message}`);
      res = second;
      usage = addUsage(usage, second.response.usage);
      cost += second.cost;
      checked = validate(schema, second.response.content, restore);
      if (!checked.ok) {
        return failed({
          kind: 'invalid-output',
          message: `${provider.name}: the answer did not match the schema after one repair: ${checked.error}`,
        });
      }
    }
    return {
      ok: true,
      value: checked.value,
      text: restore(res.response.content),
      toolCalls: [],
      cached: res.cached,
      ...(usage ? { usage } : {}),
      costUsd: cost,
      use: use(res.response),
    };
  }

  /** One provider call: cache, concurrency limit, retries, breaker, audit. */
  private async call(
    rt: Runtime,
    req: ProviderRequest,
    options: AskOptions,
    meta: { deidentified: boolean; phiFound: number; purposeSuffix: string },
  ): Promise<
    { ok: true; response: ProviderResponse; cached: boolean; cost: number } | { ok: false; error: LlmFailure }
  > {
    const provider = rt.entry.provider;
    const sent = {
      model: req.model,
      messages: req.messages,
      tools: req.tools,
      jsonSchema: req.jsonSchema,
      temperature: req.temperature,
      maxTokens: req.maxTokens,
    };
    const useCache = this.ledger !== undefined && this.options.cache !== false && options.cache !== false;
    // Hashes only when there is a database to key (the bench measures this path's overhead).
    const cacheKey = this.ledger ? sha256(JSON.stringify({ provider: provider.name, ...sent })) : undefined;
    const common = {
      purpose: (options.purpose ?? '') + meta.purposeSuffix,
      provider: provider.name,
      model: req.model,
      trust: provider.trust,
      deidentified: meta.deidentified,
      request: sent,
      cacheKey,
      phiFound: meta.phiFound,
      ...(options.patient ? { patientRef: options.patient.key } : {}),
    };
    const started = performance.now();
    if (useCache) {
      const hit = await this.ledger!.cached(cacheKey!).catch((e: unknown) => {
        this.options.log?.({ level: 'warn', message: `response cache unavailable: ${(e as Error).message}` });
        return undefined;
      });
      if (hit) {
        if (hit.reasoning) req.onDelta?.({ reasoning: hit.reasoning });
        if (hit.content) req.onDelta?.({ content: hit.content });
        await this.audit({
          ...common,
          status: 'cached',
          attempts: 0,
          latencyMs: performance.now() - started,
          response: hit.content,
          ...(hit.reasoning ? { reasoning: hit.reasoning } : {}),
          ...(hit.toolCalls.length ? { toolCalls: hit.toolCalls } : {}),
          costUsd: 0,
        });
        return { ok: true, response: hit, cached: true, cost: 0 };
      }
    }
    let attempts = 0;
    try {
      const timeoutMs = options.timeoutMs ?? rt.entry.timeoutMs ?? this.retry.timeoutMs;
      const { value: response } = await withRetry(
        (signal) => {
          attempts++;
          return rt.semaphore.run(() => provider.complete({ ...req, signal }));
        },
        { ...this.retry, timeoutMs, ...(options.deadline ? { deadline: options.deadline } : {}) },
        (e, attempt, delay) =>
          this.options.log?.({
            level: 'info',
            message: `retry ${attempt} in ${delay} ms after ${e.kind}: ${e.message}`,
            provider: provider.name,
          }),
      );
      rt.breaker.success();
      const cost = costUsd(response.usage, rt.entry.price);
      if (useCache && response.finishReason !== 'length') {
        await this.ledger!.store(
          cacheKey!,
          provider.name,
          req.model,
          sha256(JSON.stringify(req.messages)),
          response,
        ).catch((e: unknown) => {
          this.options.log?.({ level: 'warn', message: `could not cache a response: ${(e as Error).message}` });
        });
      }
      await this.audit({
        ...common,
        status: 'ok',
        attempts,
        latencyMs: performance.now() - started,
        response: response.content,
        ...(response.reasoning ? { reasoning: response.reasoning } : {}),
        ...(response.toolCalls.length ? { toolCalls: response.toolCalls } : {}),
        ...(response.usage ? { usage: response.usage } : {}),
        costUsd: cost,
      });
      return { ok: true, response, cached: false, cost };
    } catch (e) {
      const pe = e instanceof ProviderError ? e : new ProviderError('unavailable', (e as Error).message, { cause: e });
      // A request the server rejects as malformed says nothing about the server's health.
      if (pe.kind !== 'bad-request') rt.breaker.failure();
      await this.audit({
        ...common,
        status: 'failed',
        errorKind: pe.kind,
        error: pe.message,
        attempts,
        latencyMs: performance.now() - started,
        costUsd: 0,
      });
      return { ok: false, error: pe.toFailure() };
    }
  }

  private async audit(c: CallRecord): Promise<void> {
    if (!this.ledger) return;
    await this.ledger.record(c).catch((e: unknown) => {
      this.options.log?.({
        level: 'warn',
        message: `could not write the model-call audit row: ${(e as Error).message}`,
      });
    });
  }
}

function validate<T>(
  schema: z.ZodType<T>,
  content: string,
  restore: (s: string) => string,
): { ok: true; value: T } | { ok: false; error: string } {
  const json = extractJson(content);
  if (!json.ok) return json;
  return parseStructured(schema, mapStrings(json.value, restore));
}

function appendToLastUser(messages: ChatMessage[], text: string): ChatMessage[] {
  const i = messages.map((m) => m.role).lastIndexOf('user');
  if (i < 0) return [...messages, { role: 'user', content: text }];
  return messages.map((m, j) => (j === i ? { ...m, role: 'user', content: `${m.content}\n\n${text}` } : m));
}

function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!a || !b) return a ?? b;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    reasoningTokens: (a.reasoningTokens ?? 0) + (b.reasoningTokens ?? 0),
    cachedPromptTokens: (a.cachedPromptTokens ?? 0) + (b.cachedPromptTokens ?? 0),
  };
}

/**
 * Streams re-identified text: placeholders and shifted dates may straddle chunks, so text is
 * passed on a line or sentence at a time and re-identified whole.
 */
function reidentifyingStream(
  onDelta: NonNullable<AskOptions['onDelta']>,
  restore: (s: string) => string,
): { push: NonNullable<ProviderRequest['onDelta']>; flush: () => void } {
  const buf = { content: '', reasoning: '' };
  const boundary = /[\n。！？；]|[.!?;](?=\s)/g;
  const emit = (key: 'content' | 'reasoning', all: boolean) => {
    let cut = -1;
    if (all) cut = buf[key].length;
    else for (const m of buf[key].matchAll(boundary)) cut = m.index + m[0].length;
    if (cut <= 0) return;
    const piece = buf[key].slice(0, cut);
    buf[key] = buf[key].slice(cut);
    onDelta({ [key]: restore(piece) });
  };
  return {
    push: (d) => {
      if (d.reasoning) {
        buf.reasoning += d.reasoning;
        emit('reasoning', false);
      }
      if (d.content) {
        emit('reasoning', true);
        buf.content += d.content;
        emit('content', false);
      }
    },
    flush: () => {
      emit('reasoning', true);
      emit('content', true);
    },
  };
}

export function buildProvider(p: ProviderConfig): LlmProvider {
  if (p.kind === 'gguf') {
    return new GgufProvider({
      name: p.name,
      path: p.path!,
      model: p.model,
      ...(p.threads ? { threads: p.threads } : {}),
      ...(p.gpu !== undefined ? { gpu: p.gpu } : {}),
      ...(p.contextSize ? { contextSize: p.contextSize } : {}),
    });
  }
  return new OpenAiCompatibleProvider({
    name: p.name,
    kind: p.kind,
    baseURL: p.baseURL!,
    ...(p.apiKey ? { apiKey: p.apiKey } : {}),
    model: p.model,
    trust: p.trust,
    jsonMode: p.jsonMode,
    timeoutMs: p.timeoutMs,
    ...(p.extraBody ? { extraBody: p.extraBody } : {}),
  });
}

/**
 * The caller's pattern: try the model, keep the deterministic result when it is not used.
 * `const { value, model } = await withFallback(deterministic, () => llm.structured(schema, {...}))`.
 */
export async function withFallback<T>(
  deterministic: T,
  attempt: () => Promise<LlmResult<T>>,
): Promise<{ value: T; model: ModelUse }> {
  try {
    const r = await attempt();
    return r.ok ? { value: r.value, model: r.use } : { value: deterministic, model: r.use };
  } catch (e) {
    return { value: deterministic, model: notUsed(`model call failed: ${(e as Error).message}`) };
  }
}
