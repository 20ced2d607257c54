-- SMART App Launch 2.x: MedSeek's own authorization server for its FHIR endpoint (issue 14).

-- Registered apps. Redirect and launch URIs starting with '/' are on MedSeek's own origin.
create table if not exists medseek_smart_clients (
  client_id text primary key,
  name text not null,
  redirect_uris jsonb not null,
  launch_url text,
  confidential boolean not null default false,
  -- SHA-256 of the generated secret (32 random bytes); null for public clients.
  secret_hash text,
  scopes jsonb not null,
  created_at timestamptz not null default now()
);

-- The workspace itself, launched from MedSeek (or an EHR) as a public client with PKCE.
insert into medseek_smart_clients (client_id, name, redirect_uris, launch_url, confidential, scopes)
values ('medseek-workspace', 'MedSeek workspace', '["/smart-launch.html"]', '/smart-launch.html', false,
        '["launch","launch/patient","openid","fhirUser","offline_access","patient/*.rs","user/*.rs"]')
on conflict (client_id) do nothing;

-- The ES256 signing key, generated once (JWKS at /oauth2/jwks).
create table if not exists medseek_smart_keys (
  kid text primary key,
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now()
);

-- EHR launch contexts made by /oauth2/launch.
create table if not exists medseek_smart_launches (
  id text primary key,
  client_id text not null,
  patient_id text not null,
  principal_id text not null,
  expires_at timestamptz not null
);

-- Authorization requests awaiting the user's approval; csrf_hash guards the approval form.
create table if not exists medseek_smart_requests (
  id text primary key,
  csrf_hash text not null,
  request jsonb not null,
  principal jsonb not null,
  expires_at timestamptz not null
);

-- What a user approved for an app; access tokens name it, refresh tokens (hashed) renew it.
create table if not exists medseek_smart_grants (
  id text primary key,
  client_id text not null,
  principal jsonb not null,
  scopes jsonb not null,
  launch_patient text,
  refresh_hash text unique,
  refresh_expires_at timestamptz,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

-- Authorization codes (hashed), single use.
create table if not exists medseek_smart_codes (
  code_hash text primary key,
  grant_id text not null references medseek_smart_grants (id),
  client_id text not null,
  redirect_uri text not null,
  code_challenge text not null,
  nonce text,
  expires_at timestamptz not null,
  used_at timestamptz
);
