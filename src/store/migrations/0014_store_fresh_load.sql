-- A fresh load (store/fresh-load.ts): an import into an empty store drops the secondary indexes of
-- fhir_resources and fhir_search_values, copies, and builds them again at the end. One row per dropped
-- index, written in the transaction that drops it and deleted in the one that builds it again, so a
-- load that died in between leaves its rows here and the next open or import builds what they name.
-- `owner` names the load; while it lives it also holds an advisory lock (PostgreSQL), so a row whose
-- owner holds no lock is left over from a crash.
create table if not exists medseek_fresh_load (
  index_name text primary key,
  table_name text not null,
  definition text not null,
  owner text not null,
  started_at timestamptz not null default now()
);
