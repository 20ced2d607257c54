-- A writer that indexes what it writes for search in the same transaction (the COPY import,
-- store/copy.ts) says so with `set local medseek.search_indexed = 'on'`: its rows are not queued,
-- so they are neither indexed twice nor left as dead queue entries.
create or replace function fhir_search_enqueue() returns trigger language plpgsql as $$
begin
  if current_setting('medseek.search_indexed', true) = 'on' then
    return null;
  end if;
  insert into fhir_search_pending (resource_type, id)
    select distinct resource_type, id from written on conflict do nothing;
  return null;
end $$;
