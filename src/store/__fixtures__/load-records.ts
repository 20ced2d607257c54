import type { Sql } from '../../core/index.js';
import type { FhirResource } from '../resource-store.js';
import { runFhirSearch } from '../search/execute.js';
import type { Criterion } from '../search/query.js';

/** The secondary indexes of the two tables, name → definition. */
export async function indexes(db: Sql): Promise<Record<string, string>> {
  const { rows } = await db.query<{ name: string; def: string }>(
    `select indexname as name, indexdef as def from pg_indexes
     where tablename in ('fhir_resources', 'fhir_search_values') and indexname not like '%_pkey' order by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.def]));
}

export const markers = async (db: Sql) =>
  (await db.query<{ index_name: string }>('select index_name from medseek_fresh_load')).rows.length;

/** Patients, their observations and conditions: enough values of every search type to tell stores apart. */
export function records(n: number): FhirResource[] {
  const out: FhirResource[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      resourceType: 'Patient',
      id: `p${i}`,
      name: [{ family: i % 2 ? 'Ngô' : 'Smith', given: [`Given${i % 7}`] }],
      identifier: [{ system: 'urn:mrn', value: `M${i}` }],
      gender: i % 3 ? 'female' : 'male',
      birthDate: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
    });
    out.push({
      resourceType: 'Observation',
      id: `o${i}`,
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: i % 2 ? '8867-4' : '2339-0', display: 'HR or glucose' }] },
      subject: { reference: `Patient/p${i}` },
      effectiveDateTime: `2024-0${1 + (i % 9)}-0${1 + (i % 9)}T10:00:00Z`,
      valueQuantity: { value: 50 + (i % 60), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    });
    if (i % 3 === 0)
      out.push({
        resourceType: 'Condition',
        id: `c${i}`,
        subject: { reference: `Patient/p${i}` },
        code: { coding: [{ system: 'http://snomed.info/sct', code: i % 2 ? '44054006' : '38341003' }] },
        onsetDateTime: `20${10 + (i % 10)}`,
      });
  }
  return out;
}

const page = { sort: [], count: 1000, offset: 0, total: 'accurate', include: [], revinclude: [] } as const;
const SEARCHES: [string, Criterion[]][] = [
  ['Observation', [{ kind: 'token', param: 'code', values: [{ system: 'http://loinc.org', code: '8867-4' }] }]],
  ['Observation', [{ kind: 'number', param: 'value-quantity', values: [{ prefix: 'gt', value: 90, lo: 90, hi: 90 }] }]],
  [
    'Observation',
    [
      {
        kind: 'date',
        param: 'date',
        values: [{ prefix: 'ge', lo: '2024-06-01T00:00:00Z', hi: '2024-06-02T00:00:00Z' }],
      },
    ],
  ],
  ['Observation', [{ kind: 'reference', param: 'subject', values: [{ type: 'Patient', id: 'p7' }] }]],
  ['Patient', [{ kind: 'string', param: 'family', match: 'start', values: ['ngo'] }]],
  ['Patient', [{ kind: 'token', param: 'identifier', values: [{ system: 'urn:mrn', code: 'M12' }] }]],
  ['Condition', [{ kind: 'token', param: 'code', values: [{ code: '44054006' }] }]],
];

/** The ids each search finds, in order. */
export async function searchIds(db: Sql): Promise<string[][]> {
  const out: string[][] = [];
  for (const [type, criteria] of SEARCHES) {
    const found = await runFhirSearch(db, type, { ...page, criteria });
    out.push(found.matches.map((m) => m.id).sort());
  }
  return out;
}
