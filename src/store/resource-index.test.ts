import { describe, expect, it } from 'vitest';
import {
  codeTokens,
  dateRangeOf,
  fhirDateRange,
  indexResource,
  patientIdFromReference,
  withoutVersionMeta,
} from './resource-index.js';

describe('resource index', () => {
  it('reads a FHIR date at its precision as a half-open range', () => {
    expect(fhirDateRange('2024')).toEqual(['2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z']);
    expect(fhirDateRange('2024-12')).toEqual(['2024-12-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z']);
    expect(fhirDateRange('2024-02-29')).toEqual(['2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(fhirDateRange('2024-03-05T08:30:00+08:00')).toEqual([
      '2024-03-05T00:30:00.000Z',
      '2024-03-05T00:30:01.000Z',
    ]);
    expect(fhirDateRange('2024-03-05T08:30:00.250Z')).toEqual(['2024-03-05T08:30:00.250Z', '2024-03-05T08:30:00.251Z']);
    expect(fhirDateRange('05/03/2024')).toBeNull();
  });

  it('reads a Period with an open end as reaching infinity', () => {
    expect(dateRangeOf({ start: '2024-01-01' })).toEqual(['2024-01-01T00:00:00.000Z', 'infinity']);
    expect(dateRangeOf({ end: '2024-01-01' })).toEqual(['-infinity', '2024-01-02T00:00:00.000Z']);
    expect(dateRangeOf({})).toBeNull();
  });

  it('finds the patient in relative, absolute and versioned references, and not in others', () => {
    expect(patientIdFromReference({ reference: 'Patient/abc' })).toBe('abc');
    expect(patientIdFromReference({ reference: 'https://h.example/fhir/Patient/abc/_history/3' })).toBe('abc');
    expect(patientIdFromReference({ reference: 'Group/abc' })).toBeNull();
    expect(patientIdFromReference({ reference: 'urn:uuid:1234' })).toBeNull();
    expect(
      indexResource({ resourceType: 'Coverage', id: 'c', beneficiary: { reference: 'Patient/b' } }).patientId,
    ).toBe('b');
    expect(indexResource({ resourceType: 'Patient', id: 'self' }).patientId).toBe('self');
  });

  it('makes system|code and bare code tokens from each coding of the type’s code element', () => {
    const tokens = codeTokens({
      resourceType: 'MedicationRequest',
      medicationCodeableConcept: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '11289' }, { code: 'B01AA03' }],
      },
      code: { coding: [{ system: 'x', code: 'ignored' }] },
    });
    expect(tokens.sort()).toEqual(
      ['11289', 'B01AA03', 'http://www.nlm.nih.gov/research/umls/rxnorm|11289', '|B01AA03'].sort(),
    );
  });

  it('stores a resource without the version meta it owns, keeping the rest of meta', () => {
    expect(withoutVersionMeta({ resourceType: 'Patient', meta: { versionId: '3', lastUpdated: 'x' } })).toEqual({
      resourceType: 'Patient',
    });
    expect(
      withoutVersionMeta({ resourceType: 'Patient', meta: { versionId: '3', tag: [{ code: 't' }] } as never }),
    ).toEqual({ resourceType: 'Patient', meta: { tag: [{ code: 't' }] } });
  });
});
