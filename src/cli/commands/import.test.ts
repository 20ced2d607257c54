import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImportSummary } from '../../ingest/index.js';
import { createResourceRepository, openDatabase } from '../../store/index.js';
import { buildProgram } from '../program.js';

/** `medseek import` as a user runs it, against an on-disk PGlite in a temporary folder. */
describe('medseek import (CLI)', { timeout: 120_000 }, () => {
  let dir: string;
  const saved = { dataDir: process.env.MEDSEEK_DATA_DIR, url: process.env.DATABASE_URL, exitCode: process.exitCode };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'medseek-import-cli-'));
    process.env.MEDSEEK_DATA_DIR = join(dir, 'store');
    delete process.env.DATABASE_URL;
  });
  afterAll(() => {
    process.env.MEDSEEK_DATA_DIR = saved.dataDir;
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    process.exitCode = saved.exitCode;
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<{ out: string; exitCode: number | string | undefined }> {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    process.exitCode = undefined;
    try {
      await buildProgram().parseAsync(['node', 'medseek', 'import', ...args]);
    } finally {
      spy.mockRestore();
    }
    const exitCode = process.exitCode;
    process.exitCode = undefined;
    return { out, exitCode };
  }

  it('imports a file, prints a JSON summary and exits 0, then finds it unchanged', async () => {
    const fixture = join(import.meta.dirname, '..', '..', 'ingest', '__fixtures__', 'transaction.json');
    const first = await run(fixture, '--format', 'json');
    const summary = JSON.parse(first.out) as ImportSummary;
    expect(summary).toMatchObject({ files: 1, read: 5, created: 5, rejected: 0, errors: [] });
    expect(summary.byType.Patient).toEqual({ read: 1, created: 1, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.exitCode).toBeUndefined();
    const again = JSON.parse((await run(fixture, '--format', 'json')).out) as ImportSummary;
    expect(again).toMatchObject({ unchanged: 5, created: 0 });
    const db = await openDatabase({ dataDir: join(dir, 'store') });
    try {
      expect((await createResourceRepository(db).search('Observation', { codes: ['2823-3'] })).total).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('exits non-zero and lists the errors when something is rejected', async () => {
    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, '{"resourceType":"Patient","id":"fine"}\n{"resourceType":"Patient","id":"broken"\n');
    const { out, exitCode } = await run(file);
    expect(exitCode).toBe(1);
    expect(out).toMatch(/2 resources read, 1 created, 0 updated, 0 unchanged, 1 rejected/);
    expect(out).toMatch(/invalid: .*bad\.ndjson line 2: malformed JSON/);
  });

  it('refuses an unknown --format', async () => {
    await expect(run(dir, '--format', 'xml')).rejects.toThrow(/--format/);
  });
});
