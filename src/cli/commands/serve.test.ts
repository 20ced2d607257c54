import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'medseek-serve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The environment without any model configuration of the machine running the tests. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('MEDSEEK_') && k !== 'DEEPSEEK_API_KEY' && k !== 'DATABASE_URL',
    ),
  );
  return { ...env, ...extra };
}

describe('medseek serve', () => {
  it('on SIGTERM stops, closes the database (releasing its lock) and exits 0; a second serve on the directory is refused meanwhile', async () => {
    const dataDir = join(root, 'data');
    const env = cleanEnv({
      MEDSEEK_DATA_DIR: dataDir,
      MEDSEEK_API_KEYS: 'serve-test-key',
      MEDSEEK_LOG_LEVEL: 'silent',
      // No knowledge release: this test is about stopping, not the broad release a first start builds.
      MEDSEEK_KNOWLEDGE: 'none',
    });
    // Node itself (tsx as a loader), so that the pid the lock names is the one we signal.
    const medseek = (...args: string[]) =>
      spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env });
    const child = medseek('serve', '--port', '0');
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /listening on (http:\/\/\S+) /.exec(stdout);
        if (m) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`serve exited early: ${stderr}`)));
    });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(existsSync(`${dataDir}.lock`)).toBe(true);

    const second = medseek('serve', '--port', '0');
    let secondErr = '';
    second.stderr.on('data', (d) => (secondErr += d));
    expect(await new Promise((r) => second.once('exit', r))).toBe(1);
    expect(secondErr).toMatch(new RegExp(`in use by process ${child.pid} `));

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM: finishing requests in flight');
    // The embedded database: this process sends the follow-up reminders, and stopped them before closing it.
    expect(stdout).toContain('follow-up reminders: every 10 min through the page notifier');
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 180_000);
});
