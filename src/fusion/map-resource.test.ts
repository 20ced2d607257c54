import { describe, expect, it } from 'vitest';
import type { AnyResource } from './fhir.js';
import * as en from './__fixtures__/en-patient.js';
import type { MapContext } from './map-context.js';
import { resourceToFacts } from './map-resource.js';

const ctx: MapContext = { patientId: 'p1', at: Date.parse('2024-03-06T00:00:00Z') };
const map = (r: unknown, c: MapContext = ctx) => resourceToFacts(r as AnyResource, c);

describe('Condition', () => {
  it('maps an active confirmed condition to a present condition with its source and FHIRPath', () => {
    const [f] = map(en.hypertension);
    expect(f).toMatchObject({
      category: 'condition',
      assertion: 'present',
      status: 'active',
      concept: { system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertension (disorder)' },
      time: { start: '2015-04-02' },
      subject: { who: 'patient' },
      sources: [{ kind: 'resource', resourceType: 'Condition', id: 'c-htn', path: 'Condition.code' }],
    });
  });

  it('reads refuted as absent, provisional as possible, resolved as historical', () => {
    expect(map(en.refutedPneumonia)[0]?.assertion).toBe('absent');
    expect(map(en.provisionalMi)[0]?.assertion).toBe('possible');
    expect(map(en.resolvedSinusitis)[0]?.assertion).toBe('historical');
  });

  it('reads a resolved condition as present at a moment before its abatement', () => {
    expect(map(en.resolvedSinusitis, { patientId: 'p1', at: Date.parse('2020-01-15') })[0]?.assertion).toBe('present');
  });

  it('drops entered-in-error and treats a SNOMED (finding) as a finding', () => {
    expect(map({ ...en.hypertension, verificationStatus: { coding: [{ code: 'entered-in-error' }] } })).toEqual([]);
    const finding = map({
      ...en.hypertension,
      code: {
        coding: [
          { system: 'http://snomed.info/sct', code: '162864005', display: 'Body mass index 30+ - obesity (finding)' },
        ],
      },
    });
    expect(finding[0]?.category).toBe('finding');
  });
});

describe('Observation', () => {
  it('maps blood pressure components to one value with the diastolic as value2', () => {
    const facts = map(en.bloodPressure);
    expect(facts).toHaveLength(1);
    expect(facts[0]).toMatchObject({
      category: 'measurement',
      value: { value: 150, value2: 95, unit: 'mm[Hg]' },
      qualifiers: { category: 'vital-signs' },
    });
  });

  it('keeps a lab value in UCUM with its reference range and interpretation', () => {
    const [k] = map(en.potassium);
    expect(k).toMatchObject({
      value: { value: 3.1, unit: 'mmol/L', original: '3.1 mmol/L' },
      interpretation: 'L',
      referenceRange: { low: 3.5, high: 5.1, unit: 'mmol/L' },
      sources: [{ path: 'Observation.valueQuantity' }],
    });
  });

  it('files social history as a risk factor with its coded value as text', () => {
    const [s] = map(en.smoking);
    expect(s).toMatchObject({ category: 'risk-factor', valueText: 'Ex-smoker' });
  });

  it('maps a CYP2C19 *2/*2 genotype to the biology space with gene, diplotype and phenotype', () => {
    const [g] = map(en.cyp2c19);
    expect(g).toMatchObject({
      category: 'genotype',
      concept: { system: 'http://www.genenames.org', code: 'HGNC:2621', display: 'CYP2C19' },
      valueText: 'CYP2C19 *2/*2 (poor metabolizer)',
      qualifiers: { gene: 'CYP2C19', diplotype: '*2/*2', phenotype: 'poor metabolizer' },
    });
  });

  it('recognises a genotype written only as text in a lab result', () => {
    const obs = {
      resourceType: 'Observation',
      id: 'o-g2',
      status: 'final',
      code: {
        coding: [
          {
            system: 'http://loinc.org',
            code: '79716-7',
            display: 'CYP2C19 gene product metabolic activity interpretation',
          },
        ],
      },
      subject: { reference: 'Patient/p1' },
      valueCodeableConcept: { text: 'CYP2C19 慢代谢型 (*2/*3)' },
    };
    const [g] = map(obs);
    expect(g?.qualifiers).toMatchObject({ gene: 'CYP2C19', diplotype: '*2/*3', phenotype: 'poor metabolizer' });
  });

  it('drops cancelled and entered-in-error results', () => {
    expect(map({ ...en.potassium, status: 'entered-in-error' })).toEqual([]);
  });
});

describe('medications', () => {
  it('parses a structured dosage instruction into dose, route, frequency and strength', () => {
    const [m] = map(en.metoprololOrder);
    expect(m).toMatchObject({
      category: 'medication',
      assertion: 'present',
      status: 'active',
      time: { start: '2024-03-01T10:00:00Z' },
      dosage: {
        strength: { value: 25, unit: 'mg' },
        dose: { value: 25, unit: 'mg' },
        route: 'oral',
        frequency: { code: 'BID', perDay: 2 },
      },
      sources: [{ resourceType: 'MedicationRequest', path: 'MedicationRequest.medicationCodeableConcept' }],
    });
  });

  it('reads a timing code and a tablet dose from a MedicationStatement', () => {
    const [m] = map(en.aspirinStatement);
    expect(m?.dosage).toMatchObject({
      strength: { value: 81, unit: 'mg' },
      dose: { value: 1, unit: '{tbl}' },
      frequency: { code: 'QD', perDay: 1 },
    });
  });

  it('reads a stopped order as historical after its end and present during it', () => {
    expect(map(en.stoppedStatin)[0]).toMatchObject({
      assertion: 'historical',
      time: { start: '2019-05-01', end: '2022-05-01' },
    });
    expect(map(en.stoppedStatin, { patientId: 'p1', at: Date.parse('2021-01-01') })[0]?.assertion).toBe('present');
  });

  it('maps an administration with its dose and route', () => {
    const [m] = map(en.heparinGiven);
    expect(m).toMatchObject({
      assertion: 'present',
      dosage: { dose: { value: 5000, unit: 'U' }, route: 'intravenous' },
    });
  });

  it('resolves a referenced Medication and keeps a draft order as hypothetical', () => {
    const med = {
      resourceType: 'Medication',
      id: 'med-1',
      code: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '32968', display: 'clopidogrel' }],
      },
    };
    const order = {
      ...en.metoprololOrder,
      id: 'm-draft',
      status: 'draft',
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'Medication/med-1' },
    };
    const [m] = map(order, {
      ...ctx,
      resolve: (ref) => (ref === 'Medication/med-1' ? (med as AnyResource) : undefined),
    });
    expect(m).toMatchObject({ concept: { code: '32968' }, assertion: 'hypothetical', status: 'draft' });
  });
});

