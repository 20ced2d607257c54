import { describe, expect, it } from 'vitest';
import { parseScope, patientScopedOnly, permits } from './smart-scopes.js';

describe('SMART scopes', () => {
  it('parses v2 cruds scopes and v1 read/write', () => {
    expect(parseScope('patient/Observation.rs')).toEqual({
      context: 'patient',
      type: 'Observation',
      interactions: new Set(['r', 's']),
    });
    expect(parseScope('user/*.cruds')?.interactions).toEqual(new Set(['c', 'r', 'u', 'd', 's']));
    expect(parseScope('system/Patient.read')?.interactions).toEqual(new Set(['r', 's']));
    expect(parseScope('user/Observation.write')?.interactions).toEqual(new Set(['c', 'u', 'd']));
  });

  it('refuses what is not a resource scope, letters out of order, and restricted scopes it does not grant', () => {
    for (const s of [
      'openid',
      'launch/patient',
      'fhirUser',
      'patient/Observation.sr',
      'patient/Observation.',
      'patient/observation.rs',
      'patient/Observation.rs?category=laboratory',
      'group/Observation.rs',
    ]) {
      expect(parseScope(s)).toBeUndefined();
    }
  });

  it('permits an interaction on a type by exact type or wildcard only', () => {
    const scopes = 'openid launch/patient patient/Observation.rs patient/Condition.r';
    expect(permits(scopes, 'Observation', 's')).toBe(true);
    expect(permits(scopes, 'Condition', 'r')).toBe(true);
    expect(permits(scopes, 'Condition', 's')).toBe(false);
    expect(permits(scopes, 'MedicationRequest', 'r')).toBe(false);
    expect(permits(['user/*.rs'], 'MedicationRequest', 's')).toBe(true);
    expect(permits(['user/*.rs'], 'MedicationRequest', 'c')).toBe(false);
    expect(patientScopedOnly(scopes)).toBe(true);
    expect(patientScopedOnly('patient/*.rs user/Observation.rs')).toBe(false);
  });
});
