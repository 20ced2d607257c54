-- Record quality-control results per encounter (qc-rules.md): the latest report for each encounter,
-- with its score and issues, so the QC office can list, trend and audit them.
create table if not exists reasoning_qc_report (
  encounter_id text primary key,
  patient_id text not null,
  hospital_id text not null default 'default',
  score numeric not null,
  grade text not null,
  issue_count integer not null,
  report jsonb not null,
  evaluated_at timestamptz not null default now()
);
create index if not exists reasoning_qc_report_when on reasoning_qc_report (hospital_id, evaluated_at);
