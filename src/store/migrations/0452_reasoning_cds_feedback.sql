-- CDS Hooks cards issued and the EHR's feedback on them (CDS Hooks 2.0 §Feedback), kept for learning:
-- which rule produced a card, whether it was accepted or overridden, and the override reason.
create table if not exists cds_card_issued (
  uuid text primary key,
  service_id text not null,
  hook_instance text,
  rule_id text,
  patient_id text,
  indicator text not null,
  summary text not null,
  issued_at timestamptz not null default now()
);
create index if not exists cds_card_issued_rule on cds_card_issued (rule_id, issued_at);

create table if not exists cds_feedback (
  id bigserial primary key,
  service_id text not null,
  card_uuid text not null,
  outcome text not null check (outcome in ('accepted', 'overridden')),
  accepted_suggestions jsonb not null default '[]'::jsonb,
  override_reason jsonb,
  outcome_timestamp timestamptz not null,
  received_at timestamptz not null default now(),
  client_id text
);
create index if not exists cds_feedback_card on cds_feedback (card_uuid);
create index if not exists cds_feedback_service on cds_feedback (service_id, outcome_timestamp);

-- JWT ids already presented by CDS Clients (replay protection, CDS Hooks 2.0 `jti`); rows may be
-- purged once `expires_at` has passed.
create table if not exists cds_jwt_seen (
  iss text not null,
  jti text not null,
  expires_at timestamptz not null,
  seen_at timestamptz not null default now(),
  primary key (iss, jti)
);
