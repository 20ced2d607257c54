import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPath } from '../importer.js';
import type { FhirResource, IngestSink, WriteOutcome } from '../types.js';

/** Records what was written; an atomic write is all or nothing. */
function memorySink(): IngestSink & { rows: Map<string, FhirResource> } {
  const rows = new Map<string, FhirResource>();
  return {
    rows,
    async write(resources: readonly FhirResource[]): Promise<WriteOutcome[]> {
      for (const r of resources) rows.set(`${r.resourceType}/${r.id}`, r);
      return resources.map(() => 'created');
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'medseek-validate-'));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const good = { resourceType: 'Patient', id: 'good', gender: 'female' };
const badGender = { resourceType: 'Patient', id: 'p42', gender: 42 };
const badObservation = {
  resourceType: 'Observation',
  id: 'o1',
  status: 'bogus',
  code: { text: 'pulse' },
  valueQuantity: 'high',
  subject: { reference: 'Patient/' },
};
const goodObservation = {
  resourceType: 'Observation',
  id: 'o2',
  status: 'final',
  code: { text: 'pulse' },
  valueQuantity: { value: 88, unit: '/min' },
  subject: { reference: 'Patient/good' },
};

describe('import validates every resource', () => {
  it('reports invalid NDJSON lines with the element and reason, and stores the valid rest', async () => {
    const sink = memorySink();
    const s = await importPath(
      write(
        'mixed.ndjson',
        [good, badGender, badObservation, goodObservation].map((r) => JSON.stringify(r)).join('\n'),
      ),
      sink,
    );
    expect([...sink.rows.keys()].sort()).toEqual(['Observation/o2', 'Patient/good']);
    expect(s).toMatchObject({ read: 4, created: 2, rejected: 2 });
    expect(s.errors.map((e) => [e.where, e.entry, e.field])).toEqual([
      ['line 2', 'Patient/p42', 'Patient.gender'],
      ['line 3', 'Observation/o1', 'Observation.status'],
      ['line 3', 'Observation/o1', 'Observation.valueQuantity'],
      ['line 3', 'Observation/o1', 'Observation.subject.reference'],
    ]);
    expect(s.errors[0]!.message).toMatch(/expected a string/);
    expect(s.errors[2]!.message).toMatch(/expected an object \(Quantity\)/);
  });

  it('rolls back a transaction Bundle with an invalid entry, naming each element', async () => {
    const sink = memorySink();
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [good, badGender, badObservation].map((resource) => ({
        resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
      })),
    };
    const s = await importPath(write('tx.json', JSON.stringify(bundle)), sink);
    expect(sink.rows.size).toBe(0);
    expect(s.errors.filter((e) => e.field).map((e) => [e.where, e.field])).toEqual([
      ['Bundle.entry[1]', 'Patient.gender'],
      ['Bundle.entry[2]', 'Observation.status'],
      ['Bundle.entry[2]', 'Observation.valueQuantity'],
      ['Bundle.entry[2]', 'Observation.subject.reference'],
    ]);
    expect(s.errors.at(-1)!.message).toMatch(/transaction rolled back/);
  });

  it('stores the valid entries of a collection Bundle, with urn:uuid references resolved before validation', async () => {
    const sink = memorySink();
    const uuid = 'urn:uuid:6f1c2a3e-0d4b-4c5e-9f10-1a2b3c4d5e6f';
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: uuid, resource: { resourceType: 'Patient', gender: 'male' } },
        { resource: { ...goodObservation, subject: { reference: uuid } } },
        { resource: badGender },
      ],
    };
    const s = await importPath(write('c.json', JSON.stringify(bundle)), sink);
    expect([...sink.rows.keys()].sort()).toEqual(['Observation/o2', 'Patient/6f1c2a3e-0d4b-4c5e-9f10-1a2b3c4d5e6f']);
    expect(s.errors.map((e) => [e.where, e.field])).toEqual([['Bundle.entry[2]', 'Patient.gender']]);
  });
});
