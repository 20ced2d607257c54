import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, type FuzzApp, isClientOrOk, mutated, openFuzzApp } from './app-harness.js';
import { anyValue, reportCases, RUNS, settings, TIMEOUT } from './support.js';

/**
 * Generated requests at the consultation API through the whole app: starting a session with broken
 * fields, then answering it (or a session id that does not exist) with arbitrary bodies. Every
 * case is answered 2xx or 4xx, never 5xx.
 */
let f: FuzzApp;
beforeAll(async () => {
  f = await openFuzzApp();
});
afterAll(async () => f?.close());

describe('fuzz: consultation API', () => {
  it(
    `starting and answering a session gives 2xx or 4xx (${RUNS} cases)`,
    async () => {
      let cases = 0;
      let sessions = 0;
      const create = mutated(
        [
          { complaint: '咳嗽三天', lang: 'zh', age: 35, sex: 'male' },
          { complaint: 'cough for three days', lang: 'en' },
        ],
        ['complaint', 'lang', 'age', 'sex', 'kb', 'informant', 'channel', 'extra'],
      );
      const answer = fc.oneof(
        fc.record({ text: fc.oneof(fc.string({ maxLength: 40 }), anyValue) }),
        fc.jsonValue({ maxDepth: 2 }),
      );
      await fc.assert(
        fc.asyncProperty(
          bodyOf(create),
          bodyOf(answer),
          fc.constantFrom('nope', '..', '%20', '%00'),
          async (createBody, answerBody, otherId) => {
            cases++;
            const started = await f.post('/api/consult', createBody);
            expect(isClientOrOk(started.status), `${started.status} for ${createBody}`).toBe(true);
            if (started.status < 300) sessions++;
            const id =
              started.status < 300 ? ((await started.json()) as { session: { id: string } }).session.id : otherId;
            const answered = await f.post(`/api/consult/${id}/answers`, answerBody);
            expect(
              isClientOrOk(answered.status),
              `${answered.status} for /api/consult/${id}/answers ${answerBody}`,
            ).toBe(true);
          },
        ),
        settings(),
      );
      reportCases('consultation API', cases);
      console.log(`fuzz: consultation API: ${sessions} sessions started and answered`);
      expect(sessions).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});
