import type {
  AllergyIntolerance,
  Condition,
  DiagnosticReport,
  DocumentReference,
  Encounter,
  FamilyMemberHistory,
  ImagingStudy,
  Immunization,
  MedicationAdministration,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Patient,
  Procedure,
} from 'fhir/r4.js';

/** A small hand-written English record (Synthea-like codes), one of each mapped resource type. */
const subject = { reference: 'Patient/p1' };
const loinc = 'http://loinc.org';
const snomed = 'http://snomed.info/sct';
const rxnorm = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ucum = 'http://unitsofmeasure.org';
const vital = [
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
];
const lab = [
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
];

export const patient = { resourceType: 'Patient', id: 'p1', gender: 'male', birthDate: '1960-06-15' } satisfies Patient;

export const encounter = {
  resourceType: 'Encounter',
  id: 'e1',
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
  type: [{ coding: [{ system: snomed, code: '32485007', display: 'Hospital admission' }] }],
  subject,
  period: { start: '2024-03-01T08:00:00Z', end: '2024-03-05T12:00:00Z' },
} satisfies Encounter;

export const hypertension = {
  resourceType: 'Condition',
  id: 'c-htn',
  clinicalStatus: { coding: [{ code: 'active' }] },
  verificationStatus: { coding: [{ code: 'confirmed' }] },
  code: { coding: [{ system: snomed, code: '38341003', display: 'Hypertension (disorder)' }], text: 'Hypertension' },
  subject,
  onsetDateTime: '2015-04-02',
} satisfies Condition;

export const refutedPneumonia = {
  resourceType: 'Condition',
  id: 'c-pna',
  clinicalStatus: { coding: [{ code: 'active' }] },
  verificationStatus: { coding: [{ code: 'refuted' }] },
  code: { coding: [{ system: snomed, code: '233604007', display: 'Pneumonia' }] },
  subject,
  recordedDate: '2024-03-02',
} satisfies Condition;

export const provisionalMi = {
  resourceType: 'Condition',
  id: 'c-mi',
  clinicalStatus: { coding: [{ code: 'active' }] },
  verificationStatus: { coding: [{ code: 'provisional' }] },
  code: { coding: [{ system: snomed, code: '22298006', display: 'Myocardial infarction' }] },
  subject,
  recordedDate: '2024-03-01',
} satisfies Condition;

export const resolvedSinusitis = {
  resourceType: 'Condition',
  id: 'c-sin',
  clinicalStatus: { coding: [{ code: 'resolved' }] },
  verificationStatus: { coding: [{ code: 'confirmed' }] },
  code: { coding: [{ system: snomed, code: '444814009', display: 'Viral sinusitis (disorder)' }] },
  subject,
  onsetDateTime: '2020-01-10',
  abatementDateTime: '2020-01-24',
} satisfies Condition;

export const bloodPressure = {
  resourceType: 'Observation',
  id: 'o-bp',
  status: 'final',
  category: vital,
  code: { coding: [{ system: loinc, code: '85354-9', display: 'Blood pressure panel' }] },
  subject,
  effectiveDateTime: '2024-03-01T09:00:00Z',
  component: [
    {
      code: { coding: [{ system: loinc, code: '8480-6', display: 'Systolic blood pressure' }] },
      valueQuantity: { value: 150, unit: 'mmHg', system: ucum, code: 'mm[Hg]' },
    },
    {
      code: { coding: [{ system: loinc, code: '8462-4', display: 'Diastolic blood pressure' }] },
      valueQuantity: { value: 95, unit: 'mmHg', system: ucum, code: 'mm[Hg]' },
    },
  ],
} satisfies Observation;

export const weightOld = {
  resourceType: 'Observation',
  id: 'o-wt-old',
  status: 'final',
  category: vital,
  code: { coding: [{ system: loinc, code: '29463-7', display: 'Body weight' }] },
  subject,
  effectiveDateTime: '2020-01-10',
  valueQuantity: { value: 180, unit: 'lb', system: ucum, code: '[lb_av]' },
} satisfies Observation;

export const weight = {
  resourceType: 'Observation',
  id: 'o-wt',
  status: 'final',
  category: vital,
  code: { coding: [{ system: loinc, code: '29463-7', display: 'Body weight' }] },
  subject,
  effectiveDateTime: '2024-03-01T09:00:00Z',
  valueQuantity: { value: 78.5, unit: 'kg', system: ucum, code: 'kg' },
} satisfies Observation;

export const height = {
  resourceType: 'Observation',
  id: 'o-ht',
  status: 'final',
  category: vital,
  code: { coding: [{ system: loinc, code: '8302-2', display: 'Body height' }] },
  subject,
  effectiveDateTime: '2024-03-01T09:00:00Z',
  valueQuantity: { value: 1.75, unit: 'm', system: ucum, code: 'm' },
} satisfies Observation;

