import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { createApp } from '../app.js';
import { openContext } from '../context.js';
import { createLogger } from '../logger.js';

const KEY = 'validation-test-key-0123';
type Issue = { diagnostics: string; expression?: string[]; location?: string[] };

// Every route family through the whole app: a malformed body, query or path parameter is a 400 whose
// first OperationOutcome issue names the field and the part of the request (validate.ts).
forEachBackend('request validation across the API', (db) => {
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    const ctx = await openContext(loadConfig({}, { apiKeys: [KEY], logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = createApp(ctx);
  }, 120_000);

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${KEY}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, first: ((await res.json()) as { issue: Issue[] }).issue[0]! };
  };

  describe.each([
    ['audit: an unknown parameter', 'GET', '/api/audit?patiënt=p1', undefined, 'patiënt', 'query'],
    ['audit: a limit that is not a number', 'GET', '/api/audit?limit=all', undefined, 'limit', 'query'],
    ['llm: a limit that is not a number', 'GET', '/api/llm/calls?limit=-1', undefined, 'limit', 'query'],
    [
      'kg: a curation edit without its source',
      'POST',
      '/api/kg/curation',
      { author: 'a', reason: 'r', retract: ['x'] },
      'source',
      'body',
    ],
    ['kg: a release id that is not a number', 'POST', '/api/kg/releases/latest/activate', undefined, 'id', 'param'],
    [
      'admin: a revert without a version',
      'POST',
      '/api/admin/settings/rules/revert',
      { version: 'last' },
      'version',
      'body',
    ],
    ['admin: a user with an unknown field', 'PATCH', '/api/admin/users/u1', { nickname: 'x' }, 'nickname', 'body'],
    ['patient links: a list without its patient', 'GET', '/api/patient-links', undefined, 'patient', 'query'],
    [
      'patient links: a link for no appointment',
      'POST',
      '/api/patient-links',
      { ttlHours: 5 },
      'appointmentId',
      'body',
    ],
    [
      'smart: a pull from something not a URL',
      'POST',
      '/api/smart/pull',
      { iss: 'ehr', patient: 'p1', accessToken: 't' },
      'iss',
      'body',
    ],
    [
      'patients: a differential asking for 0 diseases',
      'GET',
      '/api/patients/p1/differential?top=0',
      undefined,
      'top',
      'query',
    ],
  ])('%s', (_name, method, path, body, field, where) => {
    it(`is a 400 naming ${field} in the ${where}`, async () => {
      const r = await call(method, path, body);
      expect(r.status).toBe(400);
      expect(r.first).toMatchObject({ expression: [field], location: [where] });
    });
  });

  it('auth: a login not sent as JSON is a 415, and one without its password a 400 naming it', async () => {
    const form = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=a&password=b',
    });
    expect(form.status).toBe(415);
    const r = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'a' }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { issue: Issue[] }).issue[0]).toMatchObject({
      expression: ['password'],
      location: ['body'],
    });
  });
});
