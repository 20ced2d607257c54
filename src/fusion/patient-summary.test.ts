import type { Patient } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { matchesPatientQuery, patientSummary } from './patient-summary.js';

describe('patientSummary', () => {
  it('shows the name text, sex, birth date and identifiers', () => {
    const p = {
      resourceType: 'Patient',
      id: 'p1',
      name: [{ text: '张建国', family: '张', given: ['建国'] }],
      gender: 'male',
      birthDate: '1956-03-02',
      identifier: [{ value: 'MRN-001' }, { system: 'urn:x' }],
    } satisfies Patient;
    expect(patientSummary(p)).toEqual({
      id: 'p1',
      name: '张建国',
      gender: 'male',
      birthDate: '1956-03-02',
      identifiers: ['MRN-001'],
    });
  });

  it('joins given and family names without a text, falls back to the id, and leaves out a missing birth date', () => {
    expect(
      patientSummary({ resourceType: 'Patient', id: 'p2', name: [{ given: ['Ann', 'B'], family: 'Lee' }] }),
    ).toEqual({ id: 'p2', name: 'Ann B Lee', gender: 'unknown', identifiers: [] });
    expect(patientSummary({ resourceType: 'Patient', id: 'p3' }).name).toBe('p3');
  });
});

describe('matchesPatientQuery', () => {
  const p = patientSummary({
    resourceType: 'Patient',
    id: 'Pat-7',
    name: [{ text: 'Wang Li' }],
    identifier: [{ value: 'MRN-42' }],
  });

  it('finds a patient by part of the name, the id or an identifier', () => {
    for (const q of ['wang', 'pat-7', 'mrn-4', '']) expect(matchesPatientQuery(p, q)).toBe(true);
    expect(matchesPatientQuery(p, 'zhang')).toBe(false);
  });
});
