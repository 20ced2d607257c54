import { Hl7Context, Hl7Message, Hl7Segment } from '@medplum/core';
import { ERROR_CODES, type Hl7Error } from './error.js';
import { escapeHl7, type ParsedMessage, value } from './message.js';

export type AckCode = 'AA' | 'AE' | 'AR';

/**
 * The acknowledgment for a message (original mode, v2.5.1 §2.9.2): MSH, MSA with AA/AE/AR and the
 * control id, and for an error an ERR segment: ERR-1 (the v2.3-style location for older senders),
 * ERR-2 the location (segment ^ sequence ^ field ^ repetition ^ component), ERR-3 the table 0357 code,
 * ERR-4 severity E, ERR-8 the reason in words. @medplum/core's buildAck writes MSH and MSA; MSH-18 is
 * echoed so the ACK says which character set it is in.
 */
export function buildAck(parsed: ParsedMessage | undefined, code: AckCode, error?: Hl7Error): Hl7Message {
  const ctx = parsed?.message.context ?? new Hl7Context();
  const err = error ? errSegment(error, ctx) : undefined;
  if (!parsed) {
    const now = new Date();
    return new Hl7Message(
      [
        new Hl7Segment(
          ['MSH', ctx.getMsh2(), 'MEDSEEK', '', '', '', hl7Now(now), '', 'ACK', `${now.getTime()}`, 'P', '2.5.1'],
          ctx,
        ),
        new Hl7Segment(['MSA', code, ''], ctx),
        ...(err ? [err] : []),
      ],
      ctx,
    );
  }
  const ack = parsed.message.buildAck({ ackCode: code, ...(err ? { errSegment: err } : {}) });
  const msh = ack.getSegment('MSH')!;
  const charset = value(parsed.message.getSegment('MSH'), 18);
  if (!msh.getField(3)?.toString()) msh.setField(3, 'MEDSEEK');
  if (charset) msh.setField(18, charset);
  return ack;
}

function errSegment(error: Hl7Error, ctx: Hl7Context): Hl7Segment {
  const c = ctx.componentSeparator;
  const s = ctx.subcomponentSeparator;
  const { segment, sequence, field, component } = error.at;
  const text = ERROR_CODES[error.hl7Code];
  const erl = [segment, sequence ?? 1, field ?? '', '', component ?? ''].join(c).replace(new RegExp(`\\${c}+$`), '');
  const eld = [segment, sequence ?? 1, field ?? '', [error.hl7Code, text, 'HL70357'].join(s)].join(c);
  const fields = [
    'ERR',
    eld,
    erl,
    [error.hl7Code, text, 'HL70357'].join(c),
    'E',
    '',
    '',
    '',
    escapeHl7(error.reason, ctx),
  ];
  return new Hl7Segment(fields, ctx);
}

function hl7Now(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
  return `${date}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+0000`;
}
