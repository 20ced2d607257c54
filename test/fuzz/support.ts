import fc from 'fast-check';

/**
 * Shared pieces of the property-based suite: how many cases to run, a line that reports the count, and
 * generators of small, mostly broken FHIR resources. Cases per entry point: FUZZ_RUNS when set (a deeper
 * run, e.g. 100000 with FUZZ_SEED=random), else 3,000 in CI and a few hundred otherwise so that `npm test`
 * stays fast. CI had 10,000: with its fixed seed the same cases ran at every commit, and the six suites took
 * about an eighth of the test time; 3,000 still cover every generator's branches many times over.
 */
export const RUNS = fuzzRuns(process.env.FUZZ_RUNS, process.env.CI === 'true');

function fuzzRuns(raw: string | undefined, ci: boolean): number {
  if (raw === undefined || raw === '') return ci ? 3_000 : 300;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`FUZZ_RUNS: '${raw}' is not a positive whole number`);
  return n;
}

/** Per test: room for the run on a busy 2-core machine (not a measure; the run prints counts). */
export const TIMEOUT = Math.max(120_000, RUNS * 60);

/**
 * fast-check settings: a fixed seed, so that CI is repeatable, unless FUZZ_SEED is set (`random` for a
 * fresh one each run, to explore; a failure prints its seed and path to replay).
 */
export function settings(): { numRuns: number; seed?: number } {
  const raw = process.env.FUZZ_SEED ?? '20261205';
  return { numRuns: RUNS, ...(raw === 'random' ? {} : { seed: Number(raw) }) };
}

export function reportCases(entryPoint: string, cases: number): void {
  console.log(`fuzz: ${entryPoint}: ${cases} cases tried`);
}

type Json = Record<string, unknown>;

/** Valid resources that the generators break. */
export const TEMPLATES: readonly Json[] = [
  {
    resourceType: 'Patient',
    id: 'p',
    gender: 'female',
    birthDate: '1970-01-01',
    name: [{ family: '李', given: ['娜'] }],
  },
  {
    resourceType: 'Observation',
    id: 'o',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: 'Patient/p' },
    effectiveDateTime: '2025-02-01T08:00:00Z',
    valueQuantity: { value: 88, unit: '/min' },
  },
  {
    resourceType: 'Condition',
    id: 'c',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { text: 'pneumonia' },
    subject: { reference: 'Patient/p' },
  },
  {
    resourceType: 'Encounter',
    id: 'e',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
    subject: { reference: 'Patient/p' },
  },
];

/** Paths a mutation may touch (dots into objects, numbers into arrays). */
const PATHS = [
  'resourceType',
  'id',
  'gender',
  'birthDate',
  'name',
  'name.0.given',
  'status',
  'code',
  'code.coding.0.code',
  'code.coding',
  'subject',
  'subject.reference',
  'valueQuantity',
  'valueQuantity.value',
  'valueString',
  'effectiveDateTime',
  'clinicalStatus.coding.0.code',
  'class',
  'meta',
  'contained',
  'extension',
  'colour',
  '_gender',
];

const oddValues = fc.constantFrom<unknown>(
  '',
  ' ',
  'bogus',
  42,
  -1,
  1.5,
  2 ** 53,
  true,
  null,
  [],
  {},
  [null],
  'Patient/',
  'Patient',
  'urn:uuid:x',
  'Patient?x',
  '1970-13-01',
  '\u0000',
  'Ã©',
  { reference: 'Patient/' },
  [{}],
);

export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  oddValues,
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 12 }),
);

export interface Mutation {
  readonly path: string;
  readonly op: 'set' | 'delete';
  readonly value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.constantFrom(...PATHS),
  op: fc.constantFrom<'set' | 'delete'>('set', 'set', 'delete'),
  value: anyValue,
});

/** A template resource with one to three mutations: usually invalid, sometimes not. */
export const mutatedResource: fc.Arbitrary<unknown> = fc
  .record({ template: fc.constantFrom(...TEMPLATES), edits: fc.array(mutation, { minLength: 1, maxLength: 3 }) })
  .map(({ template, edits }) => {
    const r = structuredClone(template);
    for (const e of edits) apply(r, e);
    return r;
  });

/** A mutated resource, any JSON value at all, or (so that good and bad mix) a valid resource. */
export const anyResource: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: mutatedResource },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.constantFrom(...TEMPLATES).map((r) => structuredClone(r)) },
);

function apply(root: Json, m: Mutation): void {
  const keys = m.path.split('.');
  let node: unknown = root;
  for (const k of keys.slice(0, -1)) {
    if (!node || typeof node !== 'object') return;
    node = (node as Json)[k];
  }
  if (!node || typeof node !== 'object') return;
  const last = keys.at(-1)!;
  if (m.op === 'delete') delete (node as Json)[last];
  else (node as Json)[last] = structuredClone(m.value);
}

/** One NDJSON line: a (mostly broken) resource, or text that is not JSON at all. */
export const ndjsonLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: anyResource.map((r) => JSON.stringify(r) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ' ')) },
);
