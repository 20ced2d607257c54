import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmptyStore } from '../../../test/support/pglite.js';
import { loadConfig } from '../../core/index.js';
import { allRecords } from '../../server/__fixtures__/records.js';
import { type AppContext, createLogger, listen, openContext, type RunningServer } from '../../server/index.js';
import { type Database, openDatabase } from '../../store/index.js';
import { programFor } from '../program.js';

/**
 * The commands as a user runs them (`medseek keys …`, `medseek pull`), parsed by the real program
 * in this process against a live "hospital" on a random port, writing to an on-disk PGlite.
 */
describe('medseek pull and keys (CLI)', { timeout: 120_000 }, () => {
  let dataDir: string;
  let hospitalDb: Database;
  let hospital: AppContext;
  let server: RunningServer;
  const saved = { dir: process.env.MEDSEEK_DATA_DIR, url: process.env.DATABASE_URL };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'medseek-cli-'));
    process.env.MEDSEEK_DATA_DIR = join(dataDir, 'store');
    delete process.env.DATABASE_URL;
    await createEmptyStore(join(dataDir, 'store'));
    hospitalDb = await openDatabase();
    hospital = await openContext(loadConfig({}, { apiKeys: [], demo: false }), {
      db: hospitalDb,
      logger: createLogger('silent'),
      jwt: {},
      demoLoader: false,
    });
    await hospital.resources.putMany(allRecords);
    server = await listen(hospital, { port: 0, host: '127.0.0.1' });
    // The process's first store pays its initdb in createEmptyStore, once: a minute and more on a busy machine.
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await hospital?.close();
    await hospitalDb?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (saved.dir === undefined) delete process.env.MEDSEEK_DATA_DIR;
    else process.env.MEDSEEK_DATA_DIR = saved.dir;
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
  });

  /** Runs `medseek <args>`; returns what it printed on stdout. */
  async function medseek(...args: string[]): Promise<string> {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const argv = ['node', 'medseek', ...args];
      await (await programFor(argv)).exitOverride().parseAsync(argv);
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
    return out.join('');
  }

  it('pulls with a key created on the hospital, and fails as unauthorized without it', async () => {
    const { key } = await hospital.apiKeys.create('pull test', { role: 'admin' });
    const summary = JSON.parse(
      await medseek('pull', '--fhir', `${server.url}/fhir`, '--bearer', key, '--patient', 'p2', '--json'),
    ) as Record<string, unknown>;
    expect(summary).toMatchObject({ patients: 1, resources: 2, created: 2, mode: 'everything' });
    await expect(medseek('pull', '--fhir', `${server.url}/fhir`, '--patient', 'p2')).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringContaining('401'),
    });
  });

  it('keys create prints a key once; list shows only its prefix; revoke', async () => {
    const created = JSON.parse(await medseek('keys', 'create', '--name', 'ward 7', '--role', 'admin', '--json')) as {
      key: string;
      id: string;
    };
    expect(created.key).toMatch(/^msk_[\w-]{43}$/);
    const listed = await medseek('keys', 'list');
    expect(listed).toContain('ward 7');
    expect(listed).not.toContain(created.key);
    expect(await medseek('keys', 'revoke', created.id)).toContain(`revoked ${created.id}`);
    await expect(medseek('keys', 'revoke', created.id)).rejects.toMatchObject({ code: 'not-found' });
  });
});
