import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPortFree, stepPrinter } from './serve-start.js';

describe('a busy port, said at once', () => {
  let busy: Server;
  let port = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen({ host: '127.0.0.1', port: 0 }, () => r()));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => busy.close(() => r())));

  it('names the port and how to choose another; a free port passes', async () => {
    await expect(checkPortFree('127.0.0.1', port)).rejects.toMatchObject({
      code: 'unavailable',
      message:
        `field --port: port ${port} on 127.0.0.1 is already in use (another MedSeek or another program listens ` +
        'there); choose another with --port <n> or PORT=<n> (--port 0 picks a free one)',
      location: { field: '--port' },
    });
    await expect(checkPortFree('127.0.0.1', 0)).resolves.toBeUndefined();
  });

  it('`medseek serve` on it exits 1 with that message before opening the database', async () => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo', '--port', `${port}`],
      {
        env: { ...process.env, MEDSEEK_DATA_DIR: '/nonexistent/medseek-port-test', MEDSEEK_LOG_LEVEL: 'silent' },
      },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    expect(await new Promise((r) => child.once('exit', r))).toBe(1);
    expect(stderr).toContain(`medseek: unavailable: field --port: port ${port} on 127.0.0.1 is already in use`);
    expect(stderr).toContain('--port <n> or PORT=<n>');
    // No start-up step ran: the database was never opened.
    expect(stdout).not.toContain('opening the database');
    // tsx compiles the CLI on the fly (a second or two under load); the database and knowledge take longer.
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 60_000);
});

describe('start-up progress', () => {
  it('prints each step as it starts and its outcome with the time it took', () => {
    let out = '';
    const step = stepPrinter((t) => (out += t), 2);
    step({ name: 'database' });
    step({ name: 'database', done: 'PGlite at /tmp/x' });
    step({ name: 'migrations' });
    step({ name: 'migrations', done: '3 applied' });
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^\[1\/2\] opening the database… PGlite at \/tmp\/x \(\d+\.\d s\)$/);
    expect(lines[1]).toMatch(/^\[2\/2\] applying database migrations… 3 applied \(\d+\.\d s\)$/);
    expect(lines.slice(2)).toEqual(['']);
  });

  it("shows a long step's progress in tenths, each once, then its outcome", () => {
    let out = '';
    const step = stepPrinter((t) => (out += t), 1);
    step({ name: 'knowledge' });
    for (const p of [0, 0.05, 0.1, 0.12, 0.35, 0.999, 1, 1]) step({ name: 'knowledge', progress: p });
    step({ name: 'knowledge', done: 'broad release 1 built and active' });
    expect(out).toMatch(
      /^\[1\/1\] preparing the knowledge release… 10% 30% 90% 100% broad release 1 built and active \(\d+\.\d s\)\n$/,
    );
  });
});
