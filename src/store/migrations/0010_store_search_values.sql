-- The search index: one row per value a resource holds for one of its search parameters, extracted
-- by evaluating the parameter's FHIRPath expression (src/store/search/extract.ts). Typed columns:
-- token (system, code, text for :text, qualifier = identifier type `system|code` for :of-type),
-- string (text normalised: lower case, no accents; exact as written), date ([lo, hi) at precision),
-- number and quantity ([num_lo, num_hi], with the unit's system and code), reference (ref as
-- written, ref_type/ref_id when it names a resource) and uri (code).
create table if not exists fhir_search_values (
  resource_type text not null,
  id text not null,
  param text not null,
  system text,
  code text,
  text text,
  exact text,
  qualifier text,
  lo timestamptz,
  hi timestamptz,
  num_lo numeric,
  num_hi numeric,
  ref text,
  ref_type text,
  ref_id text
);
-- Criteria are `exists` lookups from a resource: its values of one parameter.
create index if not exists fhir_search_values_resource on fhir_search_values (resource_type, id, param);
create index if not exists fhir_search_values_code on fhir_search_values (resource_type, param, code, id)
  where code is not null;
create index if not exists fhir_search_values_text on fhir_search_values (resource_type, param, text text_pattern_ops)
  where text is not null;
create index if not exists fhir_search_values_date on fhir_search_values (resource_type, param, lo)
  where lo is not null;
create index if not exists fhir_search_values_num on fhir_search_values (resource_type, param, num_lo)
  where num_lo is not null;
create index if not exists fhir_search_values_ref on fhir_search_values (ref_id, param, ref_type)
  where ref_id is not null;

-- Resources written since they were last indexed. Every write path (imports, transactions, the REST
-- writes, a future one) goes through fhir_resources, so a trigger queues the resource here in the
-- same transaction; the search side indexes the queue before it answers (store/search/index-queue.ts).
create table if not exists fhir_search_pending (
  resource_type text not null,
  id text not null,
  primary key (resource_type, id)
);

-- Statement-level triggers with transition tables: one insert per statement, not per row, so a
-- bulk import pays little (a transition table serves one event, hence two triggers).
create or replace function fhir_search_enqueue() returns trigger language plpgsql as $$
begin
  insert into fhir_search_pending (resource_type, id)
    select distinct resource_type, id from written on conflict do nothing;
  return null;
end $$;

drop trigger if exists fhir_search_enqueue_insert on fhir_resources;
create trigger fhir_search_enqueue_insert after insert on fhir_resources
  referencing new table as written for each statement execute function fhir_search_enqueue();
drop trigger if exists fhir_search_enqueue_update on fhir_resources;
create trigger fhir_search_enqueue_update after update on fhir_resources
  referencing new table as written for each statement execute function fhir_search_enqueue();

-- Resources stored before this migration: indexed on the next search (or `refreshSearchIndex` at start).
insert into fhir_search_pending (resource_type, id) select resource_type, id from fhir_resources on conflict do nothing;
