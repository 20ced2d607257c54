-- Per-hospital rule configuration (issue 8): enable/disable and re-threshold any safety, critical-value
-- or QC rule. `params` holds the rule's own parameters (critical-value thresholds with units, time
-- limits); they are validated by the reasoning stage before they are written.
create table if not exists reasoning_rule_config (
  hospital_id text not null,
  rule_id text not null,
  enabled boolean,
  severity text,
  params jsonb not null default '{}'::jsonb,
  updated_by text,
  updated_at timestamptz not null default now(),
  primary key (hospital_id, rule_id)
);

-- Every change is kept (who changed what, when), so the QC office can audit a threshold's history.
create table if not exists reasoning_rule_config_history (
  id bigserial primary key,
  hospital_id text not null,
  rule_id text not null,
  enabled boolean,
  severity text,
  params jsonb not null,
  updated_by text,
  updated_at timestamptz not null default now()
);
create index if not exists reasoning_rule_config_history_rule on reasoning_rule_config_history (hospital_id, rule_id, updated_at);
