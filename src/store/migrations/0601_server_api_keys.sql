-- API keys created with `medseek keys create`: only a SHA-256 hash of the key is kept.
create table if not exists medseek_api_keys (
  id text primary key,
  name text not null,
  key_hash text not null unique,
  prefix text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);
