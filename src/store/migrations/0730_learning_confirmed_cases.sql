-- Confirmed cases kept by the hospital (src/learning/confirmed-store.ts): what a clinician accepted on the
-- differential, and pre-consultations matched to the diagnosis recorded at the visit they prepared, each with the
-- findings that stood at that time (the fused record's case, or the session's answers) so learning and calibration
-- run on what the hospital stores. One row per confirmation (id: its source and reference); nothing is deleted.
create table if not exists learning_confirmed_case (
  id text primary key,
  network_id text not null,
  source text not null check (source in ('accepted-differential', 'pre-consultation')),
  -- The feedback row (learning_feedback.id) or the consultation session the case came from.
  source_ref text not null,
  patient_id text,
  diagnosis text not null,
  input jsonb not null,
  department text,
  confirmed_by text not null,
  created_at timestamptz not null default now()
);
create index if not exists learning_confirmed_case_network on learning_confirmed_case (network_id, created_at);

-- Feedback on an extracted fact (a wrong concept, a wrong negation or certainty) joins the feedback targets.
alter table learning_feedback drop constraint if exists learning_feedback_target_kind_check;
alter table learning_feedback add constraint learning_feedback_target_kind_check
  check (target_kind in ('claim', 'diagnosis', 'alert', 'quality', 'question', 'summary', 'fact'));

-- Candidates for the knowledge team from clinicians' corrections of extracted facts (src/learning/curation.ts):
-- a term read as the wrong concept (term → concept), or a cue word whose assertion was wrong (cue → assertion),
-- counted across corrections with the spans they came from, until an administrator accepts or rejects them.
-- Accepted ones are exported as a lexicon addition for a knowledge release; extraction is never changed here.
create table if not exists learning_curation_candidate (
  id text primary key,
  kind text not null check (kind in ('lexicon', 'assertion-cue')),
  term text not null,
  lang text not null,
  -- lexicon: the concept as JSON text {system, code, display}; assertion-cue: the assertion.
  target text not null,
  -- lexicon: the fact's category; assertion-cue: the cue's direction (forward, backward) where the clinician gave it.
  category text,
  corrections integer not null default 0,
  spans jsonb not null default '[]'::jsonb,
  status text not null default 'candidate' check (status in ('candidate', 'accepted', 'rejected')),
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (kind, term, target)
);
-- Which feedback rows were counted, so a correction is counted once.
create table if not exists learning_curation_source (
  feedback_id text not null,
  candidate_id text not null references learning_curation_candidate (id),
  primary key (feedback_id, candidate_id)
);