describe('other resources', () => {
  it('maps a procedure, an immunization and an imaging report with its conclusion', () => {
    expect(map(en.angiography)[0]).toMatchObject({
      category: 'procedure',
      assertion: 'present',
      time: { start: '2024-03-02T14:00:00Z' },
    });
    expect(map(en.fluShot)[0]).toMatchObject({
      category: 'medication',
      qualifiers: { kind: 'immunization' },
      status: 'completed',
    });
    const report = map(en.chestXray);
    expect(report.map((f) => f.category)).toEqual(['imaging', 'finding']);
    expect(report[0]?.valueText).toBe('No acute cardiopulmonary process.');
  });

  it('maps an ImagingStudy by modality, body site and laterality', () => {
    expect(map(en.kneeStudy)[0]).toMatchObject({
      category: 'imaging',
      laterality: 'left',
      qualifiers: { modality: 'DX', bodySite: 'Knee' },
      concept: { display: 'DX Knee' },
    });
  });

  it('keeps allergy category and criticality, and reads refuted as absent', () => {
    expect(map(en.penicillinAllergy)[0]).toMatchObject({
      category: 'allergy',
      assertion: 'present',
      qualifiers: { category: 'medication', criticality: 'high', reaction: 'Hives' },
    });
    expect(map(en.refutedLatex)[0]?.assertion).toBe('absent');
  });

  it('reads a coded "no known drug allergy" as the drug allergy denied', () => {
    const nkda = {
      ...en.penicillinAllergy,
      id: 'a-nkda',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '409137002', display: 'No known drug allergy' }] },
    };
    expect(map(nkda)[0]).toMatchObject({
      assertion: 'absent',
      concept: { code: '416098002', display: 'Drug allergy', codings: [{ code: '409137002' }] },
    });
  });

  it('makes family history facts about the relative', () => {
    expect(map(en.fatherHistory)[0]).toMatchObject({
      assertion: 'family',
      subject: { who: 'family', relation: 'father' },
      concept: { code: '22298006' },
    });
  });

  it('gives the same fact the same id on every run', () => {
    expect(map(en.hypertension)[0]?.id).toBe(map(en.hypertension)[0]?.id);
    expect(map(en.hypertension)[0]?.id).not.toBe(map(en.provisionalMi)[0]?.id);
  });
});
