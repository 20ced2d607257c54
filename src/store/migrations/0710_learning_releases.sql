-- Learned releases of a causal network: counts learned from confirmed cases over a source release,
-- who proposed them from what data, the diff against the source, and the evaluation on held-back
-- cases that must pass before activation. At most one active release per network; nothing is deleted.
create table if not exists learning_releases (
  id text primary key,
  network_id text not null,
  parent_id text references learning_releases (id),
  status text not null check (status in ('candidate', 'active', 'refused', 'retired')),
  created_by text not null,
  created_at timestamptz not null default now(),
  body jsonb not null
);
create unique index if not exists learning_releases_one_active
  on learning_releases (network_id) where status = 'active';
create index if not exists learning_releases_network on learning_releases (network_id, created_at);
