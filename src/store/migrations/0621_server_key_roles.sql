-- Roles and scope on API keys (issue 14). Keys created before roles existed become 'admin', so an
-- existing install keeps working exactly as before; new keys must name their role (no default).
alter table medseek_api_keys add column if not exists role text not null default 'admin';
alter table medseek_api_keys alter column role drop default;
alter table medseek_api_keys add column if not exists patient_id text;
alter table medseek_api_keys add column if not exists units text[] not null default '{}';
alter table medseek_api_keys add column if not exists all_patients boolean not null default false;
alter table medseek_api_keys drop constraint if exists medseek_api_keys_role_check;
alter table medseek_api_keys add constraint medseek_api_keys_role_check
  check (role in ('admin', 'clinician', 'patient') and (role <> 'patient' or patient_id is not null));

-- Audit rows may carry details: the reason of a refusal, the before/after ids of a knowledge write.
alter table medseek_audit add column if not exists detail jsonb;
