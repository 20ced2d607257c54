import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as en from '../../fusion/__fixtures__/en-patient.js';
import { createResourceRepository, type FhirResource, migrate, openDatabase } from '../../store/index.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'medseek.js');

describe('medseek summarize with a model that never answers', () => {
  let dataDir: string;
  let silent: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'medseek-summarize-'));
    const db = await openDatabase({ dataDir: join(dataDir, 'store') });
    await migrate(db);
    await createResourceRepository(db).putMany(en.allResources as unknown as FhirResource[]);
    await db.close();
    // Accepts the connection, then says nothing.
    silent = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent?.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the verified template text at the deadline and says why on stderr only', async () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('MEDSEEK_') && k !== 'DEEPSEEK_API_KEY'),
    );
    const { stdout, stderr } = await run(process.execPath, [bin, 'summarize', 'e1', '--lang', 'en'], {
      env: {
        ...env,
        MEDSEEK_DATA_DIR: join(dataDir, 'store'),
        DATABASE_URL: '',
        MEDSEEK_LLM_BASE_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`,
        MEDSEEK_LLM_MODEL: 'ward-model',
        MEDSEEK_LLM_TRUST: 'local',
        MEDSEEK_LLM_DEADLINE_MS: '800',
      },
    });
    expect(sockets.size).toBeGreaterThanOrEqual(1);
    expect(stderr).toContain('model unavailable: no answer within 0.8 s; showing the verified template text');
    expect(stdout).not.toMatch(/<!--|no answer|template \(|model/i);
    expect(stdout.length).toBeGreaterThan(100);
  }, 60_000);
});
