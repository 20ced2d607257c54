import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import { MCP_TOOLS } from '../../agents/index.js';
import { loadConfig } from '../../core/index.js';
import { type AppContext, openContext } from '../context.js';
import { listen, type RunningServer } from '../listen.js';
import { createLogger } from '../logger.js';

const ADMIN_KEY = 'mcp-test-admin-key-0123456789';
const PNEUMONIA = '93f0e6d2-da20-4eec-8eb3-410de4fe430a';
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26';
const WARD_PATIENT = 'mcp-ward-patient';

type Json = Record<string, unknown>;

/**
 * `/mcp` over streamable HTTP through the SDK's own client against a running MedSeek: the same
 * credentials, roles, patient scopes and audit log as every other route.
 */
forEachBackendWithDemoRelease('MCP over streamable HTTP', (db) => {
  let ctx: AppContext;
  let server: RunningServer;
  const keys: Record<'patient' | 'clinician' | 'untrusted', { key: string; id: string }> = {} as never;
  const previousUntrusted = process.env.MEDSEEK_MCP_UNTRUSTED;

  beforeAll(async () => {
    const logger = createLogger('silent');
    // The demo patients and knowledge release are loaded by a demo-mode context; the server under test is not in
    // demo mode, so a request without a credential is refused rather than served as the loopback demo.
    const loader = await openContext(loadConfig({}, { demo: true, logLevel: 'silent' }), {
      db: db(),
      logger,
      llm: false,
    });
    await loader.close();
    ctx = await openContext(loadConfig({}, { apiKeys: [ADMIN_KEY], demo: false, logLevel: 'silent' }), {
      db: db(),
      logger,
      llm: false,
      demoLoader: false,
    });
    // A patient of the cardiology ward: its stay names the ward as service provider.
    await ctx.resources.put({ resourceType: 'Patient', id: WARD_PATIENT, name: [{ text: '病房患者' }] } as never);
    await ctx.resources.put({
      resourceType: 'Encounter',
      id: 'mcp-ward-stay',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
      subject: { reference: `Patient/${WARD_PATIENT}` },
      serviceProvider: { reference: 'Organization/cardio' },
      period: { start: '2024-03-01T08:00:00Z', end: '2024-03-05T10:00:00Z' },
    } as never);
    const made = async (name: string, grant: Parameters<AppContext['apiKeys']['create']>[1]) => {
      const { key, info } = await ctx.apiKeys.create(name, grant);
      return { key, id: `key:${info.id}` };
    };
    keys.patient = await made('pneumonia patient', { role: 'patient', patientId: PNEUMONIA });
    keys.clinician = await made('cardiology', { role: 'clinician', units: ['cardio'] });
    keys.untrusted = await made('external agent', { role: 'clinician', allPatients: true });
    process.env.MEDSEEK_MCP_UNTRUSTED = keys.untrusted.id;
    server = await listen(ctx, { port: 0, host: '127.0.0.1' });
  }, 240_000);
  afterAll(async () => {
    if (previousUntrusted === undefined) delete process.env.MEDSEEK_MCP_UNTRUSTED;
    else process.env.MEDSEEK_MCP_UNTRUSTED = previousUntrusted;
    await server?.close(1000);
    await ctx?.close();
  });

  const connect = async (key: string): Promise<Client> => {
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${key}` } },
    });
    const client = new Client({ name: 'http-test', version: '1' });
    await client.connect(transport);
    return client;
  };
  const call = async (client: Client, name: string, args: Json) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
  const auditRows = async (principal: string) =>
    (
      await ctx.db.query<{ action: string; patient_id: string | null; outcome: number; detail: Json | string }>(
        'select action, patient_id, outcome, detail from medseek_audit where principal = $1 order by id',
        [principal],
      )
    ).rows.map((r) => ({
      ...r,
      outcome: Number(r.outcome),
      detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Json,
    }));

  it('lists every tool and answers valid and invalid calls, audited with the key', async () => {
    const client = await connect(ADMIN_KEY);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual([...MCP_TOOLS]);
    const ok = await call(client, 'get_patient_state', { patientId: PNEUMONIA, sections: ['demographics'] });
    expect(ok.isError, text(ok)).toBeFalsy();
    expect(JSON.parse(text(ok)).patientId).toBe(PNEUMONIA);
    const bad = await call(client, 'get_patient_state', { patientId: PNEUMONIA, sections: 'demographics' });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain('sections');
    const rows = await auditRows('key:env:1');
    expect(rows).toContainEqual(
      expect.objectContaining({
        action: 'read',
        patient_id: PNEUMONIA,
        outcome: 200,
        detail: { via: 'mcp', tool: 'get_patient_state' },
      }),
    );
    await client.close();
  }, 240_000);

  it('lets a patient key read its own record only, and no staff tool', async () => {
    const client = await connect(keys.patient.key);
    const own = await call(client, 'get_patient_state', { patientId: PNEUMONIA, sections: ['demographics'] });
    expect(own.isError, text(own)).toBeFalsy();
    const other = await call(client, 'get_patient_state', { patientId: WARFARIN });
    expect(other.isError).toBe(true);
    expect(text(other)).toMatch(/forbidden: .*may not see Patient\/318d8f7d/);
    const staff = await call(client, 'get_differential', { patientId: PNEUMONIA });
    expect(staff.isError).toBe(true);
    expect(text(staff)).toMatch(/role 'patient' may not call get_differential; allowed: admin, clinician/);
    const denied = (await auditRows(keys.patient.id)).filter((r) => r.action === 'denied');
    expect(denied.map((r) => [r.patient_id, r.outcome, r.detail.tool])).toEqual([
      [WARFARIN, 403, 'get_patient_state'],
      [PNEUMONIA, 403, 'get_differential'],
    ]);
    await client.close();
  }, 240_000);

  it('lets a clinician see the patients of their unit and refuses the others', async () => {
    const client = await connect(keys.clinician.key);
    const listed = JSON.parse(text(await call(client, 'search_patients', {}))) as { patients: { id: string }[] };
    expect(listed.patients.map((p) => p.id)).toEqual([WARD_PATIENT]);
    const own = await call(client, 'get_patient_state', { patientId: WARD_PATIENT, sections: ['demographics'] });
    expect(own.isError, text(own)).toBeFalsy();
    const outside = await call(client, 'search_notes', { patientId: PNEUMONIA, query: '咳嗽' });
    expect(outside.isError).toBe(true);
    expect(text(outside)).toMatch(/may not see Patient\/93f0e6d2/);
    await expect(client.readResource({ uri: `medseek://patients/${PNEUMONIA}` })).rejects.toThrow(/may not see/);
    const denied = (await auditRows(keys.clinician.id)).filter((r) => r.action === 'denied');
    expect(denied.map((r) => r.patient_id)).toEqual([PNEUMONIA, PNEUMONIA]);
    await client.close();
  }, 240_000);

  it('de-identifies what an untrusted key reads', async () => {
    const client = await connect(keys.untrusted.key);
    const found = await call(client, 'search_patients', { query: '张建国' });
    expect(JSON.parse(text(found)).patients.map((p: { id: string }) => p.id)).toEqual([PNEUMONIA]);
    expect(text(found)).not.toContain('张建国');
    const admin = await connect(ADMIN_KEY);
    expect(text(await call(admin, 'search_patients', { query: '张建国' }))).toContain('张建国');
    await Promise.all([client.close(), admin.close()]);
  }, 240_000);

  it('refuses a request without a credential, audited as anonymous', async () => {
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    const rows = await auditRows('anonymous');
    expect(rows.some((r) => r.action === 'denied' && r.outcome === 401)).toBe(true);
    await expect(connect('not-a-key')).rejects.toThrow();
  });

  it('keeps no sessions: GET and DELETE answer 405 to a valid key', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${server.url}/mcp`, {
        method,
        headers: { Authorization: `Bearer ${ADMIN_KEY}`, Accept: 'text/event-stream' },
      });
      expect(res.status, method).toBe(405);
    }
  });
});
