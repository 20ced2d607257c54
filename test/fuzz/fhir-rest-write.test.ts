import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, type FuzzApp, KEY, openFuzzApp } from './app-harness.js';
import { anyResource, reportCases, RUNS, settings, TIMEOUT } from './support.js';

/**
 * Generated single resources sent to the REST create and update interactions (POST /fhir/{type},
 * PUT /fhir/{type}/{id}): every case is answered 2xx or 4xx (an OperationOutcome saying why), never
 * 5xx; a refused write stores nothing, an accepted one at most the one resource.
 */
let f: FuzzApp;
beforeAll(async () => {
  f = await openFuzzApp();
});
afterAll(async () => f?.close());

const typeOf = (body: string): string => {
  try {
    const t = (JSON.parse(body) as { resourceType?: unknown })?.resourceType;
    return typeof t === 'string' && /^[A-Z][A-Za-z]{1,40}$/.test(t) ? t : 'Observation';
  } catch {
    return 'Observation';
  }
};

describe('fuzz: POST /fhir/{type} and PUT /fhir/{type}/{id}', () => {
  it(
    `create and update: 2xx or 4xx, and a refused write stores nothing (${RUNS} cases)`,
    async () => {
      let cases = 0;
      let written = 0;
      let stored = await f.storedCount();
      await fc.assert(
        fc.asyncProperty(
          bodyOf(anyResource),
          fc.constantFrom('POST', 'PUT'),
          fc.constantFrom('o', 'p', 'c', 'x-1'),
          async (body, method, id) => {
            cases++;
            const before = stored;
            const path = method === 'POST' ? `/fhir/${typeOf(body)}` : `/fhir/${typeOf(body)}/${id}`;
            const res = await f.app.request(path, {
              method,
              body,
              headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/fhir+json' },
            });
            const after = await f.storedCount();
            stored = after;
            expect(
              (res.status >= 200 && res.status < 300) || (res.status >= 400 && res.status < 500),
              `${res.status} for ${method} ${path} ${body}`,
            ).toBe(true);
            if (res.status < 300) {
              written++;
              expect(after - before).toBeLessThanOrEqual(1);
            } else {
              expect(after).toBe(before);
              const out = (await res.json()) as { resourceType?: string; issue?: { diagnostics?: string }[] };
              expect(out.resourceType).toBe('OperationOutcome');
              expect(out.issue?.every((i) => typeof i.diagnostics === 'string' && i.diagnostics.length > 0)).toBe(true);
            }
          },
        ),
        settings(),
      );
      reportCases('POST/PUT /fhir/{type}', cases);
      expect(written).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});
