import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { federateSites } from './__fixtures__/federate-sites.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SITES = ['a', 'b', 'c'];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** A DAP round by the command line: the task, two aggregator processes, three hospitals' uploads, the collection. */
describe('medseek federate over DAP (CLI)', { timeout: 180_000 }, () => {
  const { at, run } = federateSites('medseek-federate-dap-', { a: [0, 4], b: [4, 8], c: [8, 12] });
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGTERM');
  });

  /** `medseek federate dap-aggregator` in its own process, resolved once it listens. */
  function aggregator(role: string, port: number): Promise<void> {
    const args = ['--import', 'tsx', 'src/cli/main.ts', 'federate', 'dap-aggregator', '--role', role];
    const child = spawn(
      process.execPath,
      [...args, '--task', at('task.json'), '--secret', at(`secrets/${role}.json`), '--port', String(port)],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    return new Promise((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (d) => {
        err += String(d);
      });
      child.stdout!.on('data', (d) => {
        if (String(d).includes('listening at')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`${role} exited ${code}: ${err}`)));
    });
  }

  const exportArgs = (s: string) => [
    ...['export', '--dap', at('task.json'), '--kb', 'ddxplus', '--cases', at(`${s}.jsonl`), '--site', s],
    ...['--ledger', at(`${s}-ledger.json`), '--out', at(`${s}.receipt.json`)],
  ];

  it('runs a round through the leader and helper processes and imports the sum as a candidate', async () => {
    const [lp, hp] = [await freePort(), await freePort()];
    expect(
      await run(
        ...[
          'dap-task',
          '--kb',
          'ddxplus',
          '--leader',
          `http://127.0.0.1:${lp}/`,
          '--helper',
          `http://127.0.0.1:${hp}/`,
        ],
        ...['--hospitals', '3', '--epsilon', '8', '--clip', '12', '--closed-world', '--bits', '16'],
        ...['--out', at('task.json'), '--secrets', at('secrets')],
      ),
    ).toMatch(/Prio3SumVec of \d+ cells × 16 bits/);
    // The task is public: it holds no private key, verify key or token.
    const task = readFileSync(at('task.json'), 'utf8');
    for (const role of ['leader', 'helper', 'collector']) {
      const secret = JSON.parse(readFileSync(at(`secrets/${role}.json`), 'utf8'));
      expect(task).not.toContain(secret.hpke.privateKey);
      if (secret.verifyKey) expect(task).not.toContain(secret.verifyKey);
    }
    await Promise.all([aggregator('helper', hp), aggregator('leader', lp)]);

    for (const s of SITES)
      expect(await run(...exportArgs(s), '--budget-epsilon', '8', '--budget-delta', '1e-5')).toMatch(
        /sent a DAP report of \d+ bytes .* spent ε 8 of 8/,
      );
    await expect(run(...exportArgs('a'))).rejects.toThrow(/already released/);
    const receipt = readFileSync(at('a.receipt.json'), 'utf8');
    expect(receipt).not.toMatch(/row-\d|counts/);
    expect(JSON.parse(readFileSync(at('a-ledger.json'), 'utf8')).spends).toHaveLength(1);

    expect(
      await run(
        'collect',
        '--task',
        at('task.json'),
        '--secret',
        at('secrets/collector.json'),
        '--out',
        at('agg.json'),
      ),
    ).toMatch(/3 hospitals' reports/);
    const agg = JSON.parse(readFileSync(at('agg.json'), 'utf8'));
    expect(agg).toMatchObject({ format: 'medseek-federated-aggregate/1', dap: { reportCount: 3 } });
    const imported = JSON.parse(await run('import', at('agg.json'), '--kb', 'ddxplus', '--by', 'dr.li'));
    expect(imported).toMatchObject({ status: 'candidate' });
  });
});
