-- Discharge-summary drafts and the clinician's acceptance of unsupported statements (sign-off policy).
-- A draft binds a composed summary to its patient, encounter and language: sign-off names the draft and
-- is refused when the route's patient or the request's encounter is another one. Rows are kept after
-- sign-off (signed_at, document_reference) so the record of who signed what stays in the database.
create table if not exists medseek_summary_drafts (
  id text primary key,
  patient_id text not null,
  encounter_id text,
  lang text not null check (lang in ('zh', 'en')),
  -- The composed document (sections, citation keys → fact ids, model use): citations are taken from
  -- here at verification and sign-off, never from the browser.
  document jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  signed_at timestamptz,
  signed_by text,
  document_reference text
);
create index if not exists medseek_summary_drafts_patient_idx on medseek_summary_drafts (patient_id, created_at desc);

-- One row per explicit acceptance of an unsupported clinical statement: who, when, which claim
-- (its id and text as verified at the time) and why. Only inserted; the audit log records the act.
create table if not exists medseek_claim_acceptances (
  id bigserial primary key,
  draft_id text not null references medseek_summary_drafts (id),
  patient_id text not null,
  encounter_id text,
  claim_id text not null,
  claim_text text not null,
  verdict_reason text not null,
  reason text not null,
  principal text not null,
  principal_name text not null,
  accepted_at timestamptz not null default now()
);
create index if not exists medseek_claim_acceptances_draft_idx on medseek_claim_acceptances (draft_id, accepted_at);
