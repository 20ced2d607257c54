-- Where and by whom an alert was decided, and the value that triggered it, for the alert-burden view
-- (src/learning/alert-burden.ts): override rates per rule, unit and prescriber, and threshold suggestions.
-- One row per issued card (cds_card_issued.uuid); cards without a row count under an unknown unit, and
-- under the feedback's client as prescriber.
create table if not exists learning_alert_context (
  card_uuid text primary key,
  unit text,
  prescriber text,
  -- The value the rule compared with its threshold (an eGFR, a daily dose), with the parameter it was compared with.
  trigger_param text,
  trigger_value double precision,
  recorded_at timestamptz not null default now()
);
