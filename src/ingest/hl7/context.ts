import { stableId } from '../../core/index.js';
import type { FhirResource } from '../types.js';
import type { Hl7Location } from './error.js';
import type { ParsedMessage } from './message.js';

/** What the segment maps share while one message is mapped. */
export interface MapContext {
  readonly parsed: ParsedMessage;
  /** `+08:00` or `Z`: the offset for times that carry none (MSH-7's, else configured). */
  readonly defaultOffset: string;
  /** Names the identifier system when a CX or EI has no assigning authority: MSH-4, else MSH-3. */
  readonly authority: string;
  /** The id of a stored resource with any of these identifiers (`system|value`). */
  readonly find: (resourceType: string, identifiers: readonly string[]) => Promise<string | undefined>;
}

/** A mapped resource and the segment it came from (a validation problem is reported there). */
export interface Mapped {
  readonly resource: FhirResource;
  readonly from: Hl7Location;
}

/**
 * Ids are derived from what identifies the thing in v2 (PID-3, PV1-19, order numbers, OBX set id),
 * so that a message sent again, or a later message about the same thing, writes the same resource.
 */
export function derivedId(resourceType: string, ...key: readonly (string | number | undefined)[]): string {
  return `hl7-${stableId('hl7v2', resourceType, ...key)}`;
}
