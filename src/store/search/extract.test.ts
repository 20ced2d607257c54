import { describe, expect, it } from 'vitest';
import { parseReference, searchValuesOf } from './extract.js';
import { loadSearchDefinitions } from './registry.js';

describe('parseReference', () => {
  it('reads the type and id of relative, absolute and versioned references; nothing from others', () => {
    expect(parseReference('Patient/p-1.2')).toEqual({ type: 'Patient', id: 'p-1.2' });
    expect(parseReference('Patient/1/_history/2')).toEqual({ type: 'Patient', id: '1' });
    expect(parseReference('http://h/fhir/Patient/1/_history/2')).toEqual({ type: 'Patient', id: '1' });
    expect(parseReference('a/Encounter/e')).toEqual({ type: 'Encounter', id: 'e' });
    for (const ref of ['urn:uuid:1234', 'patient/1', 'Patient/', 'Patient/a b', `Patient/${'x'.repeat(65)}`])
      expect(parseReference(ref), ref).toBeUndefined();
  });
});

describe('searchValuesOf', () => {
  it('gives a repeated coding of one parameter once, and rows of every type with the columns of their type', () => {
    loadSearchDefinitions();
    const coding = { system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' };
    const values = searchValuesOf({
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: { coding: [coding, { ...coding }] },
      subject: { reference: 'Patient/p1' },
      valueQuantity: { value: 72, unit: '/min' },
      effectiveDateTime: '2024-01-02',
    });
    expect(values.filter((v) => v.param === 'code')).toEqual([
      { param: 'code', system: 'http://loinc.org', code: '8867-4', text: 'heart rate' },
    ]);
    expect(values).toContainEqual({ param: 'subject', ref: 'Patient/p1', ref_type: 'Patient', ref_id: 'p1' });
    expect(values).toContainEqual({
      param: 'value-quantity',
      system: null,
      code: '/min',
      exact: '/min',
      num_lo: 72,
      num_hi: 72,
    });
    expect(values).toContainEqual(expect.objectContaining({ param: 'status', code: 'final', system: undefined }));
  });
});
