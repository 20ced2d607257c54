-- FHIR Bulk Data export jobs (https://hl7.org/fhir/uv/bulkdata/export.html): kicked off by a request,
-- run off the request path, polled for status, their NDJSON output kept here until it expires.
create table if not exists bulk_export_jobs (
  id text primary key,
  status text not null check (status in ('in-progress', 'completed', 'failed', 'cancelled')),
  -- The kick-off as understood: level, types, _since, _typeFilter, the patients it may include.
  request jsonb not null,
  -- The kick-off URL as the client sent it (the manifest's `request`).
  request_url text not null,
  principal text not null,
  transaction_time timestamptz,
  progress text,
  error text,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  expires_at timestamptz
);
create index if not exists bulk_export_jobs_status on bulk_export_jobs (status);

-- One NDJSON file of a job: at most a bounded number of resources of one type; the patients whose
-- data it holds are kept so that each download can be audited per patient.
create table if not exists bulk_export_files (
  job_id text not null references bulk_export_jobs (id) on delete cascade,
  seq integer not null,
  resource_type text not null,
  count integer not null,
  patients text[] not null default '{}',
  body text not null,
  primary key (job_id, seq)
);
