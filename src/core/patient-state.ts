import type { Fact } from './fact.js';
import type { MedicationCourse } from './medication-course.js';
import type { Source } from './source.js';

export type Sex = 'male' | 'female' | 'other' | 'unknown';

export interface Demographics {
  readonly sex: Sex;
  readonly birthDate?: string;
  /** Age in years at `PatientState.at`, or at death for a patient who died before it (Patient.deceasedDateTime). */
  readonly age?: number;
  readonly deceased?: boolean;
  /** When the patient died (Patient.deceasedDateTime), where the record says and it is not after `at`. */
  readonly deceasedDateTime?: string;
  /** Weight (kg) and height (cm) where recorded, for dosing. */
  readonly weightKg?: number;
  readonly heightCm?: number;
}

/** One thing on the patient's timeline (an encounter, a started drug, a result). */
export interface TimelineEvent {
  readonly time: string;
  readonly end?: string;
  readonly kind:
    | 'encounter'
    | 'condition'
    | 'medication'
    | 'procedure'
    | 'measurement'
    | 'imaging'
    | 'note'
    | 'genotype';
  readonly label: string;
  readonly factIds: readonly string[];
  readonly sources: readonly Source[];
}

/** Two facts that disagree (a note says NKDA while an AllergyIntolerance exists; a dose differs from the order). */
export interface Conflict {
  readonly id: string;
  readonly kind: 'assertion' | 'value' | 'dose' | 'status' | 'other';
  readonly description: string;
  readonly factIds: readonly string[];
}

/**
 * The fused view of one patient at one time: the three spaces the reasoners read.
 * - phenotype: findings, conditions, measurements, imaging, allergies, risk factors
 * - intervention: medications and procedures, with their time course
 * - biology: genotypes and their phenotypes
 */
export interface PatientState {
  readonly patientId: string;
  /** The moment this state describes (ISO-8601). */
  readonly at: string;
  readonly demographics: Demographics;
  readonly phenotype: readonly Fact[];
  readonly intervention: readonly Fact[];
  readonly biology: readonly Fact[];
  readonly timeline: readonly TimelineEvent[];
  readonly conflicts: readonly Conflict[];
  /** The encounter this state is focused on, if any (`Encounter/…` id). */
  readonly encounterId?: string;
  /**
   * Medication reconciliation: one course per drug (started / stopped / held / one-off / PRN /
   * changed dose / discharge), built by fusion from the intervention facts; facts stay the evidence.
   */
  readonly medications?: readonly MedicationCourse[];
}

export function allFacts(state: PatientState): Fact[] {
  return [...state.phenotype, ...state.intervention, ...state.biology];
}
