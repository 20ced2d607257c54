-- Follow-up after discharge (issue 21): the plan (CarePlan + Tasks, each item with its reasons), the
-- patient's home readings, the alerts they raise for the clinicians' queue, and the reminders due.
create table if not exists followup_plan (
  id text primary key,
  patient_id text not null,
  -- The plan as followup/plan.ts builds it: items with their reasons (facts, rules, discharge orders).
  plan jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists followup_plan_patient_idx on followup_plan (patient_id, updated_at desc);

create table if not exists followup_reading (
  id text primary key,
  patient_id text not null,
  kind text not null check (kind in ('blood-pressure', 'weight', 'glucose', 'symptom', 'adherence')),
  at timestamptz not null,
  value jsonb not null,
  reported_by text not null,
  created_at timestamptz not null default now()
);
create index if not exists followup_reading_patient_idx on followup_reading (patient_id, at);

create table if not exists followup_alert (
  -- Stable (rule + reading): evaluating the same readings again never adds an alert twice.
  id text primary key,
  patient_id text not null,
  rule_id text not null,
  severity text not null,
  at timestamptz not null,
  reading_ids jsonb not null,
  conclusion jsonb not null,
  status text not null default 'open' check (status in ('open', 'acknowledged')),
  acknowledged_by text,
  acknowledged_at timestamptz,
  created_at timestamptz not null default now()
);
create index if not exists followup_alert_queue_idx on followup_alert (status, at desc);
create index if not exists followup_alert_patient_idx on followup_alert (patient_id, at desc);

create table if not exists followup_reminder (
  id text primary key,
  plan_id text not null,
  item_id text not null,
  patient_id text not null,
  remind_at timestamptz not null,
  message jsonb not null,
  sent_at timestamptz,
  channel text,
  attempts integer not null default 0,
  last_error text
);
create index if not exists followup_reminder_due_idx on followup_reminder (sent_at, remind_at);
