import { medicationRules, type SafetyRule, type SafetyRuleBook, safetyRules } from '../../reasoning/index.js';

/**
 * MedSeek's CDS Services (CDS Hooks 2.0, https://cds-hooks.hl7.org/2.0/#discovery). Each names the
 * hook it answers, the prefetch templates it wants, the rules it runs, and whether its findings are
 * limited to the orders in the hook's context (order-select: the selections; order-sign: every
 * draft order), so signing one drug does not re-raise every old interaction (alert fatigue).
 */
export interface CdsServiceDefinition {
  readonly id: string;
  readonly hook: 'patient-view' | 'order-select' | 'order-sign';
  readonly title: string;
  readonly description: string;
  /** https://cds-hooks.hl7.org/2.0/#prefetch-template */
  readonly prefetch: Readonly<Record<string, string>>;
  /** The rules it runs from a rule book (the active knowledge release's, read per request). */
  readonly rules: (book: SafetyRuleBook) => readonly SafetyRule[];
  readonly focus: 'none' | 'selections' | 'draft-orders';
}

const PATIENT = 'Patient/{{context.patientId}}';
// Status and category are filtered by the rules themselves, so the templates use only what every
// FHIR server (MedSeek's own included) supports: patient, _sort, _count.
const MEDS = 'MedicationRequest?patient={{context.patientId}}';
const CONDITIONS = 'Condition?patient={{context.patientId}}';
const ALLERGIES = 'AllergyIntolerance?patient={{context.patientId}}';
const LABS = 'Observation?patient={{context.patientId}}&_sort=-date&_count=200';

export const CDS_SERVICES: readonly CdsServiceDefinition[] = [
  {
    id: 'medseek-patient-view',
    hook: 'patient-view',
    title: 'MedSeek medication safety and critical values',
    description:
      'Checks the patient’s active medications (interactions, allergies, contraindications, renal dosing, duplicates, pharmacogenomics) and recent results against critical values (危急值).',
    prefetch: { patient: PATIENT, medications: MEDS, conditions: CONDITIONS, allergies: ALLERGIES, observations: LABS },
    rules: safetyRules,
    focus: 'none',
  },
  {
    id: 'medseek-order-select',
    hook: 'order-select',
    title: 'MedSeek medication check while ordering',
    description:
      'Checks the medication being selected against the patient’s medications, allergies, conditions, kidney function and genotype.',
    prefetch: { patient: PATIENT, medications: MEDS, conditions: CONDITIONS, allergies: ALLERGIES, observations: LABS },
    rules: medicationRules,
    focus: 'selections',
  },
  {
    id: 'medseek-order-sign',
    hook: 'order-sign',
    title: 'MedSeek medication check before signing',
    description: 'Checks every draft MedicationRequest before it is signed; only high-severity findings interrupt.',
    prefetch: { patient: PATIENT, medications: MEDS, conditions: CONDITIONS, allergies: ALLERGIES, observations: LABS },
    rules: medicationRules,
    focus: 'draft-orders',
  },
];

/** The discovery document (https://cds-hooks.hl7.org/2.0/#discovery). */
export function discovery(): {
  services: { hook: string; title: string; description: string; id: string; prefetch: Record<string, string> }[];
} {
  return {
    services: CDS_SERVICES.map(({ hook, title, description, id, prefetch }) => ({
      hook,
      title,
      description,
      id,
      prefetch: { ...prefetch },
    })),
  };
}
