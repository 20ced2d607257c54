import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, type FuzzApp, openFuzzApp } from './app-harness.js';
import { anyResource, anyValue, reportCases, RUNS, settings, TIMEOUT } from './support.js';

/**
 * Generated transaction Bundles POSTed to /fhir through the whole app: every case is answered 200
 * or 4xx (an OperationOutcome whose issues say why), never 5xx, and a refused transaction leaves
 * the count of stored resources as it was.
 */
let f: FuzzApp;
beforeAll(async () => {
  f = await openFuzzApp();
});
afterAll(async () => f?.close());

describe('fuzz: POST /fhir', () => {
  it(
    `transaction Bundles: 200 or 4xx, and a refused one stores nothing (${RUNS} cases)`,
    async () => {
      let cases = 0;
      let written = 0;
      const entry = fc.record(
        {
          resource: anyResource,
          request: fc.constantFrom<unknown>(
            { method: 'POST', url: 'Patient' },
            { method: 'PUT', url: 'Observation/o' },
            'x',
          ),
        },
        { requiredKeys: ['resource'] },
      );
      const bundle = fc.record({
        resourceType: fc.oneof(
          { weight: 9, arbitrary: fc.constant<unknown>('Bundle') },
          { weight: 1, arbitrary: anyValue },
        ),
        type: fc.oneof(
          { weight: 9, arbitrary: fc.constant<unknown>('transaction') },
          { weight: 1, arbitrary: anyValue },
        ),
        entry: fc.oneof(
          { weight: 9, arbitrary: fc.array(entry, { minLength: 1, maxLength: 3 }) },
          { weight: 1, arbitrary: anyValue },
        ),
      });
      // Nothing else writes meanwhile: one case's count after is the next one's before.
      let stored = await f.storedCount();
      await fc.assert(
        fc.asyncProperty(bodyOf(bundle), async (body) => {
          cases++;
          const before = stored;
          const res = await f.post('/fhir', body, 'application/fhir+json');
          const after = await f.storedCount();
          stored = after;
          expect(res.status === 200 || (res.status >= 400 && res.status < 500), `${res.status} for ${body}`).toBe(true);
          const out = (await res.json()) as Record<string, unknown>;
          if (res.status === 200) {
            written++;
            expect(after - before).toBeLessThanOrEqual((JSON.parse(body) as { entry: unknown[] }).entry.length);
          } else {
            expect(after).toBe(before);
            expect(out.resourceType).toBe('OperationOutcome');
            expect(
              (out.issue as { diagnostics?: string }[]).every(
                (i) => typeof i.diagnostics === 'string' && i.diagnostics.length > 0,
              ),
            ).toBe(true);
          }
        }),
        settings(),
      );
      reportCases('POST /fhir transaction', cases);
      console.log(`fuzz: POST /fhir transaction: ${written} written, the rest refused`);
      expect(written).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});
