-- Clinicians' feedback on what MedSeek showed them (a claim, a diagnosis, an alert, a QC finding):
-- accepted, rejected or corrected, with the reason. The learning stage reads it; nothing is deleted.
create table if not exists learning_feedback (
  id bigserial primary key,
  target_kind text not null check (target_kind in ('claim', 'diagnosis', 'alert', 'quality', 'question', 'summary')),
  target_id text not null,
  patient_id text,
  verdict text not null check (verdict in ('accept', 'reject', 'correct')),
  reason text,
  correction text,
  producer text,
  principal text not null,
  context jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index if not exists learning_feedback_target on learning_feedback (target_kind, target_id);
create index if not exists learning_feedback_patient on learning_feedback (patient_id, created_at);
