-- Voice (issue 18): what a speech-to-text server heard, one row per recording. A patient speaking in
-- the pre-consultation chat (purpose `consult`: their session, or their link's patient before the
-- session starts) or a clinician dictating a note (purpose `dictation`: the patient and the user).
-- The audio itself is not kept: its SHA-256, size and type say which recording it was.
create table if not exists llm_voice_transcript (
  id text primary key,
  at timestamptz not null default now(),
  purpose text not null check (purpose in ('consult', 'dictation')),
  session_id text,
  patient_id text,
  principal text not null,
  lang text,
  text text not null,
  model text not null,
  endpoint text not null,
  trust text not null check (trust in ('local', 'external')),
  audio_sha256 text not null,
  audio_bytes integer not null,
  audio_type text not null,
  latency_ms integer not null default 0
);
create index if not exists llm_voice_transcript_session_idx on llm_voice_transcript (session_id, at);
create index if not exists llm_voice_transcript_patient_idx on llm_voice_transcript (patient_id, at);
