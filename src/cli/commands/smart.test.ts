import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../store/index.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'medseek.js');

describe('medseek smart clients', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'medseek-smart-'));
    const db = await openDatabase({ dataDir });
    await migrate(db);
    await db.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const medseek = (args: string[]) =>
    run(process.execPath, [bin, 'smart', 'clients', ...args], {
      env: { ...process.env, MEDSEEK_DATA_DIR: dataDir, DATABASE_URL: '' },
    });

  it('lists the workspace app by default, adds a confidential app with a secret shown once, and removes it', async () => {
    const added = JSON.parse(
      (
        await medseek([
          'add',
          '--id',
          'ward-app',
          '--name',
          'Ward app',
          '--redirect',
          'https://ward.example.org/cb',
          '--confidential',
          '--json',
        ])
      ).stdout,
    ) as { secret: string };
    expect(added.secret).toMatch(/^mss_/);
    const db = await openDatabase({ dataDir });
    try {
      const { rows } = await db.query<{ secret_hash: string }>(
        "select secret_hash from medseek_smart_clients where client_id = 'ward-app'",
      );
      expect(rows[0]!.secret_hash).not.toContain(added.secret);
      expect(rows[0]!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await db.close();
    }
    const listed = JSON.parse((await medseek(['list', '--json'])).stdout) as Record<string, unknown>[];
    // The workspace's own app is registered by the migration.
    expect(listed.map((c) => c.clientId)).toEqual(['medseek-workspace', 'ward-app']);
    expect(listed[0]).toMatchObject({ confidential: false, redirectUris: ['/smart-launch.html'] });
    expect(JSON.stringify(listed)).not.toContain('mss_');

    await medseek(['remove', 'ward-app']);
    const after = await openDatabase({ dataDir });
    try {
      expect(
        (await after.query("select client_id from medseek_smart_clients where client_id = 'ward-app'")).rows,
      ).toEqual([]);
    } finally {
      await after.close();
    }
  }, 180_000);

  it('refuses an http redirect URI off localhost, naming the field', async () => {
    await expect(
      medseek(['add', '--id', 'bad', '--name', 'Bad', '--redirect', 'http://app.example.org/cb']),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('redirect_uris') });
  }, 60_000);
});
