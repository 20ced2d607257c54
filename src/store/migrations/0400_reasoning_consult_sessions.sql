-- Pre-consultation (预问诊) sessions: the session state (resumable) and its dialogue, turn by turn.
-- Retention (consultation.md PC-07): dialogue kept at least 3 years; nothing here is deleted by MedSeek.
create table if not exists reasoning_consult_session (
  id text primary key,
  kb text not null,
  lang text not null check (lang in ('zh', 'en')),
  status text not null check (status in ('active', 'emergency', 'complete')),
  state jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists reasoning_consult_session_status_idx on reasoning_consult_session (status, updated_at desc);

create table if not exists reasoning_consult_turn (
  session_id text not null references reasoning_consult_session (id),
  turn integer not null,
  role text not null check (role in ('patient', 'medseek')),
  text text not null,
  at timestamptz not null,
  primary key (session_id, turn)
);
