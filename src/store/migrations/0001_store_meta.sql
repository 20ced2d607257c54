-- Key/value settings that belong to the installation (demo data loaded, active knowledge release…).
create table if not exists medseek_settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
