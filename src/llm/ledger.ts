import type { Sql } from '../core/index.js';
import { newId } from '../core/index.js';
import type { LlmFailureKind, ProviderResponse, Trust, Usage } from './types.js';

/** One audit row (table `llm_call`, migration 0300). Never holds an API key. */
export interface CallRecord {
  readonly purpose: string;
  readonly provider?: string;
  readonly model?: string;
  readonly trust?: Trust;
  readonly deidentified: boolean;
  readonly status: 'ok' | 'cached' | 'failed' | 'refused';
  readonly errorKind?: LlmFailureKind;
  readonly error?: string;
  readonly attempts: number;
  readonly latencyMs: number;
  /** What was sent, exactly (after de-identification for external providers). */
  readonly request: unknown;
  readonly response?: string;
  readonly reasoning?: string;
  readonly toolCalls?: unknown;
  readonly usage?: Usage;
  readonly costUsd: number;
  readonly cacheKey?: string;
  readonly patientRef?: string;
  readonly phiFound: number;
}

/** The response cache and call audit in the database, through core `Sql`. */
export class LlmLedger {
  constructor(private readonly sql: Sql) {}

  async cached(key: string): Promise<ProviderResponse | undefined> {
    const r = await this.sql.query<{ response: ProviderResponse | string }>(
      'update llm_response_cache set hits = hits + 1, last_hit_at = now() where cache_key = $1 returning response',
      [key],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return typeof row.response === 'string' ? (JSON.parse(row.response) as ProviderResponse) : row.response;
  }

  async store(
    key: string,
    provider: string,
    model: string,
    promptHash: string,
    response: ProviderResponse,
  ): Promise<void> {
    await this.sql.query(
      `insert into llm_response_cache (cache_key, provider, model, prompt_hash, response) values ($1, $2, $3, $4, $5::jsonb)
       on conflict (cache_key) do update set response = excluded.response, created_at = now()`,
      [key, provider, model, promptHash, JSON.stringify(response)],
    );
  }

  async record(c: CallRecord): Promise<string> {
    const id = newId();
    await this.sql.query(
      `insert into llm_call (id, purpose, provider, model, trust, deidentified, status, error_kind, error, attempts, latency_ms,
         request, response, reasoning, tool_calls, prompt_tokens, completion_tokens, reasoning_tokens, cached_prompt_tokens,
         cost_usd, cache_key, patient_ref, phi_found)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12::jsonb,$13,$14,$15::jsonb,$16,$17,$18,$19,$20,$21,$22,$23)`,
      [
        id,
        c.purpose,
        c.provider ?? null,
        c.model ?? null,
        c.trust ?? null,
        c.deidentified,
        c.status,
        c.errorKind ?? null,
        c.error ?? null,
        c.attempts,
        Math.round(c.latencyMs),
        JSON.stringify(c.request ?? null),
        c.response ?? null,
        c.reasoning ?? null,
        c.toolCalls === undefined ? null : JSON.stringify(c.toolCalls),
        c.usage?.promptTokens ?? 0,
        c.usage?.completionTokens ?? 0,
        c.usage?.reasoningTokens ?? 0,
        c.usage?.cachedPromptTokens ?? 0,
        c.costUsd,
        c.cacheKey ?? null,
        c.patientRef ?? null,
        c.phiFound,
      ],
    );
    return id;
  }

  /** The latest calls, newest first: who answered, for what, de-identified or not (no prompt or answer text). */
  async recent(limit = 200): Promise<
    {
      id: string;
      at: string;
      purpose: string;
      provider?: string;
      model?: string;
      trust?: string;
      deidentified: boolean;
      status: string;
      error?: string;
      promptTokens: number;
      completionTokens: number;
      costUsd: number;
      patientRef?: string;
    }[]
  > {
    const r = await this.sql.query<Record<string, unknown>>(
      `select id, at, purpose, provider, model, trust, deidentified, status, error, prompt_tokens, completion_tokens, cost_usd, patient_ref
         from llm_call order by at desc, id desc limit $1`,
      [Math.max(1, Math.min(limit, 1000))],
    );
    return r.rows.map((x) => ({
      id: String(x.id),
      at: new Date(x.at as string).toISOString(),
      purpose: String(x.purpose ?? ''),
      ...(x.provider ? { provider: String(x.provider) } : {}),
      ...(x.model ? { model: String(x.model) } : {}),
      ...(x.trust ? { trust: String(x.trust) } : {}),
      deidentified: Boolean(x.deidentified),
      status: String(x.status),
      ...(x.error ? { error: String(x.error) } : {}),
      promptTokens: Number(x.prompt_tokens ?? 0),
      completionTokens: Number(x.completion_tokens ?? 0),
      costUsd: Number(x.cost_usd ?? 0),
      ...(x.patient_ref ? { patientRef: String(x.patient_ref) } : {}),
    }));
  }

  /** Calls, tokens and cost per provider and model since `since` (for `medseek llm status`). */
  async summary(since?: Date): Promise<
    {
      provider: string;
      model: string;
      status: string;
      calls: number;
      promptTokens: number;
      completionTokens: number;
      costUsd: number;
    }[]
  > {
    const r = await this.sql.query<{
      provider: string | null;
      model: string | null;
      status: string;
      calls: string | number;
      pt: string | number;
      ct: string | number;
      cost: number;
    }>(
      `select provider, model, status, count(*) as calls, coalesce(sum(prompt_tokens),0) as pt, coalesce(sum(completion_tokens),0) as ct,
              coalesce(sum(cost_usd),0) as cost
         from llm_call where at >= $1 group by provider, model, status order by provider, model, status`,
      [(since ?? new Date(0)).toISOString()],
    );
    return r.rows.map((x) => ({
      provider: x.provider ?? '-',
      model: x.model ?? '-',
      status: x.status,
      calls: Number(x.calls),
      promptTokens: Number(x.pt),
      completionTokens: Number(x.ct),
      costUsd: Number(x.cost),
    }));
  }
}
