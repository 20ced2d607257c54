-- (medseek_settings, migration 0001, is the key/value table of internal state.)
-- Settings an administrator changes in the workspace (issue 14): one row per version of a settings
-- group (fhirSource, models). A change never overwrites: it adds the next version, with who made it
-- and when; a revert is a new version equal to an older one (`reverted_from`). Secrets inside `value`
-- (model API keys, FHIR client secrets) are stored encrypted (AES-256-GCM), never in clear.
-- Rule settings keep their own tables (reasoning_rule_config and its history, migration 0450).
create table if not exists medseek_setting_versions (
  grp text not null,
  version integer not null,
  value jsonb not null,
  changed_by text not null,
  changed_at timestamptz not null default now(),
  reverted_from integer,
  primary key (grp, version)
);
