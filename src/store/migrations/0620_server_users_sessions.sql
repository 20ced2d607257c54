-- Workspace users (issue 14, identity): local accounts (scrypt hash only, never the password) and
-- accounts made on first login through the hospital's OpenID Connect provider.
create table if not exists medseek_users (
  id text primary key,
  username text not null unique,
  display_name text not null,
  password_hash text,
  role text not null check (role in ('admin', 'clinician', 'patient')),
  units jsonb not null default '[]'::jsonb,
  all_patients boolean not null default false,
  disabled boolean not null default false,
  source text not null default 'local' check (source in ('local', 'oidc')),
  oidc_issuer text,
  oidc_subject text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_login_at timestamptz
);
create unique index if not exists medseek_users_oidc_idx on medseek_users (oidc_issuer, oidc_subject) where oidc_subject is not null;

-- Failed logins per (lower-cased) username, whether or not the user exists, so that lockout says
-- nothing about which names are real.
create table if not exists medseek_login_throttle (
  username text primary key,
  failures integer not null default 0,
  window_start timestamptz not null,
  locked_until timestamptz
);

-- Server-side sessions: only SHA-256 hashes of the session id and of its CSRF token are kept.
create table if not exists medseek_sessions (
  id_hash text primary key,
  user_id text not null references medseek_users (id) on delete cascade,
  csrf_hash text not null,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null
);
create index if not exists medseek_sessions_user_idx on medseek_sessions (user_id);
create index if not exists medseek_sessions_expires_idx on medseek_sessions (expires_at);

-- Secrets the server makes for itself and every process shares (the OIDC flow cookie's HMAC key).
create table if not exists medseek_auth_secrets (
  name text primary key,
  secret text not null,
  created_at timestamptz not null default now()
);