export const potassium = {
  resourceType: 'Observation',
  id: 'o-k',
  status: 'final',
  category: lab,
  code: { coding: [{ system: loinc, code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma' }] },
  subject,
  effectiveDateTime: '2024-03-02T06:00:00Z',
  valueQuantity: { value: 3.1, unit: 'mmol/L', system: ucum, code: 'mmol/L' },
  interpretation: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'L' }] },
  ],
  referenceRange: [
    { low: { value: 3.5, unit: 'mmol/L', code: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L', code: 'mmol/L' } },
  ],
} satisfies Observation;

export const smoking = {
  resourceType: 'Observation',
  id: 'o-smk',
  status: 'final',
  category: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'social-history' }] },
  ],
  code: { coding: [{ system: loinc, code: '72166-2', display: 'Tobacco smoking status' }] },
  subject,
  effectiveDateTime: '2024-03-01',
  valueCodeableConcept: { coding: [{ system: snomed, code: '8517006', display: 'Ex-smoker' }] },
} satisfies Observation;

/** CYP2C19 *2/*2 as the Genomics Reporting IG writes a PGx genotype, with the phenotype stated. */
export const cyp2c19 = {
  resourceType: 'Observation',
  id: 'o-pgx',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'GE' }] }],
  code: { coding: [{ system: loinc, code: '84413-4', display: 'Genotype display name' }] },
  subject,
  effectiveDateTime: '2023-11-20',
  valueCodeableConcept: {
    coding: [{ system: 'http://www.pharmvar.org', code: 'CYP2C19*2/*2', display: 'CYP2C19 *2/*2' }],
  },
  component: [
    {
      code: { coding: [{ system: loinc, code: '48018-6', display: 'Gene studied [ID]' }] },
      valueCodeableConcept: { coding: [{ system: 'http://www.genenames.org', code: 'HGNC:2621', display: 'CYP2C19' }] },
    },
    {
      code: { coding: [{ system: loinc, code: '53040-2', display: 'Genetic variation effect on drug metabolism' }] },
      valueCodeableConcept: { text: 'Poor metabolizer' },
    },
  ],
} satisfies Observation;

export const metoprololOrder = {
  resourceType: 'MedicationRequest',
  id: 'm-meto',
  status: 'active',
  intent: 'order',
  medicationCodeableConcept: {
    coding: [{ system: rxnorm, code: '866924', display: 'Metoprolol tartrate 25 MG Oral Tablet' }],
  },
  subject,
  authoredOn: '2024-03-01T10:00:00Z',
  dosageInstruction: [
    {
      text: '25 mg PO twice daily',
      timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
      route: { coding: [{ system: snomed, code: '26643006', display: 'Oral route' }] },
      doseAndRate: [{ doseQuantity: { value: 25, unit: 'mg', system: ucum, code: 'mg' } }],
    },
  ],
} satisfies MedicationRequest;

export const aspirinStatement = {
  resourceType: 'MedicationStatement',
  id: 'm-asa',
  status: 'active',
  medicationCodeableConcept: { coding: [{ system: rxnorm, code: '243670', display: 'Aspirin 81 MG Oral Tablet' }] },
  subject,
  effectivePeriod: { start: '2018-01-01' },
  dosage: [
    {
      timing: { code: { coding: [{ code: 'QD' }] } },
      doseAndRate: [{ doseQuantity: { value: 1, unit: 'tablet', code: '{tbl}' } }],
    },
  ],
} satisfies MedicationStatement;

export const stoppedStatin = {
  resourceType: 'MedicationRequest',
  id: 'm-statin',
  status: 'stopped',
  intent: 'order',
  medicationCodeableConcept: {
    coding: [{ system: rxnorm, code: '617312', display: 'Atorvastatin 40 MG Oral Tablet' }],
  },
  subject,
  authoredOn: '2019-05-01',
  dosageInstruction: [
    {
      timing: {
        repeat: { boundsPeriod: { start: '2019-05-01', end: '2022-05-01' }, frequency: 1, period: 1, periodUnit: 'd' },
      },
    },
  ],
} satisfies MedicationRequest;

export const heparinGiven = {
  resourceType: 'MedicationAdministration',
  id: 'm-hep',
  status: 'completed',
  medicationCodeableConcept: { coding: [{ system: rxnorm, code: '5224', display: 'Heparin' }] },
  subject,
  effectiveDateTime: '2024-03-01T11:00:00Z',
  dosage: { route: { text: 'IV' }, dose: { value: 5000, unit: 'U', system: ucum, code: 'U' } },
} satisfies MedicationAdministration;

