import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { effectiveFhirSource, effectiveModelSettings, pullOptionsFrom } from './effective.js';
import { secretBox } from './secrets.js';
import { SettingsStore } from './store.js';

const KEY = randomBytes(32);
const env = { MEDSEEK_SETTINGS_KEY: 'a test settings key' };
const server = (over: Record<string, unknown> = {}) => ({
  name: 'vllm-1',
  baseUrl: 'http://10.0.0.5:8000/v1',
  model: 'qwen',
  apiKey: 'sk-secret-abcd1234',
  location: 'local',
  ...over,
});

forEachBackend('settings store', (db) => {
  let store: SettingsStore;
  beforeAll(() => {
    store = new SettingsStore(db(), secretBox(KEY));
  });

  it('adds a version per change with who and the value before, and reverts as a new version', async () => {
    expect(await store.current('models')).toBeUndefined();
    const v1 = await store.update('models', { servers: [server()] }, 'user:alice');
    const v2 = await store.update(
      'models',
      { deidentification: 'never', servers: [server({ timeoutMs: 5000 })] },
      'user:bob',
    );
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2).toMatchObject({
      changedBy: 'user:bob',
      value: { deidentification: 'never' },
      before: { deidentification: 'deidentified' },
    });
    const history = await store.history('models');
    expect(history.map((h) => [h.version, h.changedBy])).toEqual([
      [2, 'user:bob'],
      [1, 'user:alice'],
    ]);
    const v3 = await store.revert('models', 1, 'user:carol');
    expect(v3).toMatchObject({
      version: 3,
      revertedFrom: 1,
      changedBy: 'user:carol',
      value: { deidentification: 'deidentified', servers: [{ timeoutMs: 60000 }] },
    });
    expect((await store.current('models'))?.version).toBe(3);
    await expect(store.revert('models', 9, 'user:carol')).rejects.toThrow(/no version 9/);
  });

  it('never returns a secret: masked in current and history, sealed in the database', async () => {
    const current = await store.current('models');
    expect(current?.value.servers[0]?.apiKey).toBe('••••1234');
    for (const h of await store.history('models')) expect(JSON.stringify(h)).not.toContain('sk-secret');
    const raw = await db().query<{ value: unknown }>("select value from medseek_setting_versions where grp = 'models'");
    expect(JSON.stringify(raw.rows)).not.toContain('sk-secret');
    expect((await store.effective('models'))?.servers[0]?.apiKey).toBe('sk-secret-abcd1234');
  });

  it('keeps a secret sent back masked or left out, and removes one sent empty', async () => {
    await store.update('models', { servers: [server({ apiKey: '••••1234', model: 'qwen2' })] }, 'user:alice');
    expect((await store.effective('models'))?.servers[0]).toMatchObject({
      model: 'qwen2',
      apiKey: 'sk-secret-abcd1234',
    });
    // Another server added before it: the key stays with its own server (matched by name).
    await store.update(
      'models',
      { servers: [server({ name: 'other', apiKey: undefined }), server({ apiKey: undefined })] },
      'user:alice',
    );
    const both = (await store.effective('models'))?.servers ?? [];
    expect(both.map((s) => [s.name, s.apiKey])).toEqual([
      ['other', undefined],
      ['vllm-1', 'sk-secret-abcd1234'],
    ]);
    await store.update('models', { servers: [server({ apiKey: '' })] }, 'user:alice');
    expect((await store.effective('models'))?.servers[0]?.apiKey).toBeUndefined();
  });

  it('refuses an invalid document naming the field, and stores nothing', async () => {
    const before = (await store.current('models'))?.version;
    await expect(store.update('models', { servers: [server({ baseUrl: 'not a url' })] }, 'user:x')).rejects.toThrow(
      /field servers\[0\]\.baseUrl/,
    );
    await expect(store.update('models', { servers: [server(), server()] }, 'user:x')).rejects.toThrow(
      /field servers\[1\]\.name: another server is named/,
    );
    await expect(
      store.update(
        'models',
        { servers: [server({ baseUrl: 'https://api.deepseek.com', location: 'local' })] },
        'user:x',
      ),
    ).rejects.toThrow(/servers\[0\]\.location/);
    await expect(
      store.update(
        'models',
        {
          servers: [
            server({ kind: 'deepseek', baseUrl: 'https://api.deepseek.com', location: 'external', apiKey: '' }),
          ],
        },
        'user:x',
      ),
    ).rejects.toThrow(/servers\[0\]\.apiKey/);
    await expect(
      store.update('fhirSource', { baseUrl: 'https://ehr/fhir', auth: { type: 'bearer' } }, 'user:x'),
    ).rejects.toThrow(/field auth\.token/);
    await expect(
      store.update('fhirSource', { baseUrl: 'https://ehr/fhir', auth: { type: 'magic' } }, 'user:x'),
    ).rejects.toThrow(/field auth\.type/);
    expect((await store.current('models'))?.version).toBe(before);
  });

  it('does not carry a bearer token over to client credentials', async () => {
    await store.update(
      'fhirSource',
      { baseUrl: 'https://ehr.example/fhir/', auth: { type: 'bearer', token: 'tok-0123456789' } },
      'user:a',
    );
    expect((await store.current('fhirSource'))?.value).toMatchObject({
      baseUrl: 'https://ehr.example/fhir',
      auth: { type: 'bearer', token: '••••6789' },
      pull: { pageSize: 100, useEverything: true },
    });
    await expect(
      store.update(
        'fhirSource',
        {
          baseUrl: 'https://ehr.example/fhir',
          auth: {
            type: 'client-credentials',
            tokenUrl: 'https://ehr.example/token',
            clientId: 'medseek',
            clientSecret: '••••6789',
          },
        },
        'user:a',
      ),
    ).rejects.toThrow(/auth\.clientSecret/);
  });

  it('cannot read a secret sealed under another key, and says which setting to fix', async () => {
    const other = new SettingsStore(db(), secretBox(randomBytes(32)));
    expect((await other.current('fhirSource'))?.value.auth).toEqual({ type: 'bearer', token: '••••' });
    await expect(other.effective('fhirSource')).rejects.toThrow(/MEDSEEK_SETTINGS_KEY/);
    const unreadable: string[] = [];
    expect((await other.effective('fhirSource', { unreadable: (f) => unreadable.push(f) }))?.auth).toEqual({
      type: 'bearer',
    });
    expect(unreadable).toEqual(['token']);
  });
});

