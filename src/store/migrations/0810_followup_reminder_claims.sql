-- Reminders sent exactly once by any number of senders (issue 21): a sender claims due rows in one
-- statement (`for update skip locked`), sends them, then marks each sent or failed. A claim older than
-- its lease (a sender that died mid-pass) may be taken again.
alter table followup_reminder add column if not exists claimed_at timestamptz;
alter table followup_reminder add column if not exists claimed_by text;
