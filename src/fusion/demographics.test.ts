import { describe, expect, it } from 'vitest';
import type { Fact } from '../core/index.js';
import { ageAt, demographicsOf } from './demographics.js';

const vital = (code: string, value: number, unit: string, start: string): Fact => ({
  id: `${code}-${start}`,
  patientId: 'p',
  category: 'measurement',
  concept: { system: 'http://loinc.org', code },
  assertion: 'present',
  subject: { who: 'patient' },
  value: { value, unit },
  time: { start },
  sources: [{ kind: 'resource', resourceType: 'Observation', id: code }],
});

describe('demographics', () => {
  it('counts age in whole years, a birthday on the day included', () => {
    expect(ageAt('1960-06-15', '2024-06-14')).toBe(63);
    expect(ageAt('1960-06-15', '2024-06-15T00:00:00Z')).toBe(64);
    expect(ageAt('1960', '2024-01-01')).toBe(64);
    expect(ageAt('2030-01-01', '2024-01-01')).toBeUndefined();
  });

  it('takes the latest weight and height, converting units, and reads deceased as of the moment', () => {
    const facts = [
      vital('29463-7', 200, '[lb_av]', '2023-01-01'),
      vital('29463-7', 80, 'kg', '2022-01-01'),
      vital('8302-2', 70, '[in_i]', '2023-01-01'),
    ];
    const d = demographicsOf(
      { resourceType: 'Patient', gender: 'female', birthDate: '1950-02-01', deceasedDateTime: '2024-05-01' },
      '2024-01-01',
      facts,
    );
    expect(d).toEqual({
      sex: 'female',
      birthDate: '1950-02-01',
      age: 73,
      deceased: false,
      weightKg: 90.7,
      heightCm: 177.8,
    });
    expect(demographicsOf(undefined, '2024-01-01', [])).toEqual({ sex: 'unknown' });
  });

  it('gives a deceased patient their age at death, not the age they would be today', () => {
    const patient = {
      resourceType: 'Patient',
      gender: 'male',
      birthDate: '1950-02-01',
      deceasedDateTime: '2004-05-01',
    };
    expect(demographicsOf(patient as never, '2026-12-06', [])).toEqual({
      sex: 'male',
      birthDate: '1950-02-01',
      age: 54,
      deceased: true,
      deceasedDateTime: '2004-05-01',
    });
  });
});
