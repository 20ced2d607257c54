import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { importBatch, importKnowledge, parseLocalJson } from '../../knowledge/index.js';
import { type OpenAiTestServer, startOpenAiTestServer } from '../../llm/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';
import { adminPolicies } from './admin.js';
import { learningAdminPolicies } from './learning-admin.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
type Json = Record<string, any>;

forEachBackend('admin routes', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let admin = '';
  let clinician = '';
  let patient = '';
  let model: OpenAiTestServer;
  const logs: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'medseek-admin-'));

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { demo: false, dataDir, logLevel: 'debug' }), {
      db: db(),
      llm: false,
      logger: createLogger('debug', { write: (s: string) => void logs.push(s) }),
    });
    app = createApp(ctx);
    admin = (await ctx.apiKeys.create('root', { role: 'admin' })).key;
    clinician = (await ctx.apiKeys.create('ward', { role: 'clinician', allPatients: true })).key;
    patient = (await ctx.apiKeys.create('pt', { role: 'patient', patientId: 'p1' })).key;
    await importKnowledge(db(), 'cds', undefined, { activate: true });
    await importBatch(
      db(),
      parseLocalJson(
        readFileSync(new URL('../../knowledge/__fixtures__/local.json', import.meta.url), 'utf8'),
        'local.json',
      ),
      { activate: false },
    );
    model = await startOpenAiTestServer();
  });
  afterAll(async () => {
    await model?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: unknown, key = admin) =>
    app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const json = async (r: Response) => (await r.json()) as Json;

  describe('access', () => {
    it('has one admin-only policy for every admin route, and a route for every policy', () => {
      // Settings (admin.ts) and the learning stage's administration (learning-admin.ts) share /api/admin/.
      const policies = { ...adminPolicies, ...learningAdminPolicies };
      const mounted = app.routes
        .filter((r) => r.path.startsWith('/api/admin/') && r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path}`);
      expect(new Set(mounted)).toEqual(new Set(Object.keys(policies)));
      for (const p of Object.values(policies)) expect(p).toEqual({ roles: ['admin'] });
    });

    it('refuses callers without a credential (401) and clinician or patient keys (403) on every admin route, and audits it', async () => {
      for (const key of Object.keys(adminPolicies)) {
        const [method, path] = key.split(' ') as [string, string];
        const url = path.replace(':ruleId', 'T09').replace(':id', '1');
        expect((await app.request(url, { method })).status, key).toBe(401);
        expect((await call(method, url, method === 'GET' ? undefined : {}, clinician)).status, key).toBe(403);
        expect((await call(method, url, method === 'GET' ? undefined : {}, patient)).status, key).toBe(403);
      }
      const audit = await json(await call('GET', '/api/admin/audit?outcome=403&limit=500'));
      expect(audit.entries.some((e: Json) => e.resource === '/api/admin/keys' && e.principal.startsWith('key:'))).toBe(
        true,
      );
    });
  });

  describe('settings documents', () => {
    it('shows the environment until set, then versions each change with who, masks the key, and reverts', async () => {
      const first = await json(await call('GET', '/api/admin/settings/models'));
      expect(first.source).not.toBe('settings');
      const server = {
        name: 'local-vllm',
        baseUrl: model.url,
        model: 'qwen',
        apiKey: 'sk-live-000011112222',
        location: 'local',
      };
      const v1 = await call('PUT', '/api/admin/settings/models', { servers: [server] });
      expect(v1.status).toBe(200);
      expect(await json(v1)).toMatchObject({
        source: 'settings',
        version: 1,
        value: { servers: [{ apiKey: '••••2222' }] },
      });
      await call('PUT', '/api/admin/settings/models', {
        deidentification: 'never',
        servers: [{ ...server, apiKey: '••••2222' }],
      });
      const history = await json(await call('GET', '/api/admin/settings/models/history'));
      expect(history.versions.map((v: Json) => [v.version, v.changedBy, v.value.deidentification])).toEqual([
        [2, expect.stringMatching(/^key:/), 'never'],
        [1, expect.stringMatching(/^key:/), 'deidentified'],
      ]);
      const reverted = await json(await call('POST', '/api/admin/settings/models/revert', { version: 1 }));
      expect(reverted).toMatchObject({ version: 3, revertedFrom: 1, value: { deidentification: 'deidentified' } });
      const everything =
        JSON.stringify([history, reverted, await json(await call('GET', '/api/admin/settings/models'))]) +
        logs.join('');
      expect(everything).not.toContain('sk-live');
      const audit = await json(await call('GET', '/api/admin/audit?action=settings.*'));
      expect(audit.entries.map((e: Json) => e.resource)).toEqual([
        'settings/models@v3',
        'settings/models@v2',
        'settings/models@v1',
      ]);
    });

    it('answers a bad document with 400 naming the field, and stores nothing', async () => {
      const r = await call('PUT', '/api/admin/settings/fhirSource', { baseUrl: 'ftp://ehr', auth: { type: 'none' } });
      expect(r.status).toBe(400);
      const body = await json(r);
      expect(body.issue[0].diagnostics).toMatch(/field baseUrl/);
      expect(body.issue[0].expression ?? body.issue[0].location).toBeDefined();
      const missing = await call('PUT', '/api/admin/settings/fhirSource', {
        baseUrl: 'https://ehr/fhir',
        auth: { type: 'client-credentials', tokenUrl: 'https://ehr/token' },
      });
      expect((await json(missing)).issue[0].diagnostics).toMatch(/field auth\.clientId/);
      expect((await json(await call('GET', '/api/admin/settings/fhirSource'))).source).not.toBe('settings');
      expect((await call('POST', '/api/admin/settings/fhirSource/revert', { version: 'one' })).status).toBe(400);
    });
  });

  describe('rule settings', () => {
    it('changes a threshold over the reasoning configuration, with its history, and reverts it', async () => {
      const cat = await json(await call('GET', '/api/admin/settings/rules'));
      const t09 = cat.rules.find((r: Json) => r.id === 'T09');
      expect(t09).toMatchObject({ kind: 'qc', defaults: { routineHours: expect.any(Number) } });
      expect(t09.setting).toBeUndefined();
      const a = await json(await call('PUT', '/api/admin/settings/rules/T09', { params: { routineHours: 48 } }));
      const b = await json(await call('PUT', '/api/admin/settings/rules/T09', { params: { routineHours: 24 } }));
      expect(b).toMatchObject({
        ruleId: 'T09',
        hospital: 'default',
        before: { params: { routineHours: 48 } },
        after: { params: { routineHours: 24 } },
      });
      const history = await json(await call('GET', '/api/admin/settings/rules/history?rule=T09'));
      expect(history.versions.map((v: Json) => v.after.params.routineHours)).toEqual([24, 48]);
      const back = await json(await call('POST', '/api/admin/settings/rules/revert', { version: a.version }));
      expect(back.after).toEqual({ params: { routineHours: 48 } });
      expect(
        (await json(await call('GET', '/api/admin/settings/rules'))).rules.find((r: Json) => r.id === 'T09').setting,
      ).toEqual({ params: { routineHours: 48 } });
      const bad = await call('PUT', '/api/admin/settings/rules/T09', { params: { routineHours: -1 } });
      expect(bad.status).toBe(400);
      expect((await json(bad)).issue[0].diagnostics).toMatch(/params\.routineHours/);
      expect((await call('PUT', '/api/admin/settings/rules/NOPE', { enabled: false })).status).toBe(400);
      expect((await call('GET', '/api/admin/settings/rules?hospital=bad%20id')).status).toBe(400);
    });
  });

  describe('model test button', () => {
    it('reports ok and latency from the configured server, with a prompt about no patient', async () => {
      model.clear();
      const r = await json(await call('POST', '/api/admin/models/test', { name: 'local-vllm' }));
      expect(r).toMatchObject({ ok: true, server: 'local-vllm', model: 'qwen', latencyMs: expect.any(Number) });
      expect(model.requests.at(-1)?.headers.authorization).toBe('Bearer sk-live-000011112222');
      expect(JSON.stringify(model.requests.at(-1)?.body)).toContain('Reply with the single word OK.');
    });

    it('tests unsaved form values with the stored key, and reports a failing server', async () => {
      model.enqueue({ kind: 'status', status: 500 });
      const r = await json(
        await call('POST', '/api/admin/models/test', {
          server: { name: 'local-vllm', baseUrl: model.url, model: 'other', apiKey: '••••2222' },
        }),
      );
      expect(r).toMatchObject({ ok: false, model: 'other', error: expect.any(String) });
      expect(model.requests.at(-1)?.headers.authorization).toBe('Bearer sk-live-000011112222');
      expect((await call('POST', '/api/admin/models/test', { name: 'nobody' })).status).toBe(400);
    });
  });

  describe('knowledge, users, keys', () => {
    it('lists releases with their status and activates one, audited', async () => {
      const list = await json(await call('GET', '/api/admin/knowledge/releases'));
      expect(list.releases.map((r: Json) => r.active)).toEqual([true, false]);
      expect((await call('POST', '/api/admin/knowledge/releases/2/activate')).status).toBe(200);
      expect(
        (await json(await call('GET', '/api/admin/knowledge/releases'))).releases.map((r: Json) => r.active),
      ).toEqual([false, true]);
      expect((await call('POST', '/api/admin/knowledge/releases/99/activate')).status).toBe(404);
      expect((await json(await call('GET', '/api/admin/audit?action=kg.activate'))).entries[0].resource).toBe(
        'kg-release/2',
      );
      expect((await json(await call('GET', '/api/admin/knowledge/curation'))).edits).toEqual([]);
    });

    it('creates, updates, disables, unlocks users and resets a password; never returns a hash', async () => {
      const created = await call('POST', '/api/admin/users', {
        username: 'dr.wang',
        displayName: '王医生',
        password: 'correct horse battery staple',
        role: 'clinician',
        units: ['ward-3'],
      });
      expect(created.status).toBe(201);
      const user = await json(created);
      expect(JSON.stringify(user)).not.toMatch(/hash|staple/);
      expect(
        (await json(await call('PATCH', `/api/admin/users/${user.id}`, { units: ['ward-3', 'icu'] }))).units,
      ).toEqual(['ward-3', 'icu']);
      expect((await json(await call('POST', `/api/admin/users/${user.id}/disable`))).disabled).toBe(true);
      expect((await json(await call('POST', `/api/admin/users/${user.id}/enable`))).disabled).toBe(false);
      expect((await call('POST', `/api/admin/users/${user.id}/unlock`)).status).toBe(200);
      expect(
        (await call('POST', `/api/admin/users/${user.id}/password`, { password: 'another long passphrase 42' })).status,
      ).toBe(200);
      const bad = await call('POST', '/api/admin/users', { username: 'x', role: 'patient' });
      expect((await json(bad)).issue[0].diagnostics).toMatch(/field role/);
      expect((await json(await call('GET', '/api/admin/users'))).users.map((u: Json) => u.username)).toContain(
        'dr.wang',
      );
      const actions = (await json(await call('GET', '/api/admin/audit?action=user.*'))).entries.map(
        (e: Json) => e.action,
      );
      expect(actions).toEqual([
        'user.password',
        'user.unlock',
        'user.enable',
        'user.disable',
        'user.update',
        'user.create',
      ]);
    });

    it('creates a key with a role, shows it once, and revokes it', async () => {
      const r = await call('POST', '/api/admin/keys', { name: 'ward 5 tablet', role: 'clinician', units: ['ward-5'] });
      expect(r.status).toBe(201);
      expect(r.headers.get('cache-control')).toBe('no-store');
      const { key, info } = await json(r);
      expect(key).toMatch(/^msk_/);
      const list = await json(await call('GET', '/api/admin/keys'));
      expect(JSON.stringify(list)).not.toContain(key);
      expect(list.keys.find((k: Json) => k.id === info.id)).toMatchObject({ role: 'clinician', units: ['ward-5'] });
      // The new key works, as a clinician: not here.
      expect((await call('GET', '/api/admin/keys', undefined, key)).status).toBe(403);
      expect((await call('POST', `/api/admin/keys/${info.id}/revoke`)).status).toBe(200);
      expect((await call('GET', '/api/admin/keys', undefined, key)).status).toBe(401);
      const bad = await call('POST', '/api/admin/keys', { name: 'p', role: 'patient' });
      expect((await json(bad)).issue[0].diagnostics).toMatch(/field patientId/);
    });
  });

  describe('audit log', () => {
    it('filters by principal, action, outcome and dates, and pages with a total', async () => {
      const all = await json(await call('GET', '/api/admin/audit?limit=2'));
      expect(all.entries).toHaveLength(2);
      expect(all.total).toBeGreaterThan(2);
      const next = await json(await call('GET', '/api/admin/audit?limit=2&offset=2'));
      expect(next.entries[0].id).toBeLessThan(all.entries[1].id);
      const denied = await json(await call('GET', '/api/admin/audit?outcome=4xx'));
      expect(denied.entries.every((e: Json) => e.outcome >= 400 && e.outcome < 500)).toBe(true);
      const today = new Date().toISOString().slice(0, 10);
      expect((await json(await call('GET', `/api/admin/audit?from=${today}&to=${today}`))).total).toBe(all.total);
      expect((await json(await call('GET', '/api/admin/audit?to=2000-01-01'))).total).toBe(0);
      const mine = (await json(await call('GET', '/api/admin/audit?action=key.create'))).entries[0].principal;
      const byWho = await json(
        await call('GET', `/api/admin/audit?principal=${encodeURIComponent(mine)}&action=key.create`),
      );
      expect(byWho.entries.every((e: Json) => e.principal === mine && e.action === 'key.create')).toBe(true);
      expect(byWho.total).toBe(1);
      const bad = await call('GET', '/api/admin/audit?from=yesterday');
      expect((await json(bad)).issue[0].diagnostics).toMatch(/field from/);
      expect((await call('GET', '/api/admin/audit?colour=red')).status).toBe(400);
    });
  });
});
