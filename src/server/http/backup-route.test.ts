import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type MedSeekError } from '../../core/index.js';
import { restoreDataDir } from '../../store/index.js';
import { allRecords } from '../__fixtures__/records.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import type { AppEnv, Role } from '../env.js';
import { outcomeForError } from '../fhir/operation-outcome.js';
import { createLogger } from '../logger.js';
import { backupRoutes } from './backup-route.js';

const KEY = 'backup-test-admin-key';
const root = mkdtempSync(join(tmpdir(), 'medseek-backup-'));

/** The server's app with the backup route mounted as the lead mounts it; the caller's role from a test header. */
function serverApp(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/api/backup', async (c, next) => {
    c.set('requestId', 'test');
    const role = (c.req.header('x-test-role') ?? 'admin') as Role;
    c.set('principal', { kind: 'api-key', id: `key:${role}`, name: role, role });
    return next();
  });
  app.route('/api/backup', backupRoutes(ctx));
  app.route('/', createApp(ctx));
  // As createApp's own handler does: a MedSeekError becomes its OperationOutcome and status.
  app.onError((e) => {
    const { status, body } = outcomeForError(e as MedSeekError);
    return new Response(JSON.stringify(body), { status });
  });
  return app;
}

const contextAt = (dataDir: string) =>
  openContext(loadConfig({}, { dataDir, apiKeys: [KEY], demo: false }), {
    logger: createLogger('silent'),
    jwt: {},
    llm: false,
  });

describe('backup and restore of the embedded database', () => {
  let ctx: AppContext;
  let url: string;
  let server: ReturnType<typeof serve>;

  beforeAll(async () => {
    ctx = await contextAt(join(root, 'live'));
    await ctx.resources.putMany(allRecords);
    server = serve({ fetch: serverApp(ctx).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await ctx?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const everything = (base: string) =>
    fetch(`${base}/fhir/Patient/p1/$everything?_count=500`, { headers: { Authorization: `Bearer ${KEY}` } });

  it('backs up while the server answers, and the restored copy gives the same $everything byte for byte', async () => {
    const before = await (await everything(url)).text();
    expect(JSON.parse(before).entry.length).toBeGreaterThan(10);
    // The backup and other requests (reads and a write) at once.
    const [backup, ...others] = await Promise.all([
      fetch(`${url}/api/backup`),
      everything(url),
      everything(url),
      ctx.resources.putMany([{ resourceType: 'Patient', id: 'during-backup' }]),
    ]);
    expect(backup.status).toBe(200);
    expect(backup.headers.get('content-type')).toBe('application/gzip');
    expect(backup.headers.get('content-disposition')).toMatch(/attachment; filename="medseek-.*\.tar\.gz"/);
    for (const r of others.slice(0, 2) as Response[]) expect(await r.text()).toBe(before);
    const file = join(root, 'backup.tar.gz');
    writeFileSync(file, Buffer.from(await backup.arrayBuffer()));
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    const restoredDir = join(root, 'restored');
    await restoreDataDir(file, restoredDir);
    const restored = await contextAt(restoredDir);
    try {
      const res = await createApp(restored).request(`${url}/fhir/Patient/p1/$everything?_count=500`, {
        headers: { Authorization: `Bearer ${KEY}` },
      });
      expect(res.status).toBe(200);
      // Compared whole, as text: not one byte differs.
      const after = await res.text();
      expect(after.length).toBe(before.length);
      expect(after === before).toBe(true);
    } finally {
      await restored.close();
    }
    // The backup is on the record.
    expect((await ctx.audit.query({ limit: 50 })).some((row) => row.action === 'backup' && row.outcome === 200)).toBe(
      true,
    );
  }, 120_000);

  it('restores only into an empty directory', async () => {
    const file = join(root, 'backup.tar.gz');
    await expect(restoreDataDir(file, join(root, 'live'))).rejects.toThrow(/not empty: restore into a new directory/);
    await expect(restoreDataDir(join(root, 'missing.tar.gz'), join(root, 'other'))).rejects.toThrow(/no file/);
  });

  it('refuses a backup to anyone but an admin', async () => {
    const res = await fetch(`${url}/api/backup`, { headers: { 'x-test-role': 'clinician' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/only an admin may back up/);
  });
});
