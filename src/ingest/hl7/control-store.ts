import type { Sql } from '../../core/index.js';

/**
 * Duplicate control by MSH-10 (v2.5.1 §2.10.1: the receiver uses the control id to recognise a message
 * sent again): each accepted message is kept in `ingest_hl7_messages` by sending application, facility
 * and control id, with a hash of its content and the ACK it got. A replay gets that ACK again and
 * nothing is written; a different message under a used control id is refused.
 */
export interface ControlKey {
  readonly sendingApplication: string;
  readonly sendingFacility: string;
  readonly controlId: string;
}

export interface ControlRecord {
  readonly contentHash: string;
  readonly ack: string;
}

/**
 * Claims the key inside the message's transaction: `undefined` when it is new (the row is held
 * until the transaction ends, so a concurrent copy waits, then finds it), else the stored record.
 */
export async function claimControlId(
  tx: Sql,
  key: ControlKey,
  contentHash: string,
  messageType: string,
): Promise<ControlRecord | undefined> {
  const inserted = await tx.query(
    `insert into ingest_hl7_messages
       (sending_application, sending_facility, control_id, content_hash, message_type, ack, resources)
     values ($1, $2, $3, $4, $5, '', '{}') on conflict do nothing returning control_id`,
    [key.sendingApplication, key.sendingFacility, key.controlId, contentHash, messageType],
  );
  if (inserted.rows.length > 0) return undefined;
  const { rows } = await tx.query<{ content_hash: string; ack: string }>(
    `select content_hash, ack from ingest_hl7_messages
     where sending_application = $1 and sending_facility = $2 and control_id = $3`,
    [key.sendingApplication, key.sendingFacility, key.controlId],
  );
  const row = rows[0]!;
  return { contentHash: row.content_hash, ack: row.ack };
}

export async function recordAck(tx: Sql, key: ControlKey, ack: string, resources: readonly string[]): Promise<void> {
  await tx.query(
    `update ingest_hl7_messages set ack = $4, resources = $5::text[]
     where sending_application = $1 and sending_facility = $2 and control_id = $3`,
    [key.sendingApplication, key.sendingFacility, key.controlId, ack, [...resources]],
  );
}
