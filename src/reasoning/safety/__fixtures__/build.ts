import type { Dosage, Fact, FactCategory, PatientState, Quantity } from '../../../core/index.js';
import { CodeSystems } from '../../../core/index.js';

/** Small builders for hand-made PatientStates in tests (facts with resource sources that click through). */
let n = 0;
const AT = '2026-03-01T10:00:00Z';

function fact(category: FactCategory, display: string, extra: Partial<Fact> = {}, resourceType = 'Observation'): Fact {
  const id = `f${++n}`;
  return {
    id,
    patientId: 'p1',
    category,
    concept: { system: CodeSystems.medseek, code: display.toLowerCase().replace(/\W+/g, '-'), display },
    assertion: 'present',
    subject: { who: 'patient' },
    sources: [{ kind: 'resource', resourceType, id }],
    ...extra,
  };
}

export function med(
  display: string,
  extra: Partial<Fact> & { dose?: Quantity; perDay?: number; route?: string } = {},
): Fact {
  const { dose, perDay, route, ...rest } = extra;
  const dosage: Dosage | undefined =
    dose || perDay || route
      ? {
          ...(dose ? { dose } : {}),
          ...(perDay ? { frequency: { code: `${perDay}/d`, perDay } } : {}),
          ...(route ? { route } : {}),
        }
      : undefined;
  return fact(
    'medication',
    display,
    { status: 'active', time: { start: '2026-02-28T09:00:00Z' }, ...(dosage ? { dosage } : {}), ...rest },
    'MedicationRequest',
  );
}

export function draft(display: string, extra: Parameters<typeof med>[1] = {}): Fact {
  return med(display, { status: 'draft', ...extra });
}

export function allergy(display: string, extra: Partial<Fact> = {}): Fact {
  return fact('allergy', display, { status: 'active', ...extra }, 'AllergyIntolerance');
}

export function condition(display: string, extra: Partial<Fact> = {}): Fact {
  return fact('condition', display, { status: 'active', ...extra }, 'Condition');
}

export function lab(
  loinc: string,
  display: string,
  value: number,
  unit: string,
  time = '2026-03-01T08:00:00Z',
  extra: Partial<Fact> = {},
): Fact {
  return fact('measurement', display, {
    concept: { system: CodeSystems.loinc, code: loinc, display },
    value: { value, unit },
    time: { start: time },
    status: 'final',
    ...extra,
  });
}

export function qualitative(loinc: string, display: string, valueText: string, time = '2026-03-01T08:00:00Z'): Fact {
  return fact('measurement', display, {
    concept: { system: CodeSystems.loinc, code: loinc, display },
    valueText,
    time: { start: time },
    status: 'final',
  });
}

export function gene(display: string, valueText: string): Fact {
  return fact(
    'genotype',
    display,
    { concept: { system: CodeSystems.hgnc, code: display, display }, valueText },
    'Observation',
  );
}

export function state(facts: readonly Fact[], demo: Partial<PatientState['demographics']> = {}, at = AT): PatientState {
  return {
    patientId: 'p1',
    at,
    demographics: { sex: 'male', age: 50, ...demo },
    phenotype: facts.filter((f) =>
      ['finding', 'condition', 'measurement', 'imaging', 'allergy', 'risk-factor'].includes(f.category),
    ),
    intervention: facts.filter((f) => f.category === 'medication' || f.category === 'procedure'),
    biology: facts.filter((f) => f.category === 'genotype'),
    timeline: [],
    conflicts: [],
  };
}
