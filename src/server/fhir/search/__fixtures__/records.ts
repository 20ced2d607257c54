import type { FhirResource } from '../../../../store/index.js';

/** A small record set for search tests: two patients, their observations, conditions, orders, an encounter. */
const LAB = 'http://terminology.hl7.org/CodeSystem/observation-category';
const UCUM = 'http://unitsofmeasure.org';
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

export const searchRecords = [
  {
    resourceType: 'Patient',
    id: 'p1',
    identifier: [
      {
        system: 'urn:mrn',
        value: 'M1',
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
      },
    ],
    name: [{ family: 'Müller', given: ['José'] }],
    gender: 'male',
    birthDate: '1970-02-03',
  },
  {
    resourceType: 'Patient',
    id: 'p2',
    identifier: [{ system: 'urn:mrn', value: 'M2' }],
    name: [{ family: 'Smith', given: ['Anna'] }],
    gender: 'female',
    birthDate: '1985-06-01',
  },
  { resourceType: 'Practitioner', id: 'dr1', name: [{ family: 'House' }] },
  {
    resourceType: 'Encounter',
    id: 'e1',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: 'Patient/p1' },
    participant: [{ individual: { reference: 'Practitioner/dr1' } }],
    period: { start: '2024-01-10T07:00:00Z', end: '2024-01-10T09:00:00Z' },
  },
  {
    resourceType: 'Observation',
    id: 'glu',
    status: 'final',
    category: [{ coding: [{ system: LAB, code: 'laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '2339-0', display: 'Glucose [Mass/volume] in Blood' }] },
    subject: { reference: 'Patient/p1' },
    encounter: { reference: 'Encounter/e1' },
    effectiveDateTime: '2024-01-10T08:00:00Z',
    valueQuantity: { value: 5.4, unit: 'mmol/L', system: UCUM, code: 'mmol/L' },
    note: [{ text: 'fasting' }],
  },
  {
    resourceType: 'Observation',
    id: 'hr',
    status: 'final',
    category: [{ coding: [{ system: LAB, code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2024-02-10',
    valueQuantity: { value: 72, unit: '/min', system: UCUM, code: '/min' },
  },
  {
    resourceType: 'Observation',
    id: 'hr2',
    status: 'preliminary',
    category: [{ coding: [{ system: LAB, code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: 'Patient/p2' },
    effectiveDateTime: '2024-03-01',
    valueQuantity: { value: 90, unit: '/min', system: UCUM, code: '/min' },
  },
  {
    resourceType: 'Condition',
    id: 'dm',
    clinicalStatus: { coding: [{ system: CLINICAL, code: 'active' }] },
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] },
    ],
    code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }], text: 'Type 2 diabetes' },
    subject: { reference: 'Patient/p1' },
    onsetDateTime: '2020',
  },
  {
    resourceType: 'Condition',
    id: 'htn',
    clinicalStatus: { coding: [{ system: CLINICAL, code: 'resolved' }] },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }], text: 'Hypertension' },
    subject: { reference: 'Patient/p1' },
    onsetDateTime: '2015-04',
    abatementDateTime: '2018',
  },
  {
    resourceType: 'MedicationRequest',
    id: 'met',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '860975' }] },
    subject: { reference: 'Patient/p1' },
    authoredOn: '2024-01-10',
  },
  {
    resourceType: 'MedicationRequest',
    id: 'old',
    status: 'stopped',
    intent: 'order',
    medicationCodeableConcept: { text: 'aspirin' },
    subject: { reference: 'Patient/p2' },
    authoredOn: '2019-05-01',
  },
] satisfies FhirResource[];
