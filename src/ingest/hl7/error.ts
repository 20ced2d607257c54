import { MedSeekError } from '../../core/index.js';

/**
 * HL7 table 0357 (message error condition codes), v2.5.1 §2.15.5 (ERR-3) — the ones MedSeek reports.
 * https://terminology.hl7.org/CodeSystem-v2-0357.html
 */
export const ERROR_CODES = {
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  103: 'Table value not found',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  203: 'Unsupported version id',
  205: 'Duplicate key identifier',
  207: 'Application internal error',
} as const;
export type Hl7ErrorCode = keyof typeof ERROR_CODES;

/** Where in the message the problem is: ERR-2 (ERL) = segment ^ sequence ^ field ^ repetition ^ component. */
export interface Hl7Location {
  readonly segment: string;
  /** 1-based occurrence of this segment in the message. */
  readonly sequence?: number;
  readonly field?: number;
  readonly component?: number;
}

/**
 * A message MedSeek will not accept, with the acknowledgment it earns (v2.5.1 §2.9.2): AR for a
 * message it cannot process at all (no or broken MSH, unsupported type, version or character set),
 * AE for an error in the content (a required field missing, a value of the wrong type).
 */
export class Hl7Error extends MedSeekError {
  constructor(
    readonly ack: 'AE' | 'AR',
    readonly hl7Code: Hl7ErrorCode,
    readonly at: Hl7Location,
    reason: string,
  ) {
    super(ack === 'AR' ? 'unsupported' : 'invalid', reason, { where: locationText(at) });
  }

  /** The reason without the location prefix. */
  get reason(): string {
    const prefix = `${locationText(this.at)}: `;
    return this.message.startsWith(prefix) ? this.message.slice(prefix.length) : this.message;
  }
}

/** `PID-3`, `OBX[2]-5`, `MSH-9.1`. */
export function locationText(at: Hl7Location): string {
  const seq = at.sequence && at.sequence > 1 ? `[${at.sequence}]` : '';
  const field = at.field === undefined ? '' : `-${at.field}${at.component ? `.${at.component}` : ''}`;
  return `${at.segment}${seq}${field}`;
}
