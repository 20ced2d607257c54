import { evalFhirPathTyped, parseFhirPath, toTypedValue } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile.js';
import { loadStructureDefinitions, searchParametersOf } from './registry.js';

/** Resources with what the engine treats specially: choices, primitive extensions, contained resources, empties. */
const RESOURCES: Record<string, unknown>[] = [
  {
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'HR' },
    subject: { reference: 'Patient/p1' },
    performer: [{ reference: 'Practitioner/d1' }, { reference: '#c1' }, { display: 'no reference' }],
    effectiveDateTime: '2020-01-02T03:04:05Z',
    _effectiveDateTime: { extension: [{ url: 'http://x/e', valueString: 'note' }] },
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    component: [
      { code: { text: 'a' }, valueString: 'x' },
      { code: { coding: [{ code: 'b' }] }, valueCodeableConcept: { text: 't' } },
      { code: {}, valueQuantity: {} },
    ],
    contained: [{ resourceType: 'Practitioner', id: 'c1', name: [{ family: 'Contained' }] }],
  },
  {
    resourceType: 'Patient',
    id: 'p1',
    name: [{ family: 'Chalmers', given: ['Peter', 'James'] }, { text: 'Jim' }],
    birthDate: '1974-12-25',
    _gender: { extension: [{ url: 'http://x/g', valueCode: 'x' }] },
    deceasedBoolean: false,
    telecom: [
      { system: 'email', value: 'A@B.org' },
      { system: 'phone', value: '555' },
    ],
    extension: [
      {
        url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
        extension: [{ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3' } }],
      },
    ],
    address: [{ line: ['1 Main St', ''], city: 'Boston', _city: { id: 'c' } }],
  },
  {
    resourceType: 'Condition',
    id: 'c1',
    subject: { reference: 'urn:uuid:1234' },
    onsetPeriod: { start: '2020', end: '2021' },
    _recordedDate: [null],
    code: { coding: [] },
  },
];

describe('compileExpression', () => {
  it('gives what evalFhirPathTyped gives, for every search parameter of these resources', () => {
    loadStructureDefinitions();
    let compared = 0;
    for (const resource of RESOURCES) {
      const input = [toTypedValue(resource)];
      for (const def of searchParametersOf(resource.resourceType as string).values()) {
        const expected = attempt(() => evalFhirPathTyped(def.parsed, input));
        expect(
          attempt(() => def.evaluate(input)),
          def.expression,
        ).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('keeps primitive extensions, choices and contained resources as the engine types them', () => {
    loadStructureDefinitions();
    const input = [toTypedValue(RESOURCES[0]!)];
    const cases = [
      'Observation.effective',
      'Observation.value as Quantity',
      'Observation.component.value.ofType(string)',
      'Observation.contained.name.family',
      'Observation.performer.where(resolve() is Practitioner)',
      'Observation.code.coding.code | Observation.component.code.coding.code | Observation.code.coding.code',
      // A union of one item (nothing to remove) and one of two equal numbers (FHIRPath equality removes one).
      '(Observation.value as Quantity) | (Observation.value as SampledData)',
      'Observation.valueQuantity.value | Observation.valueQuantity.value',
    ];
    for (const expression of cases) {
      const parsed = parseFhirPath(expression);
      const expected = evalFhirPathTyped(parsed, input);
      expect(expected.length, expression).toBeGreaterThan(0);
      expect(compileExpression(parsed)(input), expression).toEqual(expected);
    }
  });
});

/** The values, or that it throws (the engine wraps its errors in its own message; extract.ts skips either). */
function attempt<T>(f: () => T): T | 'throws' {
  try {
    return f();
  } catch {
    return 'throws';
  }
}
