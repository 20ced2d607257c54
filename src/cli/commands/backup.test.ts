import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as en from '../../fusion/__fixtures__/en-patient.js';
import { createResourceRepository, type FhirResource, migrate, openDatabase } from '../../store/index.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'medseek.js');

describe('medseek backup and restore (no server running)', () => {
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'medseek-backup-cli-'));
    const db = await openDatabase({ dataDir: join(root, 'store') });
    await migrate(db);
    await createResourceRepository(db).putMany(en.allResources as unknown as FhirResource[]);
    await db.close();
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const env = () =>
    Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDSEEK_') && k !== 'DATABASE_URL'));
  const medseek = (args: string[]) =>
    run(process.execPath, [bin, ...args], { env: { ...env(), MEDSEEK_DATA_DIR: join(root, 'store') } });

  it('writes a backup file and restores it into a new directory, refusing a non-empty one', async () => {
    const file = join(root, 'b.tar.gz');
    expect((await medseek(['backup', '--out', file])).stdout).toMatch(/backup written to .*b\.tar\.gz/);
    await medseek(['restore', file, '--data-dir', join(root, 'copy')]);
    const everything = async (dir: string) => {
      const db = await openDatabase({ dataDir: join(root, dir) });
      try {
        return JSON.stringify(await createResourceRepository(db).everything('p1'));
      } finally {
        await db.close();
      }
    };
    const original = await everything('store');
    expect(JSON.parse(original).length).toBeGreaterThan(3);
    expect(await everything('copy')).toBe(original);
    const refused = await medseek(['restore', file, '--data-dir', join(root, 'store')]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/is not empty: restore into a new directory/),
    });
  }, 120_000);
});
