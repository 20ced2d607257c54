import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { builtModule } from '../../test/support/built.js';
import { createEmptyStore } from '../../test/support/pglite.js';
import { openDatabase } from './database.js';
import { lockPath } from './lock.js';

// The child runs the compiled store with plain node: tsx would compile TypeScript for seconds at each start.
const database = builtModule('src/store/database.ts', 'src/store/lock.ts');
const dirs: string[] = [];
/** A new folder's first open, on a copied empty cluster (initdb on each folder took seconds); the lock is the same. */
const openNew = async (dataDir: string) => {
  await createEmptyStore(dataDir);
  return openDatabase({ dataDir });
};
// Opening PGlite takes seconds on a busy machine: tests allow 120 s.
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'medseek-lock-'));
  dirs.push(d);
  return join(d, 'data');
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Another process opening `dataDir`: what it printed, and how it ended. */
async function openInChild(dataDir: string): Promise<{ code: number; stderr: string; stdout: string }> {
  const script = `(async () => {
  const { openDatabase } = await import(${JSON.stringify(database)});
  const db = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} }).catch((e) => { process.stderr.write(e.message); process.exit(2); });
  await db.query('select 1'); await db.close(); process.stdout.write('opened');
})();`;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('one writer per embedded database', () => {
  it('refuses a second process on the same directory, naming the holder, and lets it in once closed', async () => {
    const dataDir = tmp();
    const db = await openNew(dataDir);
    try {
      const refused = await openInChild(dataDir);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`in use by process ${process.pid} on ${hostname()}`);
      expect(refused.stderr).toMatch(/since \d{4}-\d\d-\d\dT/);
      // The holder keeps working.
      expect((await db.query<{ n: number }>('select 1 as n')).rows[0]!.n).toBe(1);
    } finally {
      await db.close();
    }
    expect(await openInChild(dataDir)).toMatchObject({ code: 0, stdout: 'opened' });
  }, 120_000);

  it('refuses a second open in the same process too', async () => {
    const dataDir = tmp();
    const db = await openNew(dataDir);
    try {
      await expect(openDatabase({ dataDir })).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining(`process ${process.pid}`),
      });
    } finally {
      await db.close();
    }
  }, 120_000);

  it('takes over a lock left by a process that died (its pid is gone)', async () => {
    const dataDir = tmp();
    await openNew(dataDir).then((db) => db.close());
    mkdirSync(lockPath(dataDir));
    const pid = await deadPid();
    writeFileSync(
      `${dataDir}.lock-holder.json`,
      JSON.stringify({ pid, host: hostname(), command: 'medseek serve', since: new Date().toISOString() }),
    );
    const db = await openDatabase({ dataDir });
    expect(JSON.parse(readFileSync(`${dataDir}.lock-holder.json`, 'utf8'))).toMatchObject({ pid: process.pid });
    await db.close();
  }, 120_000);

  it('takes over a lock nobody has refreshed for longer than the stale time (a crash elsewhere)', async () => {
    const dataDir = tmp();
    mkdirSync(lockPath(dataDir), { recursive: true });
    // A holder on another machine (a shared folder) that stopped refreshing its lock a minute ago.
    writeFileSync(
      `${dataDir}.lock-holder.json`,
      JSON.stringify({ pid: 1, host: 'elsewhere', command: 'medseek serve', since: '2026-01-01T00:00:00.000Z' }),
    );
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPath(dataDir), old, old);
    const db = await openNew(dataDir);
    await db.close();
  }, 120_000);

  it('does not take over a fresh lock whose holder is on another machine', async () => {
    const dataDir = tmp();
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(lockPath(dataDir));
    writeFileSync(
      `${dataDir}.lock-holder.json`,
      JSON.stringify({ pid: 1, host: 'ward-server-2', command: 'medseek serve', since: '2026-12-05T08:00:00.000Z' }),
    );
    await expect(openDatabase({ dataDir })).rejects.toThrow(
      /in use by process 1 on ward-server-2 \(medseek serve\), since 2026-12-05T08:00:00\.000Z/,
    );
  });
});
