import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { programFor } from '../../src/cli/program.js';
import { createEmptyStore } from './pglite.js';

/**
 * A `medseek <command>` run in this process as a user runs it, against an on-disk PGlite in a temporary folder
 * (`MEDSEEK_DATA_DIR` = `<dir>/store`, an empty cluster the first command migrates; `DATABASE_URL` unset): call
 * inside a `describe`. The environment and the
 * exit code are restored afterwards. `run` returns what the command printed and the exit code it set.
 */
export function cliInTempStore(command: string): {
  readonly dir: () => string;
  readonly run: (...args: string[]) => Promise<{ out: string; exitCode: number | string | undefined }>;
} {
  let dir = '';
  const saved = { dataDir: process.env.MEDSEEK_DATA_DIR, url: process.env.DATABASE_URL, exitCode: process.exitCode };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `medseek-${command}-cli-`));
    process.env.MEDSEEK_DATA_DIR = join(dir, 'store');
    delete process.env.DATABASE_URL;
    await createEmptyStore(join(dir, 'store'));
    // The process's first store pays its initdb here, once: a minute and more on a busy machine.
  }, 240_000);
  afterAll(() => {
    process.env.MEDSEEK_DATA_DIR = saved.dataDir;
    if (saved.url !== undefined) process.env.DATABASE_URL = saved.url;
    process.exitCode = saved.exitCode;
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (...args: string[]) => {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    process.exitCode = undefined;
    try {
      const argv = ['node', 'medseek', command, ...args];
      await (await programFor(argv)).exitOverride().parseAsync(argv);
    } finally {
      spy.mockRestore();
    }
    const exitCode = process.exitCode;
    process.exitCode = undefined;
    return { out, exitCode };
  };
  return { dir: () => dir, run };
}
