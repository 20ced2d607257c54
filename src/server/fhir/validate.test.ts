import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { OperationParams, ReadParams, resourceBody, TypeParams, VersionParams } from '../routes/schemas/fhir.js';
import { parseFhirSearch } from './search/parse.js';
import { FhirInvalid, fhirParams, parseFhir } from './validate.js';

// The /fhir routes' validation in little: the app's error handler sends a FhirInvalid's outcome.
const app = new Hono();
app.onError((e, c) => (e instanceof FhirInvalid ? c.json(e.outcome, 400) : c.json({ unexpected: e.message }, 500)));
app.get('/fhir/:type', fhirParams(TypeParams), (c) => c.json(c.req.valid('param')));
app.get('/fhir/:type/:id', fhirParams(ReadParams), (c) => c.json(c.req.valid('param')));
app.get('/fhir/:type/:id/_history/:vid', fhirParams(VersionParams), (c) => c.json(c.req.valid('param')));
app.get('/fhir/:type/:id/:operation', fhirParams(OperationParams), (c) => c.json(c.req.valid('param')));

interface Issue {
  severity: string;
  code: string;
  diagnostics: string;
  expression?: string[];
}
const outcome = async (path: string) => {
  const r = await app.request(path);
  expect(r.status, path).toBe(400);
  const body = (await r.json()) as { resourceType: string; issue: Issue[] };
  expect(body.resourceType).toBe('OperationOutcome');
  return body.issue;
};
const refused = (f: () => unknown): Issue[] => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FhirInvalid);
    return (e as FhirInvalid).outcome.issue as Issue[];
  }
  throw new Error('not refused');
};
const search = (type: string, q: string) => parseFhirSearch(type, new URLSearchParams(q));

describe('FHIR validation: zod refusals as OperationOutcomes with R4 issue types', () => {
  it('passes valid path parameters through', async () => {
    expect(await (await app.request('/fhir/Observation/hr-1')).json()).toEqual({ type: 'Observation', id: 'hr-1' });
    expect(await (await app.request('/fhir/Patient/p1/$everything')).json()).toMatchObject({ id: 'p1' });
  });

  it('refuses a type or operation the server does not offer as not-supported, naming the parameter', async () => {
    const [spaceship] = await outcome('/fhir/Spaceship');
    expect(spaceship).toMatchObject({ severity: 'error', code: 'not-supported', expression: ['type'] });
    expect(spaceship!.diagnostics).toContain("'Spaceship'");
    const [claim] = await outcome('/fhir/Claim');
    expect(claim!.diagnostics).toContain("resource type 'Claim' is not supported");
    expect(await outcome('/fhir/Patient/p1/$match')).toMatchObject([
      { code: 'not-supported', expression: ['operation'] },
    ]);
    expect(await outcome('/fhir/Observation/o1/$everything')).toMatchObject([
      { code: 'not-supported', expression: ['type'] },
    ]);
    expect(await outcome('/fhir/Observation/_history')).toMatchObject([{ code: 'not-supported', expression: ['id'] }]);
  });

  it('refuses a malformed id or version id as a bad value, every problem listed', async () => {
    expect(await outcome('/fhir/Observation/bad%20id!')).toMatchObject([
      { code: 'value', expression: ['id'], diagnostics: "'bad id!' is not a valid FHIR id ([A-Za-z0-9-.]{1,64})" },
    ]);
    const both = await outcome('/fhir/Spaceship/bad%20id!/_history/0');
    expect(both.map((i) => [i.code, i.expression?.[0]])).toEqual([
      ['not-supported', 'type'],
      ['value', 'id'],
      ['value', 'vid'],
    ]);
  });

  it('refuses search parameters by name: unknown or a modifier not-supported, a malformed value value', () => {
    expect(refused(() => search('Observation', 'colour=red'))).toMatchObject([
      { code: 'not-supported', expression: ['colour'] },
    ]);
    expect(refused(() => search('Observation', 'code:below=heart'))[0]!.diagnostics).toBe(
      "search modifier 'code:below' is not supported on Observation",
    );
    for (const [q, name] of [
      ['_format=xml', '_format'],
      ['_sort=colour', '_sort'],
    ] as const) {
      expect(
        refused(() => search('Observation', q)),
        q,
      ).toMatchObject([{ code: 'not-supported', expression: [name] }]);
    }
    for (const [q, name] of [
      ['_count=-1', '_count'],
      ['_count=1001', '_count'],
      ['_count=1&_count=2', '_count'],
      ['date=yesterday', 'date'],
      ['patient=p1&patient=Group/1', 'patient'],
      ['_id=a,b%20c', '_id'],
      ['code=a|b|c', 'code'],
    ] as const) {
      expect(refused(() => search('Observation', q))[0], q).toMatchObject({ code: 'value', expression: [name] });
    }
    // `__proto__` is a name like any other: unknown, not a way around the check.
    expect(refused(() => search('Observation', '__proto__=1'))).toMatchObject([{ expression: ['__proto__'] }]);
  });

  it('parses a valid search: the patient it names, the page, and the parameters to echo in links', () => {
    const s = search(
      'Observation',
      'subject=Patient/p1&code=http://loinc.org|8867-4,x&_count=5&date=ge2024&date=le2025',
    );
    expect(s.patient).toBe('p1');
    expect(s.search.count).toBe(5);
    expect(s.search.offset).toBe(0);
    expect(s.echo).toEqual([
      ['code', 'http://loinc.org|8867-4,x'],
      ['date', 'ge2024'],
      ['date', 'le2025'],
      ['subject', 'Patient/p1'],
    ]);
  });

  it('refuses a resource body of another type or id, naming the element as a FHIRPath', () => {
    expect(
      refused(() => parseFhir(resourceBody('Observation'), { resourceType: 'Patient' }, 'body', 'Observation')),
    ).toMatchObject([
      { code: 'value', expression: ['resourceType'], diagnostics: 'the body is a Patient, the URL names Observation' },
    ]);
    expect(refused(() => parseFhir(resourceBody('Observation'), [1], 'body', 'Observation'))).toMatchObject([
      { code: 'invalid' },
    ]);
    expect(
      refused(() =>
        parseFhir(resourceBody('Observation', 'o1'), { resourceType: 'Observation', id: 'o2' }, 'body', 'Observation'),
      ),
    ).toMatchObject([{ code: 'value', expression: ['Observation.id'] }]);
  });
});
