-- LLM response cache: one row per (provider, model, prompt hash). The key hashes everything that
-- changes the answer (messages as sent, tools, schema, temperature, max tokens).
create table if not exists llm_response_cache (
  cache_key text primary key,
  provider text not null,
  model text not null,
  prompt_hash text not null,
  response jsonb not null,
  created_at timestamptz not null default now(),
  hits integer not null default 0,
  last_hit_at timestamptz
);
create index if not exists llm_response_cache_model_idx on llm_response_cache (provider, model);

-- One audit row per model call (also cache hits, refusals and failures): what was sent (after
-- de-identification when the provider is external), to whom, what came back, tokens and cost.
-- Never an API key.
create table if not exists llm_call (
  id text primary key,
  at timestamptz not null default now(),
  purpose text not null default '',
  provider text,
  model text,
  trust text,
  deidentified boolean not null default false,
  -- ok | cached | failed | refused
  status text not null,
  error_kind text,
  error text,
  attempts integer not null default 0,
  latency_ms integer not null default 0,
  request jsonb not null,
  response text,
  reasoning text,
  tool_calls jsonb,
  prompt_tokens integer not null default 0,
  completion_tokens integer not null default 0,
  reasoning_tokens integer not null default 0,
  cached_prompt_tokens integer not null default 0,
  cost_usd double precision not null default 0,
  cache_key text,
  -- The patient the text was about, as the caller named it (for the audit trail of reads).
  patient_ref text,
  phi_found integer not null default 0
);
create index if not exists llm_call_at_idx on llm_call (at);
create index if not exists llm_call_provider_idx on llm_call (provider, model, at);
