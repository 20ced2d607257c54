-- Calibration maps of a causal network's differential, learned from confirmed cases (src/learning/calibrations.ts):
-- who fitted them from what data and when, and the evaluation on held-back cases (Brier score and ECE before and
-- after) that must pass before activation. At most one active map per network; nothing is deleted.
create table if not exists learning_calibrations (
  id text primary key,
  network_id text not null,
  parent_id text references learning_calibrations (id),
  status text not null check (status in ('candidate', 'active', 'refused', 'retired')),
  created_by text not null,
  created_at timestamptz not null default now(),
  body jsonb not null
);
create unique index if not exists learning_calibrations_one_active
  on learning_calibrations (network_id) where status = 'active';
create index if not exists learning_calibrations_network on learning_calibrations (network_id, created_at);
