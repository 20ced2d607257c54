import type { Concept } from './concept.js';
import type { Dosage } from './fact.js';
import type { Source } from './source.js';

/**
 * What happened to one drug over a stay (medication reconciliation): when it was started, stopped,
 * held, given once, as needed or at a changed dose, and whether it is on the discharge orders.
 * Fusion builds these from FHIR (MedicationRequest status/intent, MedicationAdministration,
 * MedicationStatement) and from note text (停用, 临时医嘱, 改为, discontinued, x1, held, switched to).
 */
export type MedicationEventKind =
  | 'started'
  | 'stopped'
  | 'held'
  | 'resumed'
  | 'one-off'
  | 'prn'
  | 'dose-changed'
  | 'discharge';

export interface MedicationEvent {
  readonly kind: MedicationEventKind;
  /** ISO-8601 where known. */
  readonly time?: string;
  /** Why, as the record says it ("高钾血症", "bleeding risk"), where recorded. */
  readonly reason?: string;
  /** The dose after the event (for `started`, `dose-changed`, `discharge`). */
  readonly dosage?: Dosage;
  readonly factIds: readonly string[];
  readonly sources: readonly Source[];
}

/**
 * The drug's status at the moment the state describes (or the end of the focused encounter):
 * - `active`: being taken; `stopped`: discontinued; `held`: paused, may resume;
 * - `one-off`: given once (临时医嘱, stat, x1) and not continued; `completed`: course finished;
 * - `prn`: as needed; `unknown`: mentioned without enough to tell.
 */
export type MedicationStatus = 'active' | 'stopped' | 'held' | 'one-off' | 'completed' | 'prn' | 'unknown';

export interface MedicationCourse {
  readonly concept: Concept;
  readonly status: MedicationStatus;
  /** On the discharge orders (出院医嘱 / 出院带药 / discharge medication list, or a MedicationRequest for discharge). */
  readonly discharge: boolean;
  /** The latest dose known. */
  readonly dosage?: Dosage;
  /** Ordered by time where known. */
  readonly events: readonly MedicationEvent[];
  /** Every fact about this drug that the course was built from. */
  readonly factIds: readonly string[];
  readonly sources: readonly Source[];
}

/** Drugs the patient takes at the state's moment (what alerts should run on). */
export function isCurrentCourse(c: MedicationCourse): boolean {
  return c.status === 'active' || c.status === 'prn';
}
