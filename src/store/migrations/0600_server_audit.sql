-- The audit log: one row per read of patient data through the API (and per denied attempt).
-- Who (principal), when, what (action, resource, patient), why (purpose of use), outcome, from where.
create table if not exists medseek_audit (
  id bigserial primary key,
  at timestamptz not null default now(),
  principal text not null,
  principal_kind text not null,
  action text not null,
  resource text not null,
  patient_id text,
  purpose text not null,
  outcome integer not null,
  client_address text,
  request_id text
);
create index if not exists medseek_audit_patient_idx on medseek_audit (patient_id, at desc);
create index if not exists medseek_audit_at_idx on medseek_audit (at desc);