forEachBackend('effective settings', (db) => {
  it('takes the models setting over the environment, and keeps MEDSEEK_LLM_EXTERNAL=never as a lock', async () => {
    const e = { ...env, MEDSEEK_LLM_BASE_URL: 'http://127.0.0.1:11434/v1', MEDSEEK_LLM_MODEL: 'llama3' };
    expect((await effectiveModelSettings(db(), e, { dataDir: '/nonexistent' })).providers.map((p) => p.model)).toEqual([
      'llama3',
    ]);
    const store = new SettingsStore(
      db(),
      secretBox(() => undefined),
    );
    await expect(store.update('models', { servers: [server()] }, 'u')).rejects.toThrow(/MEDSEEK_SETTINGS_KEY/);
    const keyed = new SettingsStore(
      db(),
      secretBox(await import('./secrets.js').then((m) => m.settingsKey(env, { dataDir: '/nonexistent' }))),
    );
    await keyed.update('models', { servers: [server()] }, 'u');
    const config = await effectiveModelSettings(db(), e, { dataDir: '/nonexistent' });
    expect(config.providers).toEqual([
      expect.objectContaining({
        name: 'vllm-1',
        baseURL: 'http://10.0.0.5:8000/v1',
        model: 'qwen',
        trust: 'local',
        apiKey: 'sk-secret-abcd1234',
        kind: 'vllm',
      }),
    ]);
    expect(config.external).toBe('deidentified');
    expect(
      (await effectiveModelSettings(db(), { ...e, MEDSEEK_LLM_EXTERNAL: 'never' }, { dataDir: '/nonexistent' }))
        .external,
    ).toBe('never');
  });

  it('reads the FHIR source from the environment until set here, and gets a client-credentials token', async () => {
    expect(
      await effectiveFhirSource(
        db(),
        { ...env, MEDSEEK_PULL_FHIR: 'https://env.example/fhir', MEDSEEK_PULL_BEARER: 'b' },
        { dataDir: '/nonexistent' },
      ),
    ).toMatchObject({ baseUrl: 'https://env.example/fhir', auth: { type: 'bearer', token: 'b' } });
    const seen: { auth?: string; body?: string }[] = [];
    const tokenServer = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body });
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ access_token: 'issued-token', token_type: 'Bearer' }));
      });
    });
    await new Promise<void>((r) => tokenServer.listen(0, '127.0.0.1', r));
    try {
      const port = (tokenServer.address() as AddressInfo).port;
      const keyed = new SettingsStore(
        db(),
        secretBox(await import('./secrets.js').then((m) => m.settingsKey(env, { dataDir: '/nonexistent' }))),
      );
      await keyed.update(
        'fhirSource',
        {
          baseUrl: 'https://ehr.example/fhir',
          auth: {
            type: 'client-credentials',
            tokenUrl: `http://127.0.0.1:${port}/token`,
            clientId: 'medseek',
            clientSecret: 'cs-42',
            scope: 'system/*.rs',
          },
          pull: { patients: ['p1'], useEverything: false },
        },
        'u',
      );
      const source = await effectiveFhirSource(db(), env, { dataDir: '/nonexistent' });
      const options = await pullOptionsFrom(source!);
      expect(options).toEqual({
        base: 'https://ehr.example/fhir',
        bearer: 'issued-token',
        patients: ['p1'],
        pageSize: 100,
        noEverything: true,
        timeoutMs: 30000,
      });
      expect(seen[0]?.auth).toBe(`Basic ${Buffer.from('medseek:cs-42').toString('base64')}`);
      expect(new URLSearchParams(seen[0]?.body)).toEqual(
        new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/*.rs' }),
      );
    } finally {
      await new Promise((r) => tokenServer.close(r));
    }
  });
});

describe('secret masking', () => {
  it('shows only the last four characters of a long secret, nothing of a short one', async () => {
    const { maskSecret } = await import('./secrets.js');
    expect(maskSecret('sk-0123456789')).toBe('••••6789');
    expect(maskSecret('short')).toBe('••••');
  });
});
