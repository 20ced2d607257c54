import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, type FuzzApp, isClientOrOk, mutated, openFuzzApp } from './app-harness.js';
import { reportCases, RUNS, settings, TIMEOUT } from './support.js';

/**
 * Generated CDS Hooks requests (the specification's examples with fields broken or removed, and
 * arbitrary JSON) at every service, through the whole app: 200 or 4xx with a reason, never 5xx.
 * The app runs in demo mode, where the CDS service takes calls without a token, so every case
 * reaches the request checks (token checks have their own tests).
 */
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../src/server/cds-hooks/__fixtures__/${name}`, import.meta.url), 'utf8'));
const REQUESTS = [
  'patient-view-critical-potassium.json',
  'order-sign-warfarin-ibuprofen.json',
  'order-select-amoxicillin-penicillin-allergy.json',
].map(fixture);
const PATHS = [
  'hook',
  'hookInstance',
  'context',
  'context.patientId',
  'context.userId',
  'context.draftOrders',
  'context.selections',
  'prefetch',
  'prefetch.patient',
  'prefetch.observations',
  'prefetch.medications',
  'fhirAuthorization',
  'extra',
];

let f: FuzzApp;
beforeAll(async () => {
  f = await openFuzzApp({ demo: true });
});
afterAll(async () => f?.close());

describe('fuzz: CDS Hooks', () => {
  it(
    `service calls: 200 or 4xx with a reason (${RUNS} cases)`,
    async () => {
      let cases = 0;
      let answered = 0;
      const discovery = await f.app.request('http://localhost/cds-services');
      expect(discovery.status).toBe(200);
      const ids = ((await discovery.json()) as { services: { id: string }[] }).services.map((s) => s.id);
      expect(ids.length).toBeGreaterThan(0);
      const body = bodyOf(
        fc.oneof(
          { weight: 5, arbitrary: mutated(REQUESTS, PATHS) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
        ),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...ids, 'no-such-service'), body, async (id, text) => {
          cases++;
          const res = await f.app.request(`http://localhost/cds-services/${id}`, {
            method: 'POST',
            body: text,
            headers: { 'Content-Type': 'application/json' },
          });
          expect(isClientOrOk(res.status), `${res.status} for ${id} ${text}`).toBe(true);
          if (res.status === 200) answered++;
          if (res.status >= 400) expect(JSON.stringify(await res.json())).toMatch(/"(error|diagnostics)":"[^"]+"/);
        }),
        settings(),
      );
      reportCases('CDS Hooks', cases);
      console.log(`fuzz: CDS Hooks: ${answered} answered with cards`);
      expect(answered).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});
