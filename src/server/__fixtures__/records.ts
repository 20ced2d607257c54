import type {
  AllergyIntolerance,
  Condition,
  DocumentReference,
  Encounter,
  Observation,
  Organization,
  Patient,
  Practitioner,
} from 'fhir/r4.js';
import type { FhirResource } from '../../store/index.js';

/**
 * Two small synthetic patients for the API tests (written for MedSeek; no real person).
 * p1 has 25 heart-rate observations (one per day from 2024-01-01) so paging has three pages at
 * `_count=10`, a condition, an encounter, an allergy and a Chinese admission note; p2 has one
 * glucose observation (whose performer, Practitioner/ghost, exists nowhere). p1's records reference
 * a practitioner and an organization outside any compartment, and p1's condition cites p2's
 * glucose (which must never travel with p1).
 */
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';

export const p1 = {
  resourceType: 'Patient',
  id: 'p1',
  identifier: [{ system: 'urn:medseek:mrn', value: 'MRN-001' }],
  name: [{ family: '张', given: ['伟'] }],
  gender: 'male',
  birthDate: '1960-03-14',
  managingOrganization: { reference: 'Organization/org-1' },
} satisfies Patient;

export const practitioner = {
  resourceType: 'Practitioner',
  id: 'prac-1',
  name: [{ family: '王', given: ['芳'], prefix: ['Dr.'] }],
} satisfies Practitioner;

export const organization = {
  resourceType: 'Organization',
  id: 'org-1',
  name: 'MedSeek Demo Hospital',
} satisfies Organization;

export const p2 = {
  resourceType: 'Patient',
  id: 'p2',
  identifier: [{ system: 'urn:medseek:mrn', value: 'MRN-002' }],
  name: [{ family: 'Doe', given: ['Jane'] }],
  gender: 'female',
  birthDate: '1975-07-01',
} satisfies Patient;

export const heartRates: Observation[] = Array.from({ length: 25 }, (_, i) => ({
  resourceType: 'Observation',
  id: `hr-${String(i + 1).padStart(2, '0')}`,
  status: 'final',
  code: { coding: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: `2024-01-${String(i + 1).padStart(2, '0')}T08:00:00Z`,
  valueQuantity: { value: 70 + i, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
}));

export const glucose = {
  resourceType: 'Observation',
  id: 'glu-1',
  status: 'final',
  code: { coding: [{ system: LOINC, code: '2339-0', display: 'Glucose [Mass/volume] in Blood' }] },
  subject: { reference: 'Patient/p2' },
  effectiveDateTime: '2023-06-15T09:30:00Z',
  performer: [{ reference: 'Practitioner/ghost' }],
  valueQuantity: { value: 126, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
} satisfies Observation;

export const diabetes = {
  resourceType: 'Condition',
  id: 'cond-1',
  code: { coding: [{ system: SNOMED, code: '44054006', display: 'Diabetes mellitus type 2' }] },
  subject: { reference: 'Patient/p1' },
  onsetDateTime: '2015-05-01',
  evidence: [{ detail: [{ reference: 'Observation/glu-1' }] }],
} satisfies Condition;

export const encounter = {
  resourceType: 'Encounter',
  id: 'enc-1',
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
  subject: { reference: 'Patient/p1' },
  period: { start: '2024-01-01T07:00:00Z', end: '2024-01-25T12:00:00Z' },
  participant: [{ individual: { reference: 'Practitioner/prac-1' } }],
} satisfies Encounter;

export const allergy = {
  resourceType: 'AllergyIntolerance',
  id: 'alg-1',
  patient: { reference: 'Patient/p1' },
  code: { coding: [{ system: SNOMED, code: '91936005', display: 'Allergy to penicillin' }] },
  recordedDate: '2010-02-02',
} satisfies AllergyIntolerance;

export const admissionNote = {
  resourceType: 'DocumentReference',
  id: 'doc-1',
  status: 'current',
  type: { coding: [{ system: LOINC, code: '34117-2', display: 'History and physical note' }], text: '入院记录' },
  subject: { reference: 'Patient/p1' },
  date: '2024-01-01T07:30:00Z',
  content: [
    {
      attachment: {
        contentType: 'text/plain; charset=utf-8',
        data: Buffer.from('主诉：多饮多尿十年，心悸三天。', 'utf8').toString('base64'),
      },
    },
  ],
} satisfies DocumentReference;

export const allRecords: FhirResource[] = [
  p1,
  p2,
  practitioner,
  organization,
  ...heartRates,
  glucose,
  diabetes,
  encounter,
  allergy,
  admissionNote,
] as unknown as FhirResource[];
