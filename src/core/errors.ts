/**
 * Errors that say what was wrong and where. `where` names the entry (bundle index, fullUrl, line,
 * HL7 segment) and `field` the element, so a CLI message or an OperationOutcome can point at it.
 */
export type ErrorCode =
  | 'invalid' // malformed input (bad JSON, wrong type, missing field)
  | 'not-found'
  | 'conflict' // duplicate id, version mismatch
  | 'unauthorized'
  | 'forbidden'
  | 'too-large'
  | 'encoding' // not UTF-8, binary
  | 'unsupported'
  | 'unavailable' // a dependency (model, server) is down
  | 'internal';

export interface ErrorLocation {
  /** e.g. `Bundle.entry[3]`, `line 17`, `PID-5`. */
  readonly where?: string;
  /** The element, FHIRPath-style where possible: `Observation.subject.reference`. */
  readonly field?: string;
  /** fullUrl or resource key of the entry. */
  readonly entry?: string;
}

export class MedSeekError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;
  /** Further problems found in the same input (all reported, not just the first). */
  readonly issues: readonly { message: string; location: ErrorLocation }[];

  constructor(
    code: ErrorCode,
    message: string,
    location: ErrorLocation = {},
    options?: { cause?: unknown; issues?: readonly { message: string; location: ErrorLocation }[] },
  ) {
    super(formatMessage(message, location), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MedSeekError';
    this.code = code;
    this.location = location;
    this.issues = options?.issues ?? [];
  }
}

function formatMessage(message: string, loc: ErrorLocation): string {
  const where = [loc.where, loc.entry && `(${loc.entry})`, loc.field && `field ${loc.field}`].filter(Boolean).join(' ');
  return where ? `${where}: ${message}` : message;
}

export function invalid(message: string, location?: ErrorLocation): MedSeekError {
  return new MedSeekError('invalid', message, location);
}

export function notFound(message: string, location?: ErrorLocation): MedSeekError {
  return new MedSeekError('not-found', message, location);
}

export function isMedSeekError(e: unknown): e is MedSeekError {
  return e instanceof MedSeekError;
}

/**
 * A value from a request as an error message may quote it: strings as they are, anything else as
 * JSON, cut to `max` characters. Never throws: `String()` of an object whose `toString` is not a
 * function does (`{"resourceType": {"toString": null}}`), which would turn bad input into a 500.
 */
export function shown(value: unknown, max = 80): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
