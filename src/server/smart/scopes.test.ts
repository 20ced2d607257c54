import { describe, expect, it } from 'vitest';
import { describeScope, intersectScopes, parseResourceScope } from './scopes.js';

describe('SMART scopes', () => {
  it('parses v2 scopes and reads v1 scopes as their v2 equivalents', () => {
    expect(parseResourceScope('patient/Observation.rs')).toEqual({
      context: 'patient',
      type: 'Observation',
      perms: 'rs',
    });
    expect(parseResourceScope('user/*.read')?.perms).toBe('rs');
    expect(parseResourceScope('patient/*.write')?.perms).toBe('cud');
    // Permissions out of cruds order, unknown letters, search restrictions (not granted here) are not scopes.
    for (const bad of [
      'patient/Observation.rs?category=laboratory',
      'patient/Observation.sr',
      'patient/Observation.x',
      'doctor/*.rs',
      'patient/observation.rs',
      'launch',
    ])
      expect(parseResourceScope(bad)).toBeUndefined();
  });

  it('narrows what is asked to what is allowed', () => {
    expect(intersectScopes(['patient/*.cruds'], ['patient/*.rs'])).toEqual(['patient/*.rs']);
    expect(intersectScopes(['patient/*.rs'], ['patient/Observation.rs', 'patient/Condition.r'])).toEqual([
      'patient/Observation.rs',
      'patient/Condition.r',
    ]);
    expect(intersectScopes(['user/*.rs', 'patient/*.read'], ['patient/*.rs'])).toEqual(['patient/*.rs']);
    expect(intersectScopes(['openid', 'fhirUser', 'launch', 'bogus'], ['openid', 'launch', 'bogus'])).toEqual([
      'openid',
      'launch',
    ]);
    expect(intersectScopes(['patient/Observation.rs?category=laboratory'], ['patient/*.rs'])).toEqual([]);
  });

  it('says what a scope allows in plain words', () => {
    expect(describeScope('patient/Observation.rs')).toBe(
      'read, search Observation records of the selected patient only',
    );
    expect(describeScope('user/*.rs', true)).toContain('所有类型的记录');
    expect(describeScope('launch/patient')).toMatch(/which patient/);
  });
});
