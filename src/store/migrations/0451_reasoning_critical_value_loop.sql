-- Critical values (危急值) and their result-to-action loop (HX2018 十四; cds-rules.md CV-P1..P5):
-- one row per critical result, one row per step (double check, report, receipt with read-back,
-- physician notified, assessment/action documented). Steps are append-only: who, when, what.
create table if not exists reasoning_critical_value (
  id text primary key,
  hospital_id text not null default 'default',
  patient_id text not null,
  encounter_id text,
  rule_id text not null,
  -- The result, as a FHIR reference (`Observation/42`), and what it said.
  result_ref text not null,
  analyte text not null,
  value_text text not null,
  threshold_text text,
  reported_at timestamptz not null,
  detected_at timestamptz not null default now(),
  closed_at timestamptz,
  unique (result_ref, rule_id)
);
create index if not exists reasoning_critical_value_open on reasoning_critical_value (hospital_id, closed_at, reported_at);
create index if not exists reasoning_critical_value_patient on reasoning_critical_value (patient_id, reported_at);

create table if not exists reasoning_critical_value_step (
  id bigserial primary key,
  critical_value_id text not null references reasoning_critical_value (id),
  step text not null check (step in ('double-checked', 'reported', 'received', 'physician-notified', 'action')),
  actor text not null,
  actor_role text,
  at timestamptz not null,
  read_back boolean,
  note text,
  -- e.g. the progress note documenting assessment and action (`DocumentReference/…`).
  document_ref text,
  logged_at timestamptz not null default now()
);
create index if not exists reasoning_critical_value_step_cv on reasoning_critical_value_step (critical_value_id, at);
