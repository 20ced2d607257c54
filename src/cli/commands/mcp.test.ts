import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_TOOLS } from '../../agents/index.js';
import * as en from '../../fusion/__fixtures__/en-patient.js';
import { ApiKeyStore } from '../../server/index.js';
import { createResourceRepository, type FhirResource, migrate, openDatabase } from '../../store/index.js';

const ADMIN_KEY = 'stdio-admin-key-0123456789abcdef';
const root = join(import.meta.dirname, '..', '..', '..');

/** `medseek mcp` as an MCP host runs it: a child process speaking MCP on stdio, started with `npx tsx`. */
describe('medseek mcp (stdio)', () => {
  let dataDir: string;
  let patientKey: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'medseek-mcp-'));
    const db = await openDatabase({ dataDir: join(dataDir, 'store') });
    await migrate(db);
    await createResourceRepository(db).putMany(en.allResources as unknown as FhirResource[]);
    // A patient key bound to another patient than the fixture's p1.
    patientKey = (await new ApiKeyStore(db).create('someone else', { role: 'patient', patientId: 'p2' })).key;
    await db.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const env = (key?: string): Record<string, string> => {
    const e: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MEDSEEK_')) e[k] = v;
    return {
      ...e,
      MEDSEEK_DATA_DIR: join(dataDir, 'store'),
      MEDSEEK_API_KEYS: ADMIN_KEY,
      MEDSEEK_LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      ...(key ? { MEDSEEK_MCP_KEY: key } : {}),
    };
  };
  // On a busy machine the child's first read is slow (the NLP loads on first use): more than the SDK's 60 s default.
  const slow = { timeout: 200_000 };
  const start = async (key: string): Promise<Client> => {
    const transport = new StdioClientTransport({
      command: 'npx',
      args: ['tsx', 'src/cli/main.ts', 'mcp'],
      cwd: root,
      env: env(key),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1' });
    await client.connect(transport, slow);
    return client;
  };
  const call = async (client: Client, name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args }, undefined, slow)) as CallToolResult;
  const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

  it('refuses to start without an API key, naming the option', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile('npx', ['tsx', 'src/cli/main.ts', 'mcp'], { cwd: root, env: env() }, (err, _stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/field --key: an API key is required/);
  }, 120_000);

  it('serves the tools as the key’s principal, refuses bad input and another patient, audits the reads', async () => {
    const admin = await start(ADMIN_KEY);
    try {
      expect((await admin.listTools(undefined, slow)).tools.map((t) => t.name)).toEqual([...MCP_TOOLS]);
      const state = await call(admin, 'get_patient_state', { patientId: 'p1', sections: ['demographics'] });
      expect(state.isError, text(state)).toBeFalsy();
      expect(JSON.parse(text(state)).demographics.age).toBeGreaterThan(0);
      const bad = await call(admin, 'get_patient_state', { patientId: 'p1', at: 'yesterday' });
      expect(bad.isError).toBe(true);
      // The SDK names the field after the reason: `… at <field>`.
      expect(text(bad)).toMatch(/Input validation error: .*ISO-8601 date or date-time at at$/);
    } finally {
      await admin.close();
    }
    const patient = await start(patientKey);
    try {
      const refused = await call(patient, 'get_patient_state', { patientId: 'p1' });
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/may not see Patient\/p1/);
    } finally {
      await patient.close();
    }
    // The child has closed the store: its audit rows are there, with the key and the transport.
    const db = await openDatabase({ dataDir: join(dataDir, 'store') });
    try {
      const rows = await db.query<{ principal: string; action: string; patient_id: string; outcome: number }>(
        `select principal, action, patient_id, outcome from medseek_audit
         where detail->>'transport' = 'stdio' order by id`,
      );
      expect(
        rows.rows.map((r) => [
          r.principal.replace(/^key:(?!env).*/, 'key:patient'),
          r.action,
          r.patient_id,
          Number(r.outcome),
        ]),
      ).toEqual([
        ['key:env:1', 'read', 'p1', 200],
        ['key:patient', 'denied', 'p1', 403],
      ]);
    } finally {
      await db.close();
    }
  }, 240_000);
});
