-- FHIR resources as JSONB, one row per resource holding its current version (or its deletion).
-- Superseded versions move to fhir_resource_history, so an import writes each resource once.
-- `resource` is stored without meta.versionId / meta.lastUpdated: those come from the columns.
create table if not exists fhir_resources (
  resource_type text not null,
  id text not null,
  version_id integer not null,
  last_updated timestamptz not null,
  deleted boolean not null default false,
  -- sha256 of the JSON text as written; equal hash (or else equal jsonb) means 'unchanged'.
  content_hash text not null,
  -- The patient compartment: Patient.id, or the patient a subject/patient/beneficiary points at.
  patient_id text,
  -- Token index: `system|code`, `|code` (no system) and the bare `code` of each coding.
  codes text[] not null default '{}',
  -- `system|value` of each identifier (re-import without ids, identifier search).
  identifiers text[] not null default '{}',
  -- The clinically relevant time as a range [date_start, date_end), per type (see resource-index.ts).
  date_start timestamptz,
  date_end timestamptz,
  resource jsonb not null,
  primary key (resource_type, id)
);

-- Partial indexes: most resources have no identifier (Observations), many no code (Claims) and
-- some no date; leaving those out of an index makes imports cheaper. Queries repeat the predicate.
create index if not exists fhir_resources_patient on fhir_resources (patient_id, resource_type) where patient_id is not null;
create index if not exists fhir_resources_codes on fhir_resources using gin (codes) where cardinality(codes) > 0;
create index if not exists fhir_resources_identifiers on fhir_resources using gin (identifiers) where cardinality(identifiers) > 0;
create index if not exists fhir_resources_date on fhir_resources (resource_type, date_start) where date_start is not null;
create index if not exists fhir_resources_last_updated on fhir_resources (resource_type, last_updated);

create table if not exists fhir_resource_history (
  resource_type text not null,
  id text not null,
  version_id integer not null,
  last_updated timestamptz not null,
  deleted boolean not null default false,
  patient_id text,
  resource jsonb not null,
  primary key (resource_type, id, version_id)
);
