import { describe, expect, it } from 'vitest';
import { searchValuesOf } from './extract.js';
import { firstSteps, mayHold, pathsOf } from './roots.js';

describe('pathsOf', () => {
  it('gives the element steps of each path of a union', () => {
    expect(pathsOf('Observation', 'Observation.code | Observation.component.code')).toEqual([
      ['code'],
      ['component', 'code'],
    ]);
    expect(
      pathsOf('Observation', '(Observation.value as Quantity) | (Observation.component.value as SampledData)'),
    ).toEqual([['value'], ['component', 'value']]);
    expect(pathsOf('Condition', 'Condition.onset.as(dateTime)')).toEqual([['onset']]);
    expect(pathsOf('Observation', '(Observation.value as CodeableConcept).text')).toEqual([['value', 'text']]);
  });

  it('looks through where(…), whatever its criteria', () => {
    expect(pathsOf('Observation', 'Observation.subject.where((resolve() is Patient))')).toEqual([['subject']]);
    expect(pathsOf('Patient', "Patient.extension.where((url = 'http://x/us-core-race')).extension.value.code")).toEqual(
      [['extension', 'extension', 'value', 'code']],
    );
  });

  it('refuses expressions that may hold values without those elements', () => {
    expect(pathsOf('Patient', '(Patient.deceased.exists() and (Patient.deceased != false))')).toBeUndefined();
    expect(pathsOf('Patient', 'Patient.name.empty()')).toBeUndefined();
    expect(pathsOf('Patient', '%resource.id')).toBeUndefined();
    expect(pathsOf('Patient', 'Observation.code')).toBeUndefined();
  });
});

describe('mayHold', () => {
  it('follows elements, arrays, choice elements and primitive extensions', () => {
    const obs = {
      resourceType: 'Observation',
      valueQuantity: { value: 1 },
      _issued: { extension: [] },
      component: [{ code: {} }, { valueString: 'x' }],
      meta: { profile: ['p'] },
    };
    expect(mayHold(obs, ['value'])).toBe(true);
    expect(mayHold(obs, ['value', 'value'])).toBe(true);
    expect(mayHold(obs, ['issued'])).toBe(true);
    expect(mayHold(obs, ['component', 'value'])).toBe(true);
    expect(mayHold(obs, ['meta', 'security'])).toBe(false);
    expect(mayHold(obs, ['focus'])).toBe(false);
    // `valuex` is not a typed name of `value`.
    expect(mayHold({ valuex: 1 }, ['value'])).toBe(false);
  });
});

describe('firstSteps', () => {
  it('gives each first step a key matches as mayHold matches it', () => {
    const obs = { resourceType: 'Observation', valueQuantity: { value: 1 }, _issued: {}, effectiveDateTime: 'x' };
    const steps = firstSteps(obs);
    for (const step of ['value', 'issued', 'effective', 'effectiveDate', 'resourceType'])
      expect([steps.has(step), mayHold(obs, [step])], step).toEqual([true, true]);
    for (const step of ['valueQ', '_issued', 'subject', 'valu'])
      expect([steps.has(step), mayHold(obs, [step])], step).toEqual([false, false]);
  });
});

describe('searchValuesOf with the fast path', () => {
  it('still reads choice elements and nested elements', () => {
    const values = searchValuesOf({
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      component: [{ code: { coding: [{ code: 'c1' }] }, valueQuantity: { value: 3, unit: 'mm' } }],
      valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      effectiveDateTime: '2024-01-02',
    });
    expect(values).toContainEqual(expect.objectContaining({ param: 'value-quantity', num_lo: 72, code: '/min' }));
    expect(values).toContainEqual(expect.objectContaining({ param: 'component-value-quantity', num_lo: 3 }));
    expect(values).toContainEqual(expect.objectContaining({ param: 'date', lo: expect.any(String) }));
    expect(values).toContainEqual(expect.objectContaining({ param: 'combo-code', code: 'c1' }));
  });
});
