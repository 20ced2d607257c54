import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoBundlePaths } from '../demo.js';
import { validateResource, validationError } from './index.js';

const paths = (r: unknown, inBundle = false) => validateResource(r, { inBundle }).map((i) => i.expression);

describe('FHIR R4 validation', () => {
  it('names each element of the resources that issue 24 found stored', () => {
    expect(validateResource({ resourceType: 'Patient', id: 'p', gender: 42 })).toEqual([
      { severity: 'error', expression: 'Patient.gender', message: 'expected a string (code), got a number (42)' },
    ]);
    const obs = {
      resourceType: 'Observation',
      id: 'o',
      status: 'bogus',
      code: { text: 'pulse' },
      valueQuantity: 'high',
      subject: { reference: 'Patient/' },
    };
    const issues = validateResource(obs);
    expect(issues.map((i) => i.expression)).toEqual([
      'Observation.status',
      'Observation.valueQuantity',
      'Observation.subject.reference',
    ]);
    expect(issues[0]!.message).toMatch(
      /'bogus' is not in the required value set http:\/\/hl7.org\/fhir\/ValueSet\/observation-status/,
    );
    expect(issues[1]!.message).toBe('expected an object (Quantity), got a string "high"');
    expect(issues[2]!.message).toMatch(/has no id/);
  });

  it('checks required elements, unknown elements, single values, arrays and one choice per element', () => {
    expect(paths({ resourceType: 'Observation', id: 'o', code: { text: 'x' } })).toEqual(['Observation.status']);
    expect(
      paths({ resourceType: 'Observation', id: 'o', status: 'final', code: { text: 'x' }, colour: 'red' }),
    ).toEqual(['Observation.colour']);
    expect(
      paths({
        resourceType: 'Observation',
        id: 'o',
        status: ['final'],
        code: { text: 'x' },
        performer: { reference: 'Practitioner/1' },
      }),
    ).toEqual(['Observation.status', 'Observation.performer']);
    expect(
      paths({
        resourceType: 'Observation',
        id: 'o',
        status: 'final',
        code: { text: 'x' },
        valueString: 'a',
        valueBoolean: true,
      }),
    ).toEqual(['Observation.valueBoolean']);
    expect(paths({ resourceType: 'Patient', id: 'p', name: [] })).toEqual(['Patient.name']);
    expect(paths({ resourceType: 'Patient', id: 'p', name: [{}] })).toEqual(['Patient.name[0]']);
  });

  it('checks primitive JSON types and formats', () => {
    expect(
      paths({ resourceType: 'Patient', id: 'p', birthDate: '1970-13-01', active: 'yes', multipleBirthInteger: 1.5 }),
    ).toEqual(['Patient.birthDate', 'Patient.active', 'Patient.multipleBirthInteger']);
    expect(paths({ resourceType: 'Patient', id: 'p', name: [{ given: [''] }] })).toEqual(['Patient.name[0].given[0]']);
    // A null value stands where the parallel `_given` carries the value's extension.
    expect(
      paths({
        resourceType: 'Patient',
        id: 'p',
        name: [{ given: ['A', null], _given: [null, { extension: [{ url: 'http://x', valueString: 'y' }] }] }],
      }),
    ).toEqual([]);
  });

  it('checks codings bound as required, in CodeableConcepts too, and leaves other bindings alone', () => {
    const condition = (code: string) => ({
      resourceType: 'Condition',
      id: 'c',
      subject: { reference: 'Patient/1' },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code }] },
      code: { coding: [{ system: 'http://snomed.info/sct', code: 'anything' }] },
    });
    expect(paths(condition('active'))).toEqual([]);
    expect(paths(condition('nope'))).toEqual(['Condition.clinicalStatus.coding[0].code']);
    expect(paths({ resourceType: 'Patient', id: 'p', gender: 'bogus' })).toEqual(['Patient.gender']);
  });

  it('checks reference syntax and target type; urn:uuid and conditional references only inside a Bundle', () => {
    const obs = (reference: string) => ({
      resourceType: 'Observation',
      id: 'o',
      status: 'final',
      code: { text: 'x' },
      subject: { reference },
    });
    for (const ok of ['Patient/1', 'Patient/1/_history/2', 'https://other.example/fhir/Patient/9', '#p1'])
      expect(paths(obs(ok)), ok).toEqual([]);
    for (const bad of ['Patient/', 'Patient', 'Patient/a b', 'Patiënt/1', 'Medication/1', 'urn:uuid:not-a-uuid']) {
      expect(paths(obs(bad), true), bad).toEqual(['Observation.subject.reference']);
    }
    const uuid = obs('urn:uuid:6f1c2a3e-0d4b-4c5e-9f10-1a2b3c4d5e6f');
    expect(paths(uuid)).toEqual(['Observation.subject.reference']);
    expect(paths(uuid, true)).toEqual([]);
    expect(paths(obs('Patient?identifier=urn:mrn|7'))).toEqual(['Observation.subject.reference']);
    expect(paths(obs('Patient?identifier=urn:mrn|7'), true)).toEqual([]);
  });

  it('validates contained resources and refuses what is not a resource', () => {
    expect(
      paths({
        resourceType: 'Encounter',
        id: 'e',
        status: 'finished',
        class: { code: 'AMB' },
        contained: [{ resourceType: 'Patient', gender: 'x' }],
      }),
    ).toEqual(['Encounter.contained[0].gender']);
    expect(paths('Patient')).toEqual(['resourceType']);
    expect(paths({ resourceType: 'Patiënt' })).toEqual(['resourceType']);
    let deep: Record<string, unknown> = { url: 'http://x', valueString: 'y' };
    for (let i = 0; i < 10_000; i++) deep = { url: 'http://x', extension: [deep] };
    expect(paths({ resourceType: 'Patient', id: 'p', extension: [deep] }).length).toBe(1);
  });

  it('passes every demo bundle and the shared Synthea data', () => {
    const shared = join(import.meta.dirname, '../../../../shared/data/synthea');
    const files = [
      ...demoBundlePaths(),
      ...(existsSync(shared)
        ? readdirSync(shared)
            .filter((f) => f.endsWith('.json'))
            .map((f) => join(shared, f))
        : []),
    ];
    expect(files.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const f of files) {
      for (const e of (JSON.parse(readFileSync(f, 'utf8')) as { entry: { resource: unknown }[] }).entry) {
        for (const i of validateResource(e.resource, { inBundle: true }))
          problems.push(`${f}: ${i.expression} ${i.message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('turns the issues into one MedSeekError carrying every element', () => {
    const e = validationError(
      validateResource({
        resourceType: 'Observation',
        id: 'o',
        status: 'bogus',
        code: { text: 'x' },
        valueQuantity: 'high',
      }),
      'body',
    );
    expect(e.code).toBe('invalid');
    expect(e.location).toEqual({ field: 'Observation.status', where: 'body' });
    expect(e.issues.map((i) => i.location.field)).toEqual(['Observation.valueQuantity']);
  });
});
