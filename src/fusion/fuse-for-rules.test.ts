import type { AllergyIntolerance, MedicationRequest, Observation, Patient } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { RuleStateCache, stateForRules } from './fuse-for-rules.js';
import { stateFromPrefetch } from './prefetch.js';

const patient = { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1950-02-01' } satisfies Patient;
const potassium = (id: string, value: number) =>
  ({
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '2823-3', display: 'Potassium' }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2026-02-28T08:00:00Z',
    valueQuantity: { value, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
  }) satisfies Observation;
/** An active order whose dosing period ends on 2026-03-10: current before, historical after. */
const spironolactone = {
  resourceType: 'MedicationRequest',
  id: 'm1',
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  authoredOn: '2026-02-01',
  medicationCodeableConcept: { text: 'spironolactone 25 mg' },
  dosageInstruction: [{ timing: { repeat: { boundsPeriod: { start: '2026-02-01', end: '2026-03-10' } } } }],
} satisfies MedicationRequest;
const penicillin = {
  resourceType: 'AllergyIntolerance',
  id: 'a1',
  clinicalStatus: { coding: [{ code: 'active' }] },
  patient: { reference: 'Patient/p1' },
  code: { text: 'penicillin' },
} satisfies AllergyIntolerance;
const searchset = (...resources: object[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: resources.map((resource) => ({ resource })),
});
const draft = {
  resourceType: 'MedicationRequest',
  id: 'd1',
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { text: 'amoxicillin 500 mg' },
} satisfies MedicationRequest;

const prefetch = (...allergies: object[]) => ({
  patient,
  medications: searchset(spironolactone),
  allergies: searchset(...allergies),
  observations: searchset(potassium('k1', 5.1)),
});
const AT = '2026-03-01T10:00:00Z';
// A fresh copy each call, as a parsed request body would be.
const input = (...allergies: object[]) =>
  structuredClone({ prefetch: prefetch(...allergies), patientId: 'p1', draftOrders: searchset(draft) });

describe('stateForRules with a cache', () => {
  it('reuses the facts of a prefetch it has seen, and maps the draft orders every time', () => {
    const cache = new RuleStateCache();
    const first = stateForRules(input(), { at: AT, cache });
    const second = stateForRules(input(), { at: AT, cache });
    expect([cache.misses, cache.hits]).toEqual([1, 1]);
    const k = (s: typeof first) => s.phenotype.find((f) => f.category === 'measurement');
    expect(k(second)).toBe(k(first));
    const drafts = (s: typeof first) => s.intervention.filter((f) => f.status === 'draft');
    expect(drafts(second)).toHaveLength(1);
    expect(drafts(second)[0]).not.toBe(drafts(first)[0]);
    expect(second).toEqual(first);
  });

  it('maps the record again when the prefetch differs: a new allergy is in the next state', () => {
    const cache = new RuleStateCache();
    const before = stateForRules(input(), { at: AT, cache });
    const after = stateForRules(input(penicillin), { at: AT, cache });
    expect(cache.misses).toBe(2);
    expect(before.phenotype.some((f) => f.category === 'allergy')).toBe(false);
    expect(after.phenotype.filter((f) => f.category === 'allergy').map((f) => f.concept.display)).toEqual([
      'penicillin',
    ]);
  });

  it('reads a cached order as it stands at each moment (current before its end, historical after)', () => {
    const cache = new RuleStateCache();
    const assertion = (at: string) =>
      stateForRules(input(), { at, cache }).intervention.find((f) =>
        f.sources.some((s) => s.kind === 'resource' && s.id === 'm1'),
      )?.assertion;
    expect(assertion(AT)).toBe('present');
    expect(assertion('2026-04-01T00:00:00Z')).toBe('historical');
    expect(assertion(AT)).toBe('present');
    expect(cache.hits).toBe(2);
    const later = stateFromPrefetch(input(), { at: '2026-04-01T00:00:00Z' });
    expect(stateForRules(input(), { at: '2026-04-01T00:00:00Z', cache })).toEqual({ ...later, timeline: [] });
  });

  it('keeps at most maxPatients patients, the least recently used going first', () => {
    const cache = new RuleStateCache(1);
    stateForRules(input(), { at: AT, cache });
    const other = structuredClone(input());
    other.prefetch.patient.id = 'p2';
    other.patientId = 'p2';
    stateForRules(other, { at: AT, cache });
    stateForRules(input(), { at: AT, cache });
    expect([cache.size, cache.misses, cache.hits]).toEqual([1, 3, 0]);
  });

  it('refuses a size that is not a positive integer, naming it', () => {
    expect(() => new RuleStateCache(0)).toThrow(/maxPatients/);
  });
});
