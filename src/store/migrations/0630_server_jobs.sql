-- Background jobs (imports, note extraction): one row per job, whichever queue runs it (pg-boss on
-- PostgreSQL, the in-process queue on embedded PGlite). The API reads a job's state, progress and
-- result here, so any replica can answer for a job another process submitted or runs.
create table if not exists medseek_jobs (
  id text primary key,
  kind text not null,
  data jsonb not null,
  -- queued → active → completed; a failed attempt goes back to 'retry' until its attempts are spent,
  -- then 'dead' (the dead letter: kept with its last error until an operator retries or drops it).
  state text not null check (state in ('queued', 'active', 'retry', 'completed', 'dead')),
  attempts integer not null default 0,
  max_attempts integer not null check (max_attempts >= 1),
  progress jsonb,
  result jsonb,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz,
  -- The worker whose attempt completed the job (set once: a late attempt cannot complete it again).
  completed_by text
);

create index if not exists medseek_jobs_state on medseek_jobs (state, kind, created_at);

-- Each attempt at a job, by which worker and how it ended: 'completed', 'failed' (threw), or 'lost'
-- (the worker died or its lease expired; found when the next attempt starts).
create table if not exists medseek_job_attempts (
  job_id text not null references medseek_jobs (id) on delete cascade,
  attempt integer not null,
  worker text not null,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  outcome text check (outcome in ('completed', 'failed', 'lost')),
  error text,
  primary key (job_id, attempt)
);
