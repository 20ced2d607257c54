import { describe, expect, it } from 'vitest';
import type { Principal } from '../env.js';
import {
  forAudience,
  isPhysicianOnlyResource,
  PHYSICIAN_ONLY_EXTENSION,
  PHYSICIAN_ONLY_SECURITY,
} from './physician-only.js';

const patient: Principal = { kind: 'api-key', id: 'key:p', name: 'p', role: 'patient', patientId: 'p1' };
const clinician: Principal = { kind: 'api-key', id: 'key:c', name: 'c', role: 'clinician', allPatients: true };

describe('physician-only content', () => {
  const restricted = { resourceType: 'Condition', id: 'ddx', meta: { security: [...PHYSICIAN_ONLY_SECURITY] } };
  const marked = {
    resourceType: 'Observation',
    id: 'o',
    note: [
      { text: 'shown' },
      { text: 'differential', extension: [{ url: PHYSICIAN_ONLY_EXTENSION, valueBoolean: true }] },
    ],
    interpretation: { text: 'for physicians', extension: [{ url: PHYSICIAN_ONLY_EXTENSION, valueBoolean: true }] },
  };

  it('needs both security codes to mark a whole resource', () => {
    expect(isPhysicianOnlyResource(restricted)).toBe(true);
    expect(isPhysicianOnlyResource({ meta: { security: [PHYSICIAN_ONLY_SECURITY[0]] } })).toBe(false);
  });

  it('drops marked resources and strips marked elements for a patient only', () => {
    expect(forAudience(patient, restricted)).toBeUndefined();
    expect(forAudience(patient, marked)).toEqual({ resourceType: 'Observation', id: 'o', note: [{ text: 'shown' }] });
    expect(forAudience(clinician, restricted)).toBe(restricted);
    expect(forAudience(clinician, marked)).toBe(marked);
  });
});