export const angiography = {
  resourceType: 'Procedure',
  id: 'pr-angio',
  status: 'completed',
  code: { coding: [{ system: snomed, code: '33367005', display: 'Coronary angiography' }] },
  subject,
  performedDateTime: '2024-03-02T14:00:00Z',
} satisfies Procedure;

export const penicillinAllergy = {
  resourceType: 'AllergyIntolerance',
  id: 'a-pcn',
  clinicalStatus: { coding: [{ code: 'active' }] },
  verificationStatus: { coding: [{ code: 'confirmed' }] },
  type: 'allergy',
  category: ['medication'],
  criticality: 'high',
  code: { coding: [{ system: snomed, code: '91936005', display: 'Allergy to penicillin' }] },
  patient: subject,
  recordedDate: '2010-02-01',
  reaction: [{ manifestation: [{ coding: [{ system: snomed, code: '247472004', display: 'Hives' }] }] }],
} satisfies AllergyIntolerance;

export const refutedLatex = {
  resourceType: 'AllergyIntolerance',
  id: 'a-latex',
  clinicalStatus: { coding: [{ code: 'active' }] },
  verificationStatus: { coding: [{ code: 'refuted' }] },
  category: ['environment'],
  code: { coding: [{ system: snomed, code: '300916003', display: 'Latex allergy' }] },
  patient: subject,
  recordedDate: '2012-01-01',
} satisfies AllergyIntolerance;

export const fluShot = {
  resourceType: 'Immunization',
  id: 'i-flu',
  status: 'completed',
  vaccineCode: {
    coding: [
      {
        system: 'http://hl7.org/fhir/sid/cvx',
        code: '140',
        display: 'Influenza, seasonal, injectable, preservative free',
      },
    ],
  },
  patient: subject,
  occurrenceDateTime: '2023-10-01',
} satisfies Immunization;

export const chestXray = {
  resourceType: 'DiagnosticReport',
  id: 'dr-cxr',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD' }] }],
  code: { coding: [{ system: loinc, code: '36643-5', display: 'Chest X-ray 2 views' }] },
  subject,
  effectiveDateTime: '2024-03-01T12:00:00Z',
  conclusion: 'No acute cardiopulmonary process.',
  conclusionCode: [{ coding: [{ system: snomed, code: '60046008', display: 'Pleural effusion' }] }],
} satisfies DiagnosticReport;

export const kneeStudy = {
  resourceType: 'ImagingStudy',
  id: 'is-knee',
  status: 'available',
  subject,
  started: '2022-06-01T10:00:00Z',
  series: [
    {
      uid: '1.2.3',
      modality: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'DX' },
      bodySite: { system: snomed, code: '72696002', display: 'Knee' },
      laterality: { system: snomed, code: '7771000', display: 'Left' },
    },
  ],
} satisfies ImagingStudy;

export const fatherHistory = {
  resourceType: 'FamilyMemberHistory',
  id: 'fh-1',
  status: 'completed',
  patient: subject,
  relationship: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'FTH', display: 'father' }],
  },
  condition: [
    {
      code: { coding: [{ system: snomed, code: '22298006', display: 'Myocardial infarction' }] },
      contributedToDeath: true,
    },
  ],
} satisfies FamilyMemberHistory;

export const noteText =
  'Chief Complaint: chest pain.\nAllergies: No known drug allergies.\nMedications: metoprolol 50 mg PO BID.\nAssessment: no pneumonia. Hypertension.';

export const dischargeNote = {
  resourceType: 'DocumentReference',
  id: 'doc-1',
  meta: { versionId: '1' },
  status: 'current',
  type: { coding: [{ system: loinc, code: '18842-5', display: 'Discharge summary' }] },
  subject,
  date: '2024-03-05T12:00:00Z',
  context: { encounter: [{ reference: 'Encounter/e1' }], period: { start: '2024-03-05T10:00:00Z' } },
  content: [
    {
      attachment: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(noteText, 'utf8').toString('base64') },
    },
  ],
} satisfies DocumentReference;

export const allResources = [
  patient,
  encounter,
  hypertension,
  refutedPneumonia,
  provisionalMi,
  resolvedSinusitis,
  bloodPressure,
  weightOld,
  weight,
  height,
  potassium,
  smoking,
  cyp2c19,
  metoprololOrder,
  aspirinStatement,
  stoppedStatin,
  heparinGiven,
  angiography,
  penicillinAllergy,
  refutedLatex,
  fluShot,
  chestXray,
  kneeStudy,
  fatherHistory,
  dischargeNote,
] as const;
