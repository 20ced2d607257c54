-- HL7 v2 duplicate control (src/ingest/hl7/control-store.ts): every accepted message by sending
-- application (MSH-3), facility (MSH-4) and control id (MSH-10), with a hash of its content, the ACK
-- it was given (a replay gets the same ACK) and the resources it wrote (`Type/id`).
create table if not exists ingest_hl7_messages (
  sending_application text not null,
  sending_facility text not null,
  control_id text not null,
  content_hash text not null,
  message_type text not null,
  ack text not null,
  resources text[] not null,
  received_at timestamptz not null default now(),
  primary key (sending_application, sending_facility, control_id)
);
