/**
 * Resources with what the FHIRPath engine and the compiled accessors treat specially: choices, primitive
 * extensions, contained resources, empties, every kind of reference (compile.test.ts, accessor.test.ts).
 */
export const CRAFTED: Record<string, unknown>[] = [
  {
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'HR' },
    subject: { reference: 'Patient/p1' },
    performer: [
      { reference: 'Practitioner/d1' },
      { reference: '#c1' },
      { display: 'no reference' },
      { reference: 'Patient?identifier=urn:x|1' },
      { reference: 'http://h/fhir/Patient/2' },
      { reference: '' },
      { type: 'Patient', identifier: { system: 'urn:x', value: '2' } },
      { reference: 'Organization/o', resource: { resourceType: 'Patient', id: 'in' } },
    ],
    effectiveDateTime: '2020-01-02T03:04:05Z',
    _effectiveDateTime: { extension: [{ url: 'http://x/e', valueString: 'note' }] },
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    component: [
      { code: { text: 'a' }, valueString: 'x' },
      { code: { coding: [{ code: 'b' }] }, valueCodeableConcept: { text: 't' } },
      { code: {}, valueQuantity: {} },
      { code: { coding: [{ code: 'b' }] }, valueQuantity: { value: 72, unit: '/min' } },
    ],
    contained: [{ resourceType: 'Practitioner', id: 'c1', name: [{ family: 'Contained' }] }],
    meta: { tag: [{ code: 't' }], profile: ['http://p'], _source: { id: 's' } },
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
    generalPractitioner: ['Practitioner/1', { reference: 'Organization/1' }],
  },
  {
    resourceType: 'Condition',
    id: 'c1',
    subject: { reference: 'urn:uuid:1234' },
    onsetPeriod: { start: '2020', end: '2021' },
    abatementString: 'gone',
    _recordedDate: [null],
    code: { coding: [] },
    category: [],
  },
];
