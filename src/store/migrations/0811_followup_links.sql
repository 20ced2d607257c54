-- Follow-up links (issue 21): a patient link scoped to the follow-up pages, bound to a plan, living as
-- long as the plan (not 72 h). Pre-consultation links keep their appointment; a follow-up link has none.
alter table server_patient_link add column if not exists scope text not null default 'pre-consultation';
alter table server_patient_link add column if not exists plan_id text;
alter table server_patient_link alter column appointment_id drop not null;
alter table server_patient_link add constraint server_patient_link_scope_check check (
  (scope = 'pre-consultation' and appointment_id is not null) or (scope = 'follow-up' and plan_id is not null)
);
