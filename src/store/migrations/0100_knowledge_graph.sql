-- The knowledge graph (src/knowledge). Concepts, their names and codes, and typed relations, each
-- relation naming the source that asserts it. Everything an import writes belongs to one
-- immutable batch; a release is an immutable, numbered list of batches; the active release is the
-- setting `knowledge.activeRelease` in medseek_settings. Curator edits are batches of their own
-- (kind 'curation'), so every edit makes a new release and the edit history is the batch list.
create extension if not exists pg_trgm;

create table if not exists kg_source (
  id text primary key,
  name text not null,
  document text,
  version text,
  url text,
  licence text,
  date text,
  note text,
  -- false for crawls with no licence: usable for research and benchmarks, never a default release.
  shippable boolean not null default true
);

create table if not exists kg_batch (
  id serial primary key,
  kind text not null,
  -- What a new import of the same key replaces in a release (e.g. 'ddxplus', 'local:<source>').
  key text not null,
  content_hash text not null,
  path text,
  counts jsonb not null default '{}'::jsonb,
  author text,
  reason text,
  created_at timestamptz not null default now(),
  unique (kind, content_hash)
);

create table if not exists kg_release (
  id serial primary key,
  label text not null,
  batch_ids integer[] not null,
  base_release integer references kg_release(id),
  shippable boolean not null default true,
  created_at timestamptz not null default now()
);

create table if not exists kg_concept (
  batch_id integer not null references kg_batch(id) on delete cascade,
  id text not null,
  type text not null,
  name_en text,
  name_zh text,
  attrs jsonb not null default '{}'::jsonb,
  -- id first: lookups are by id within a release's batches.
  primary key (id, batch_id)
);

-- Every name of a concept (preferred names, synonyms, aliases), normalised for lookup.
create table if not exists kg_term (
  batch_id integer not null references kg_batch(id) on delete cascade,
  concept_id text not null,
  term text not null,
  norm text not null,
  lang text not null,
  kind text not null
);
create index if not exists kg_term_norm on kg_term (norm);
create index if not exists kg_term_concept on kg_term (concept_id);
create index if not exists kg_term_trgm on kg_term using gin (norm gin_trgm_ops);

create table if not exists kg_code (
  batch_id integer not null references kg_batch(id) on delete cascade,
  concept_id text not null,
  system text not null,
  code text not null,
  norm text not null
);
create index if not exists kg_code_norm on kg_code (norm);
create index if not exists kg_code_concept on kg_code (concept_id);

create table if not exists kg_relation (
  batch_id integer not null references kg_batch(id) on delete cascade,
  id text not null,
  type text not null,
  from_id text not null,
  to_id text,
  attrs jsonb not null default '{}'::jsonb,
  source_id text not null references kg_source(id),
  -- Curation: the relation id this one replaces (or, with retracted, withdraws).
  overrides text,
  retracted boolean not null default false,
  primary key (batch_id, id)
);
create index if not exists kg_relation_from on kg_relation (from_id, type);
create index if not exists kg_relation_to on kg_relation (to_id, type);
create index if not exists kg_relation_type on kg_relation (type, batch_id);
create index if not exists kg_relation_overrides on kg_relation (overrides) where overrides is not null;

-- Releases and what they contain never change once written: refuse updates and deletes.
create or replace function kg_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'knowledge % rows are immutable: import or curate to make a new release', tg_table_name;
end;
$$;
drop trigger if exists kg_release_immutable on kg_release;
create trigger kg_release_immutable before update or delete on kg_release for each row execute function kg_immutable();
drop trigger if exists kg_relation_immutable on kg_relation;
create trigger kg_relation_immutable before update or delete on kg_relation for each row execute function kg_immutable();
