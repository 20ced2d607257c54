import { createHash } from 'node:crypto';
import { isMedSeekError, type Sql } from '../../core/index.js';
import type { IngestSink } from '../types.js';
import { validationErrors } from '../validation/index.js';
import { type AckCode, buildAck } from './ack.js';
import { charsetOf, declaredCharset, decodeMessage } from './charset.js';
import type { MapContext } from './context.js';
import { claimControlId, type ControlKey, recordAck } from './control-store.js';
import { offsetOf } from './datatypes.js';
import { Hl7Error, locationText } from './error.js';
import { mapMessage } from './map-message.js';
import { type ParsedMessage, parseMessage } from './message.js';

/**
 * Where HL7 messages are written. Ingest does not import the store: the caller composes it, e.g.
 * `{ sql: db, sinkFor: (tx) => resourceSink(tx) }`. Each message is one transaction on `sql`: the
 * duplicate-control row and every resource commit together or not at all.
 */
export interface Hl7Store {
  readonly sql: Sql;
  /** The resource sink writing inside transaction `tx`. */
  sinkFor(tx: Sql): IngestSink;
}

export interface Hl7Options {
  /** Character set of messages without MSH-18: `utf-8` (default), `gb18030`, or a table 0211 name. */
  readonly defaultCharset?: string;
  /** Offset for times without one when MSH-7 has none either: `+08:00`, `Z`. Default: this machine's. */
  readonly defaultOffset?: string;
}

export interface Hl7Outcome {
  readonly code: AckCode;
  /** The ACK as text (segments separated by CR) and the character set to send it in. */
  readonly ack: string;
  readonly charset: string;
  /** A replayed message: the ACK is the one it got the first time, and nothing was written. */
  readonly duplicate: boolean;
  readonly controlId?: string;
  readonly messageType?: string;
  /** `Type/id` of each resource written (empty unless AA and not a duplicate). */
  readonly resources: readonly string[];
  readonly error?: { readonly where: string; readonly hl7Code: number; readonly reason: string };
}

/** Decodes, checks, maps and stores one message; always answers with an ACK, never throws. */
export async function processMessage(bytes: Buffer, store: Hl7Store, options: Hl7Options = {}): Promise<Hl7Outcome> {
  let parsed: ParsedMessage | undefined;
  let charset = 'utf-8';
  try {
    const decoded = decodeMessage(bytes, options.defaultCharset ?? 'utf-8');
    charset = decoded.charset;
    parsed = parseMessage(decoded.text);
    return await store.sql.transaction((tx) => accept(tx, parsed!, bytes, charset, store, options));
  } catch (e) {
    // The header is ASCII in every supported character set: read it again to address the NAK.
    parsed ??= tryParse(bytes.toString('latin1'));
    const error =
      e instanceof Hl7Error
        ? e
        : new Hl7Error(
            'AE',
            207,
            { segment: 'MSH' },
            `MedSeek could not store the message: ${isMedSeekError(e) ? e.message : (e as Error)?.message}`,
          );
    return errorOutcome(parsed, charset, error);
  }
}

/**
 * The refusal of a message that was not read whole (a frame over the listener's size limit):
 * addressed by its MSH when `head` holds one that parses, else an ACK without MSA-2. Nothing is stored.
 */
export function refuseMessage(head: Buffer, error: Hl7Error, options: Hl7Options = {}): Hl7Outcome {
  const end = head.findIndex((b) => b === 0x0d || b === 0x0a);
  // Only a complete MSH segment is trusted: a cut one could name a wrong control id.
  const parsed = end < 0 ? undefined : tryParse(head.subarray(0, end).toString('latin1'));
  const charset = charsetOf(declaredCharset(head)) ?? charsetOf(options.defaultCharset ?? 'utf-8') ?? 'utf-8';
  return errorOutcome(parsed, charset, error);
}

function errorOutcome(parsed: ParsedMessage | undefined, charset: string, error: Hl7Error): Hl7Outcome {
  return {
    code: error.ack,
    ack: buildAck(parsed, error.ack, error).toString(),
    charset,
    duplicate: false,
    ...(parsed ? { controlId: parsed.controlId, messageType: `${parsed.type}^${parsed.trigger}` } : {}),
    resources: [],
    error: { where: locationText(error.at), hl7Code: error.hl7Code, reason: error.reason },
  };
}

async function accept(
  tx: Sql,
  parsed: ParsedMessage,
  bytes: Buffer,
  charset: string,
  store: Hl7Store,
  options: Hl7Options,
): Promise<Hl7Outcome> {
  const key: ControlKey = {
    sendingApplication: parsed.sendingApplication,
    sendingFacility: parsed.sendingFacility,
    controlId: parsed.controlId,
  };
  const messageType = `${parsed.type}^${parsed.trigger}`;
  // Line ends differ between a file and the wire: the same segments are the same message.
  const hash = createHash('sha256')
    .update(
      bytes
        .toString('latin1')
        .replace(/[\r\n]+/g, '\r')
        .trim(),
    )
    .digest('base64');
  const previous = await claimControlId(tx, key, hash, messageType);
  if (previous) {
    if (previous.contentHash !== hash)
      throw new Hl7Error(
        'AR',
        205,
        { segment: 'MSH', field: 10 },
        `control id '${parsed.controlId}' from ${key.sendingApplication || '(no MSH-3)'} was already used ` +
          'for a different message',
      );
    return {
      code: 'AA',
      ack: previous.ack,
      charset,
      duplicate: true,
      controlId: parsed.controlId,
      messageType,
      resources: [],
    };
  }
  const sink = store.sinkFor(tx);
  const ctx: MapContext = {
    parsed,
    defaultOffset: offsetOf(parsed.dateTime) ?? options.defaultOffset ?? localOffset(),
    authority: parsed.sendingFacility || parsed.sendingApplication,
    find: async (type, identifiers) => sink.findByIdentifier?.(type, identifiers),
  };
  const mapped = await mapMessage(ctx);
  for (const m of mapped) {
    const problem = validationErrors(m.resource)[0];
    if (problem)
      throw new Hl7Error(
        'AE',
        102,
        m.from,
        `the ${m.resource.resourceType} made from it is not valid FHIR: ${problem.expression}: ${problem.message}`,
      );
  }
  const resources = mapped.map((m) => m.resource);
  await sink.write(resources, { atomic: true });
  const ack = buildAck(parsed, 'AA').toString();
  const written = resources.map((r) => `${r.resourceType}/${r.id}`);
  await recordAck(tx, key, ack, written);
  return { code: 'AA', ack, charset, duplicate: false, controlId: parsed.controlId, messageType, resources: written };
}

function tryParse(text: string): ParsedMessage | undefined {
  try {
    return parseMessage(text);
  } catch {
    return undefined;
  }
}

function localOffset(): string {
  const minutes = -new Date().getTimezoneOffset();
  if (minutes === 0) return 'Z';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${hh}:${String(abs % 60).padStart(2, '0')}`;
}
