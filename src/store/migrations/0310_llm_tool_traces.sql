-- Function calling (tool loops): the whole trace of one loop for audit, one row per loop: the
-- conversation it started from, every step's model text, tool calls and tool results (as MedSeek
-- ran them, before de-identification; what each model call was sent is in llm_call), how it
-- stopped (answer, max-steps, failed) and the model's use.
create table if not exists llm_tool_trace (
  id text primary key,
  at timestamptz not null default now(),
  purpose text not null default '',
  patient_ref text,
  stopped text not null,
  steps integer not null default 0,
  tools jsonb not null,
  trace jsonb not null,
  model_use jsonb
);
create index if not exists llm_tool_trace_patient_idx on llm_tool_trace (patient_ref, at);
