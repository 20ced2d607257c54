import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/index.js';
import { type AppContext, createLogger, openContext } from '../../server/index.js';
import { type Database, openDatabase } from '../../store/index.js';
import type { AgentAccess, AgentAuditEvent, AgentRole } from './access.js';
import { createMedSeekMcp, MCP_PROMPTS, MCP_TOOLS, type MedSeekMcp } from './server.js';

const PNEUMONIA = '93f0e6d2-da20-4eec-8eb3-410de4fe430a';
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26';

type Json = Record<string, unknown>;

/** The MCP server over the shipped demo (patients and knowledge release), through the SDK's own client in memory. */
describe('MedSeek MCP server', () => {
  let db: Database;
  let ctx: AppContext;
  let mcp: MedSeekMcp;
  const audit: AgentAuditEvent[] = [];

  beforeAll(async () => {
    db = await openDatabase();
    ctx = await openContext(loadConfig({}, { demo: true, logLevel: 'warn' }), {
      db,
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    mcp = createMedSeekMcp({ db: ctx.db, resources: ctx.resources }, 'test');
  }, 240_000);
  afterAll(async () => {
    await ctx?.close();
    await db?.close();
  });

  const connect = async (
    role: AgentRole = 'clinician',
    options: { sees?: readonly string[]; deidentify?: boolean } = {},
  ): Promise<Client> => {
    const sees = options.sees ? new Set(options.sees) : undefined;
    const access: AgentAccess = {
      principal: { id: `test:${role}`, name: `test ${role}`, role },
      allows: async (id) => !sees || sees.has(id),
      visible: async () => sees,
      audit: async (e) => {
        audit.push(e);
      },
      deidentify: options.deidentify ?? false,
    };
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.server(access).connect(serverSide);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(clientSide);
    return client;
  };
  const call = async (client: Client, name: string, args: Json) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
  const body = (r: CallToolResult) => {
    expect(r.isError, text(r)).toBeFalsy();
    return JSON.parse(text(r)) as Json;
  };

  it('lists every tool with its input schema, the resource templates and the prompts', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...MCP_TOOLS]);
    for (const t of tools) expect(t.inputSchema.type).toBe('object');
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      'medseek://patients/{patientId}',
      'medseek://patients/{patientId}/documents/{documentId}',
    ]);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual([...MCP_PROMPTS]);
  });

  it('answers each tool from the stages, and audits every read of a patient', async () => {
    const client = await connect();
    audit.length = 0;
    const found = body(await call(client, 'search_patients', { query: '张建国' }));
    expect((found.patients as { id: string }[]).map((p) => p.id)).toEqual([PNEUMONIA]);

    const state = body(await call(client, 'get_patient_state', { patientId: PNEUMONIA, sections: ['demographics'] }));
    expect(Object.keys(state).sort()).toEqual(['at', 'demographics', 'patientId']);

    const notes = body(await call(client, 'search_notes', { patientId: PNEUMONIA, query: '咳嗽' }));
    const hits = notes.occurrences as { document: string; start: number; end: number; quote: string }[];
    expect(hits.length).toBeGreaterThan(0);
    const first = hits[0]!;
    const doc = await client.readResource({
      uri: `medseek://patients/${PNEUMONIA}/documents/${first.document.split('/')[1]}`,
    });
    expect((doc.contents[0] as { text: string }).text.slice(first.start, first.end)).toBe(first.quote);

    const ddx = body(await call(client, 'get_differential', { patientId: PNEUMONIA, top: 3 }));
    const top = (ddx.conclusions as { statement: { en: string }; evidence: { sources: unknown[] }[] }[])[0]!;
    expect(top.statement.en).toMatch(/Pneumonia/);

    const order = body(
      await call(client, 'check_order_safety', { patientId: WARFARIN, medication: { text: 'ibuprofen' } }),
    );
    expect((order.proposed as unknown[]).length).toBe(1);
    expect((order.findings as { severity: string; group: string }[]).some((f) => f.severity === 'high')).toBe(true);

    const critical = body(await call(client, 'get_critical_values', { patientId: WARFARIN }));
    expect(JSON.stringify(critical.criticalValues)).toMatch(/potassium|钾/i);

    const qc = body(await call(client, 'check_record_quality', { patientId: WARFARIN }));
    expect(typeof qc.score).toBe('number');
    expect(['甲', '乙', '丙']).toContain(qc.grade);

    const summary = body(await call(client, 'compose_summary', { patientId: PNEUMONIA, lang: 'zh' }));
    expect((summary.report as { counts: { contradicted: number } }).counts.contradicted).toBe(0);
    const draft = (summary.document as { text: string }).text;
    const wrong = draft.replace('30 mg 口服 每日3次', '300 mg 口服 每日3次');
    expect(wrong).not.toBe(draft);
    const verified = body(await call(client, 'verify_text', { patientId: PNEUMONIA, text: wrong, lang: 'zh' }));
    expect((verified.counts as { contradicted: number }).contradicted).toBeGreaterThan(0);

    const kg = body(await call(client, 'knowledge_lookup', { query: 'pneumonia', neighbours: true }));
    const best = (kg.matches as { concept: { id: string } }[])[0]!;
    expect((kg.neighbours as unknown[]).length).toBeGreaterThan(0);
    const other = (kg.neighbours as { other?: { id: string } }[]).find((n) => n.other)!.other!.id;
    const paths = body(await call(client, 'knowledge_paths', { from: best.concept.id, to: other, maxHops: 1 }));
    expect((paths.paths as unknown[]).length).toBeGreaterThan(0);

    // Every tool that read a patient wrote a row naming them; the knowledge graph wrote none.
    expect(audit.map((e) => [e.action, e.patients.join(), e.outcome])).toEqual([
      ['search', PNEUMONIA, 200],
      ['read', PNEUMONIA, 200],
      ['search', PNEUMONIA, 200],
      ['read', PNEUMONIA, 200],
      ['diagnose', PNEUMONIA, 200],
      ['check', WARFARIN, 200],
      ['read', WARFARIN, 200],
      ['read', WARFARIN, 200],
      ['compose', PNEUMONIA, 200],
      ['verify', PNEUMONIA, 200],
    ]);
  }, 240_000);

  it('refuses bad input with isError naming the field', async () => {
    const client = await connect();
    const bad: [string, Json, string][] = [
      ['search_patients', { limit: 0 }, 'limit'],
      ['get_patient_state', { patientId: PNEUMONIA, sections: ['everything'] }, 'sections'],
      ['search_notes', { patientId: PNEUMONIA, query: '' }, 'query'],
      ['get_differential', { patientId: PNEUMONIA, top: 0 }, 'top'],
      ['check_order_safety', { patientId: WARFARIN, medication: { text: 'x', code: 'B01AC06' } }, 'code'],
      ['get_critical_values', { patientId: WARFARIN, scope: 'week' }, 'scope'],
      ['check_record_quality', { patientId: WARFARIN, encounterId: 'no-such-stay' }, 'encounterId'],
      ['verify_text', { patientId: PNEUMONIA }, 'text'],
      ['compose_summary', { patientId: PNEUMONIA, lang: 'fr' }, 'lang'],
      ['knowledge_lookup', { query: 'x', types: ['planet'] }, 'types'],
      ['knowledge_paths', { from: 'pneumonia', to: 'no such concept anywhere' }, 'to'],
      ['get_patient_state', { patientId: 'no-such-patient' }, 'patientId'],
      ['ask_record', { patientId: PNEUMONIA, question: '' }, 'question'],
    ];
    for (const [tool, args, field] of bad) {
      const r = await call(client, tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}: ${text(r)}`).toBe(true);
      // The SDK's schema check ends `… at <field path>`; a stage's own refusal says `field <name>:`.
      expect(text(r), tool).toMatch(new RegExp(`( at [\\w.[\\]]*\\b${field}\\b[\\w.[\\]]*$)|(field ${field}:)`));
    }
    expect(bad.map(([t]) => t)).toEqual(expect.arrayContaining([...MCP_TOOLS]));
  }, 240_000);

  it('refuses a staff tool to a patient and another patient’s record, auditing both as denied', async () => {
    const client = await connect('patient', { sees: [PNEUMONIA] });
    audit.length = 0;
    const own = body(await call(client, 'get_patient_state', { patientId: PNEUMONIA, sections: ['demographics'] }));
    expect(own.patientId).toBe(PNEUMONIA);
    const other = await call(client, 'get_patient_state', { patientId: WARFARIN });
    expect(other.isError).toBe(true);
    expect(text(other)).toMatch(/may not see Patient\/318d8f7d/);
    const ddx = await call(client, 'get_differential', { patientId: PNEUMONIA });
    expect(text(ddx)).toMatch(/role 'patient' may not call get_differential/);
    const listed = body(await call(client, 'search_patients', {}));
    expect((listed.patients as { id: string }[]).map((p) => p.id)).toEqual([PNEUMONIA]);
    await expect(client.readResource({ uri: `medseek://patients/${WARFARIN}` })).rejects.toThrow(/may not see/);
    expect(audit.filter((e) => e.action === 'denied').map((e) => [e.patients.join(), e.outcome])).toEqual([
      [WARFARIN, 403],
      [PNEUMONIA, 403],
      [WARFARIN, 403],
    ]);
  }, 240_000);

  it('de-identifies results for an untrusted client: the patient’s name never leaves', async () => {
    const client = await connect('clinician', { deidentify: true });
    const found = await call(client, 'search_patients', { query: '张建国' });
    expect(text(found)).not.toContain('张建国');
    expect(JSON.parse(text(found)).patients[0].id).toBe(PNEUMONIA);
    const resource = await client.readResource({ uri: `medseek://patients/${PNEUMONIA}` });
    expect((resource.contents[0] as { text: string }).text).not.toContain('张建国');
    const trusted = await connect('clinician');
    expect(text(await call(trusted, 'search_patients', { query: '张建国' }))).toContain('张建国');
  }, 240_000);

  it('gives the prompts with the patient and the tools to call', async () => {
    const client = await connect();
    const p = await client.getPrompt({ name: 'discharge_summary_draft', arguments: { patientId: PNEUMONIA } });
    const t = (p.messages[0]!.content as { text: string }).text;
    expect(t).toContain('出院小结');
    expect(t).toContain(`compose_summary with patientId "${PNEUMONIA}"`);
    expect(t).toContain('verify_text');
  });
});
