-- The triggering value of an alert, completed (migration 0721 kept the parameter and the value): its unit, the
-- threshold it was compared with and the side on which the rule fires, for threshold suggestions
-- (src/learning/alert-burden.ts) on rules whose parameter name does not say the side (critical values).
alter table learning_alert_context add column if not exists trigger_unit text;
alter table learning_alert_context add column if not exists trigger_threshold double precision;
alter table learning_alert_context add column if not exists trigger_direction text
  check (trigger_direction in ('below', 'above'));
