-- Facts extracted from notes (DocumentReference text), kept with the note version they came from.
-- One row per (document, version) in note_extractions says the note was read (or why it could not
-- be); its facts are in note_facts. Re-extracting the same version replaces its facts, so running
-- extraction again is idempotent; a new version of a note gets rows of its own.
create table if not exists note_extractions (
  document_id text not null,
  version_id text not null,
  patient_id text not null,
  -- sha256 of the decoded text: an unchanged note is not extracted again.
  text_sha256 text,
  -- What read it (lexicon / extractor version): a new one re-extracts.
  extractor text not null,
  lang text,
  note_date timestamptz,
  -- 'ok', 'no-text' (no readable attachment) or 'error' (with the reason).
  status text not null check (status in ('ok', 'no-text', 'error')),
  error text,
  fact_count integer not null default 0,
  extracted_at timestamptz not null default now(),
  primary key (document_id, version_id)
);

create index if not exists note_extractions_patient on note_extractions (patient_id);

create table if not exists note_facts (
  document_id text not null,
  version_id text not null,
  ordinal integer not null,
  patient_id text not null,
  fact_id text not null,
  -- The core Fact as JSON; its TextSource spans point into the note's decoded text.
  fact jsonb not null,
  primary key (document_id, version_id, ordinal),
  foreign key (document_id, version_id) references note_extractions (document_id, version_id) on delete cascade
);

create index if not exists note_facts_patient on note_facts (patient_id);
