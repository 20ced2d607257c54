import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/index.js';
import { forEachBackend } from '../../test/support/backends.js';
import { allRecords, heartRates } from './__fixtures__/records.js';
import { createApp } from './app.js';
import { type AppContext, openContext } from './context.js';
import { createLogger } from './logger.js';

const KEY = 'test-key-0123456789';
const JWT_SECRET = 'a-test-secret-of-at-least-32-bytes!!';

interface Json {
  [k: string]: unknown;
}

forEachBackend('FHIR API', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  const logLines: string[] = [];

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: false, logLevel: 'info' }), {
      db: db(),
      jwt: { secret: JWT_SECRET },
      logger: createLogger('info', { write: (s: string) => void logLines.push(s) }),
    });
    await ctx.resources.putMany(allRecords);
    app = createApp(ctx);
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { Authorization: `Bearer ${KEY}`, ...headers } });
  const json = async (res: Response) => (await res.json()) as Json;

  describe('auth', () => {
    it('serves /health and /fhir/metadata without credentials', async () => {
      expect((await app.request('/health')).status).toBe(200);
      const meta = await app.request('/fhir/metadata');
      expect(meta.status).toBe(200);
      expect(((await json(meta)) as { resourceType: string }).resourceType).toBe('CapabilityStatement');
    });

    it('refuses patient data without credentials with a 401 OperationOutcome, and audits the attempt', async () => {
      const res = await app.request('/fhir/Patient/p2');
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/fhir+json');
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      const body = await json(res);
      expect(body.resourceType).toBe('OperationOutcome');
      const rows = await ctx.audit.query({ principal: 'anonymous' });
      expect(rows.some((r) => r.resource === '/fhir/Patient/p2' && r.outcome === 401 && r.action === 'denied')).toBe(
        true,
      );
    });

    it('refuses a wrong key and an unsigned or wrongly signed JWT', async () => {
      expect((await get('/fhir/Patient/p1', { Authorization: 'Bearer wrong' })).status).toBe(401);
      const forged = await new SignJWT({ sub: 'mallory' })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode('another-secret-another-secret-xx'));
      expect((await get('/fhir/Patient/p1', { Authorization: `Bearer ${forged}` })).status).toBe(401);
      const expired = await new SignJWT({ sub: 'alice' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode(JWT_SECRET));
      expect((await get('/fhir/Patient/p1', { Authorization: `Bearer ${expired}` })).status).toBe(401);
    });

    it('accepts the configured key as Bearer or X-API-Key', async () => {
      expect((await get('/fhir/Patient/p1')).status).toBe(200);
      expect((await app.request('/fhir/Patient/p1', { headers: { 'X-API-Key': KEY } })).status).toBe(200);
    });

    it('accepts a created key until it is revoked', async () => {
      const { key, info } = await ctx.apiKeys.create('ward 7 tablet', { role: 'admin' });
      expect(key).toMatch(/^msk_/);
      const stored = await ctx.db.query<{ key_hash: string }>('select key_hash from medseek_api_keys where id = $1', [
        info.id,
      ]);
      expect(stored.rows[0]!.key_hash).not.toContain(key);
      expect((await get('/fhir/Patient/p1', { Authorization: `Bearer ${key}` })).status).toBe(200);
      await ctx.apiKeys.revoke(info.id);
      expect((await get('/fhir/Patient/p1', { Authorization: `Bearer ${key}` })).status).toBe(401);
    });

    it('accepts an HS256 JWT and audits its subject', async () => {
      const token = await new SignJWT({ sub: 'dr-li', medseek_role: 'clinician', medseek_all_patients: true })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(JWT_SECRET));
      const res = await get('/fhir/Patient/p2', { Authorization: `Bearer ${token}` });
      expect(res.status).toBe(200);
      const rows = await ctx.audit.query({ principal: 'jwt:dr-li' });
      expect(rows[0]).toMatchObject({
        action: 'read',
        resource: 'Patient/p2',
        patientId: 'p2',
        outcome: 200,
        principalKind: 'jwt',
      });
    });

    it('refuses a JWT without exp with a 401 naming exp, and audits the refusal under its subject', async () => {
      const forever = await new SignJWT({ sub: 'dr-forever', medseek_role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .sign(new TextEncoder().encode(JWT_SECRET));
      const res = await get('/fhir/Patient/p1', { Authorization: `Bearer ${forever}` });
      expect(res.status).toBe(401);
      const body = (await json(res)) as { issue: { code: string; diagnostics: string }[] };
      expect(body.issue[0]).toMatchObject({ code: 'login' });
      expect(body.issue[0]!.diagnostics).toContain("'exp'");
      const rows = await ctx.audit.query({ principal: 'jwt:dr-forever' });
      expect(rows[0]).toMatchObject({
        action: 'denied',
        outcome: 401,
        resource: '/fhir/Patient/p1',
        principalKind: 'jwt',
      });
      expect(String(rows[0]!.detail?.reason)).toContain("'exp'");
    });

    it('refuses a JWT that lives longer than the maximum lifetime, or carries no role, naming why', async () => {
      const sign = (claims: Record<string, unknown>, exp: string) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuedAt()
          .setExpirationTime(exp)
          .sign(new TextEncoder().encode(JWT_SECRET));
      const long = await get('/fhir/Patient/p1', {
        Authorization: `Bearer ${await sign({ sub: 'a', medseek_role: 'admin' }, '30d')}`,
      });
      expect(long.status).toBe(401);
      expect(JSON.stringify(await json(long))).toContain('maximum lifetime');
      const noRole = await get('/fhir/Patient/p1', { Authorization: `Bearer ${await sign({ sub: 'b' }, '5m')}` });
      expect(noRole.status).toBe(401);
      expect(JSON.stringify(await json(noRole))).toContain('no known role');
      const future = await get('/fhir/Patient/p1', {
        Authorization: `Bearer ${await new SignJWT({ sub: 'c', medseek_role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setNotBefore('10m').setExpirationTime('20m').sign(new TextEncoder().encode(JWT_SECRET))}`,
      });
      expect(future.status).toBe(401);
      expect(JSON.stringify(await json(future))).toContain('nbf');
    });

    it('audits a refused request under the key id it sent (403 for a role, 401 for a revoked key), never the key', async () => {
      const { key, info } = await ctx.apiKeys.create('bed 12 patient', { role: 'patient', patientId: 'p1' });
      const res = await get('/api/audit', { Authorization: `Bearer ${key}` });
      expect(res.status).toBe(403);
      expect(((await json(res)) as { issue: { code: string }[] }).issue[0]!.code).toBe('forbidden');
      const rows = await ctx.audit.query({ principal: `key:${info.id}` });
      expect(rows[0]).toMatchObject({
        action: 'denied',
        outcome: 403,
        resource: '/api/audit',
        principalKind: 'api-key',
      });
      await ctx.apiKeys.revoke(info.id);
      expect((await get('/fhir/Patient/p1', { Authorization: `Bearer ${key}` })).status).toBe(401);
      const all = await ctx.audit.query({ limit: 5 });
      const last = all.find((r) => r.outcome === 401 && r.resource === '/fhir/Patient/p1')!;
      expect(last.principal).toMatch(/^key-hash:[0-9a-f]{12}$/);
      expect(JSON.stringify(all)).not.toContain(key);
    });

    it('never writes a credential to the log', async () => {
      const token = await new SignJWT({ sub: 'dr-wang' })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(JWT_SECRET));
      await get('/fhir/Patient/p1', { Authorization: `Bearer ${token}` });
      await get('/fhir/Patient/p1');
      const log = logLines.join('');
      expect(log).toContain('"path":"/fhir/Patient/p1"');
      expect(log).not.toContain(KEY);
      expect(log).not.toContain(token);
    });
  });

  describe('read, vread, history', () => {
    it('reads a resource with its version in meta and headers', async () => {
      const res = await get('/fhir/Observation/hr-01');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/fhir+json');
      const body = await json(res);
      expect(body).toMatchObject({ resourceType: 'Observation', id: 'hr-01', meta: { versionId: '1' } });
      expect(res.headers.get('etag')).toBe('W/"1"');
    });

    it('answers 404 for an unknown id and 400 for a malformed one, as OperationOutcomes', async () => {
      const missing = await get('/fhir/Observation/nope');
      expect(missing.status).toBe(404);
      expect((await json(missing)).resourceType).toBe('OperationOutcome');
      const bad = await get('/fhir/Observation/bad%20id!');
      expect(bad.status).toBe(400);
      expect((await json(bad)).resourceType).toBe('OperationOutcome');
    });

    it('reads and searches referenced non-compartment types (US Core searches Practitioner)', async () => {
      expect(await json(await get('/fhir/Practitioner/prac-1'))).toMatchObject({
        resourceType: 'Practitioner',
        id: 'prac-1',
      });
      const found = await json(await get('/fhir/Practitioner?_id=prac-1'));
      expect(found).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    });

    it('answers 400 naming an unsupported resource type', async () => {
      const res = await get('/fhir/Spaceship/1');
      expect(res.status).toBe(400);
      expect(JSON.stringify(await json(res))).toContain("'Spaceship'");
    });

    it('keeps versions: vread of v1 after an update, history newest first, 410 after delete', async () => {
      await ctx.resources.put({ ...heartRates[0]!, id: 'hr-versioned' } as never);
      await ctx.resources.put({ ...heartRates[0]!, id: 'hr-versioned', status: 'amended' } as never);
      const v1 = await json(await get('/fhir/Observation/hr-versioned/_history/1'));
      expect(v1).toMatchObject({ status: 'final', meta: { versionId: '1' } });
      const current = await json(await get('/fhir/Observation/hr-versioned'));
      expect(current).toMatchObject({ status: 'amended', meta: { versionId: '2' } });
      const history = await json(await get('/fhir/Observation/hr-versioned/_history'));
      expect(history).toMatchObject({ resourceType: 'Bundle', type: 'history', total: 2 });
      const entries = history.entry as { resource: { meta: { versionId: string } } }[];
      expect(entries.map((e) => e.resource.meta.versionId)).toEqual(['2', '1']);
      expect((await get('/fhir/Observation/hr-versioned/_history/9')).status).toBe(404);
      expect((await get('/fhir/Observation/hr-versioned/_history/x')).status).toBe(400);

      await ctx.resources.delete('Observation', 'hr-versioned');
      const gone = await get('/fhir/Observation/hr-versioned');
      expect(gone.status).toBe(410);
      expect((await json(gone)).resourceType).toBe('OperationOutcome');
      const search = await json(await get('/fhir/Observation?_id=hr-versioned'));
      expect(search.total).toBe(0);
    });
  });

  describe('search', () => {
    it('returns a searchset with total, fullUrl, search.mode and offset paging links', async () => {
      const page1 = await json(await get('/fhir/Observation?patient=p1&_count=10'));
      expect(page1).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 25 });
      const entries = page1.entry as { fullUrl: string; search: { mode: string }; resource: { id: string } }[];
      expect(entries).toHaveLength(10);
      expect(entries[0]!.fullUrl).toBe(`http://localhost/fhir/Observation/${entries[0]!.resource.id}`);
      expect(entries.every((e) => e.search.mode === 'match')).toBe(true);
      const links = Object.fromEntries(
        (page1.link as { relation: string; url: string }[]).map((l) => [l.relation, l.url]),
      );
      expect(links.previous).toBeUndefined();
      expect(links.next).toBe('http://localhost/fhir/Observation?patient=p1&_count=10&_offset=10');

      const seen = new Set(entries.map((e) => e.resource.id));
      let next: string | undefined = links.next;
      let pages = 1;
      while (next) {
        const page = await json(await get(next));
        for (const e of page.entry as { resource: { id: string } }[]) seen.add(e.resource.id);
        const l = Object.fromEntries(
          (page.link as { relation: string; url: string }[]).map((x) => [x.relation, x.url]),
        );
        expect(l.previous).toBeDefined();
        next = l.next;
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen.size).toBe(25);
    });

    it('searches by subject reference, code, date and _id', async () => {
      expect((await json(await get('/fhir/Observation?subject=Patient/p1&_count=0'))).total).toBe(25);
      expect((await json(await get('/fhir/Observation?code=http://loinc.org|2339-0'))).total).toBe(1);
      expect((await json(await get('/fhir/Observation?code=8867-4,2339-0&_count=0'))).total).toBe(26);
      expect((await json(await get('/fhir/Observation?patient=p1&date=ge2024-01-20&_count=0'))).total).toBe(6);
      expect((await json(await get('/fhir/Observation?patient=p1&date=ge2024-01-10&date=lt2024-01-12'))).total).toBe(2);
      expect((await json(await get('/fhir/Patient?_id=p1,p2'))).total).toBe(2);
      expect((await json(await get('/fhir/Patient?identifier=urn:medseek:mrn|MRN-002'))).total).toBe(1);
      expect((await json(await get('/fhir/AllergyIntolerance?patient=p1'))).total).toBe(1);
      expect((await json(await get('/fhir/Condition?code=44054006'))).total).toBe(1);
      expect(
        (await json(await get('/fhir/Observation?_lastUpdated=ge2000-01-01&_count=0'))).total,
      ).toBeGreaterThanOrEqual(26);
      expect((await json(await get('/fhir/Observation?_lastUpdated=lt2000-01-01'))).total).toBe(0);
    });

    it('sorts by date when asked', async () => {
      const b = await json(await get('/fhir/Observation?patient=p1&_sort=-date&_count=2'));
      expect((b.entry as { resource: { id: string } }[]).map((e) => e.resource.id)).toEqual(['hr-25', 'hr-24']);
    });

    it('answers 400 naming an unknown parameter, a modifier, or a bad value', async () => {
      for (const [query, name] of [
        ['Observation?colour=red', 'colour'],
        ['Observation?code:below=heart', 'code:below'],
        ['Patient?code=1', 'code'],
        ['AllergyIntolerance?subject=p1', 'subject'],
        ['Observation?date=yesterday', 'date'],
        ['Observation?_count=-1', '_count'],
        ['Observation?subject=Spaceship/1', 'subject'],
      ] as const) {
        const res = await get(`/fhir/${query}`);
        expect(res.status, query).toBe(400);
        const body = await json(res);
        expect(body.resourceType).toBe('OperationOutcome');
        expect((body.issue as { expression?: string[] }[])[0]!.expression, query).toEqual([name]);
      }
    });

    it('searches by POST with a form body, and answers 415 to any other content type', async () => {
      const post = (body: string, type: string) =>
        app.request('/fhir/Observation/_search', {
          method: 'POST',
          body,
          headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': type },
        });
      const ok = await post('patient=p1&code=8867-4&_count=1', 'application/x-www-form-urlencoded');
      expect(ok.status).toBe(200);
      expect(await json(ok)).toMatchObject({ type: 'searchset', total: 25 });
      const wrong = await post('{"patient":"p1"}', 'application/json');
      expect(wrong.status).toBe(415);
      expect((await json(wrong)).resourceType).toBe('OperationOutcome');
    });

    it('answers 406 to a client that accepts only XML', async () => {
      const res = await get('/fhir/Patient', { Accept: 'application/fhir+xml' });
      expect(res.status).toBe(406);
      expect((await json(res)).resourceType).toBe('OperationOutcome');
    });

    it('answers 405-style OperationOutcome errors for writes it does not offer', async () => {
      // Conditional delete is not offered (delete by id is: fhir-write-rest.test.ts).
      const res = await app.request('/fhir/Patient?identifier=x', {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${KEY}` },
      });
      expect(res.status).toBe(405);
      expect((await json(res)).resourceType).toBe('OperationOutcome');
    });
  });

  describe('Patient/$everything', () => {
    it("returns the patient and every resource in the patient's compartment", async () => {
      const b = await json(await get('/fhir/Patient/p1/$everything'));
      expect(b).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      const types = (b.entry as { resource: { resourceType: string; id: string } }[]).map(
        (e) => `${e.resource.resourceType}/${e.resource.id}`,
      );
      expect(types).toContain('Patient/p1');
      expect(types).toContain('Condition/cond-1');
      expect(types).toContain('DocumentReference/doc-1');
      expect(types).toContain('AllergyIntolerance/alg-1');
      // Referenced from the compartment, in no compartment: included.
      expect(types).toContain('Practitioner/prac-1');
      expect(types).toContain('Organization/org-1');
      // p2's glucose, cited by p1's condition, belongs to p2: never included.
      expect(types).not.toContain('Observation/glu-1');
      expect(b.total).toBe(types.length);
      expect(types).toHaveLength(32);
    });

    it('pages with _count and links next', async () => {
      const b = await json(await get('/fhir/Patient/p1/$everything?_count=5'));
      expect((b.entry as unknown[]).length).toBe(5);
      const next = (b.link as { relation: string; url: string }[]).find((l) => l.relation === 'next');
      expect(next?.url).toBe('http://localhost/fhir/Patient/p1/$everything?_count=5&_offset=5');
    });

    it('answers 404 for an unknown patient and 400 for another operation', async () => {
      expect((await get('/fhir/Patient/nobody/$everything')).status).toBe(404);
      expect((await get('/fhir/Patient/p1/$match')).status).toBe(400);
    });
  });

  describe('audit', () => {
    it('writes who, what, why, outcome for each read, one row per patient in a search', async () => {
      await get('/fhir/Observation/glu-1', { 'X-Purpose-Of-Use': 'ETREAT' });
      await get('/fhir/Patient?_id=p1,p2', { 'X-Purpose-Of-Use': 'HPAYMT' });
      const res = await get('/api/audit?patient=p2');
      expect(res.status).toBe(200);
      const rows = (await json(res)).entries as {
        action: string;
        resource: string;
        purpose: string;
        outcome: number;
        principal: string;
        at: string;
      }[];
      expect(rows[0]).toMatchObject({
        action: 'search',
        resource: 'Patient?_id=p1,p2',
        purpose: 'HPAYMT',
        outcome: 200,
        principal: 'key:env:1',
      });
      expect(rows[1]).toMatchObject({ action: 'read', resource: 'Observation/glu-1', purpose: 'ETREAT', outcome: 200 });
      expect(Date.parse(rows[0]!.at)).not.toBeNaN();
      const p1Rows = await ctx.audit.query({ patient: 'p1', limit: 1 });
      expect(p1Rows[0]).toMatchObject({ action: 'search', resource: 'Patient?_id=p1,p2' });
    });

    it('defaults the purpose to TREAT and records not-found reads with their status', async () => {
      await get('/fhir/Patient/ghost');
      const rows = await ctx.audit.query({ patient: 'ghost' });
      expect(rows[0]).toMatchObject({ action: 'read', outcome: 404, purpose: 'TREAT' });
    });

    it('needs auth to read the audit log and refuses unknown filters', async () => {
      expect((await app.request('/api/audit')).status).toBe(401);
      expect((await get('/api/audit?patiënt=p1')).status).toBe(400);
    });
  });
});

describe('demo mode', () => {
  it('serves without credentials as the demo principal, and still refuses a bad credential', async () => {
    const { openDatabase } = await import('../store/index.js');
    const db = await openDatabase();
    const ctx = await openContext(loadConfig({}, { demo: true, apiKeys: [] }), {
      db,
      logger: createLogger('silent'),
      jwt: {},
      demoLoader: false,
    });
    try {
      await ctx.resources.putMany(allRecords);
      const app = createApp(ctx);
      expect((await app.request('/fhir/Patient/p1')).status).toBe(200);
      expect((await ctx.audit.query({ patient: 'p1' }))[0]).toMatchObject({ principal: 'demo', principalKind: 'demo' });
      expect((await app.request('/fhir/Patient/p1', { headers: { Authorization: 'Bearer nonsense' } })).status).toBe(
        401,
      );
      // The workspace (or, unbuilt, the landing page) needs no credential either.
      const home = await app.request('/', { headers: { Accept: 'text/html' } });
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toContain('text/html');
    } finally {
      await ctx.close();
      await db.close();
    }
  });
});
