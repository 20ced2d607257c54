import type { Concept } from './concept.js';
import type { Source } from './source.js';

/**
 * The assertion status of a fact (ConText-style).
 * `historical` = true in the past but not necessarily now; `family` = about a relative;
 * `hypothetical` = conditional or future ("return if chest pain").
 */
export type Assertion = 'present' | 'absent' | 'possible' | 'historical' | 'family' | 'hypothetical';

/** What kind of thing a fact is about; decides which PatientState space it lives in. */
export type FactCategory =
  | 'finding' // symptom or sign
  | 'condition' // diagnosis, problem
  | 'measurement' // vital sign or lab result
  | 'imaging'
  | 'medication'
  | 'procedure'
  | 'allergy'
  | 'genotype'
  | 'risk-factor' // antecedent, exposure, social history
  | 'encounter';

/** Who the fact is about. */
export interface Subject {
  readonly who: 'patient' | 'family' | 'other';
  /** e.g. mother, father, sibling; 母亲, 父亲. */
  readonly relation?: string;
}

/** A quantity normalised to UCUM with what the record originally said kept beside it. */
export interface Quantity {
  readonly value: number;
  /** UCUM unit after normalisation, e.g. `mmol/L`, `10*9/L`, `Cel`. */
  readonly unit: string;
  /** The second number of a ratio, e.g. diastolic of `120/80 mmHg`. */
  readonly value2?: number;
  readonly comparator?: '<' | '<=' | '>' | '>=';
  /** As written: `12.3×10^9/L`, `38.5℃`. */
  readonly original?: string;
}

/**
 * When. Absolute ISO-8601 where known; `relative` keeps what the text said ("3天前", "2 weeks ago")
 * and `anchor` what it is relative to (the note's date, the admission).
 */
export interface FactTime {
  readonly start?: string;
  readonly end?: string;
  readonly relative?: string;
  readonly duration?: { readonly value: number; readonly unit: 'min' | 'h' | 'd' | 'wk' | 'mo' | 'a' };
  readonly anchor?: string;
}

/** A medication's sig, parsed. */
export interface Dosage {
  readonly strength?: Quantity;
  readonly dose?: Quantity;
  readonly route?: string;
  /** Normalised frequency, e.g. `BID`, with times per day where known. */
  readonly frequency?: { readonly code: string; readonly perDay?: number; readonly original?: string };
  readonly duration?: FactTime['duration'];
  readonly asNeeded?: boolean;
}

/** One normalised clinical assertion about a patient, with the Sources it came from. */
export interface Fact {
  readonly id: string;
  readonly patientId: string;
  readonly category: FactCategory;
  readonly concept: Concept;
  readonly assertion: Assertion;
  readonly subject: Subject;
  readonly value?: Quantity;
  /** Coded or text value when not a quantity (e.g. `positive`, `CYP2C19 *2/*2`). */
  readonly valueText?: string;
  readonly time?: FactTime;
  readonly laterality?: 'left' | 'right' | 'bilateral';
  readonly dosage?: Dosage;
  /** e.g. active / resolved / entered-in-error / completed; from the coded resource where there is one. */
  readonly status?: string;
  /** Section of the note it came from (normalised key, e.g. `hpi`, `family_history`). */
  readonly section?: string;
  /** Observation interpretation (HL7 v3 ObservationInterpretation code: `H`, `L`, `N`, `A`, `HH`, `LL`, `POS`, `NEG`…). */
  readonly interpretation?: string;
  /** Reference range of a measurement, in the unit of `value`. */
  readonly referenceRange?: {
    readonly low?: number;
    readonly high?: number;
    readonly unit?: string;
    readonly text?: string;
  };
  /**
   * Further details by name where the record codes them: allergy `category`/`criticality`,
   * genotype `gene`/`diplotype`/`phenotype`, observation `category`, imaging `modality`/`bodySite`.
   */
  readonly qualifiers?: Readonly<Record<string, string>>;
  readonly sources: readonly Source[];
}

export function isAffirmed(f: Pick<Fact, 'assertion' | 'subject'>): boolean {
  return f.assertion === 'present' && f.subject.who === 'patient';
}
