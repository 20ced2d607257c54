-- Patients' pre-consultation links (issue 14): a signed, short-lived token bound to one Appointment and
-- its Patient. The token itself is never stored: it is an HMAC over (id, expiry) with the key below,
-- so a row can be revoked but a leaked database row cannot be turned into a working link without the key.
create table if not exists server_patient_link_key (
  id text primary key,
  -- 32 random bytes, base64url: the HMAC key (kept here so every API process of a hospital shares it).
  secret text not null,
  created_at timestamptz not null default now()
);

create table if not exists server_patient_link (
  id text primary key,
  key_id text not null references server_patient_link_key (id),
  patient_id text not null,
  appointment_id text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by text,
  -- The pre-consultation the patient started through this link (one per link): the session's patient and appointment.
  consult_session text unique
);
create index if not exists server_patient_link_patient_idx on server_patient_link (patient_id, created_at desc);
