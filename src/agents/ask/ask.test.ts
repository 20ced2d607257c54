import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFacts, loadConfig, type PatientState } from '../../core/index.js';
import { LlmClient, type LlmProvider, type ProviderRequest, type ProviderResponse } from '../../llm/index.js';
import { type AppContext, createLogger, openContext } from '../../server/index.js';
import { type Database, openDatabase } from '../../store/index.js';
import type { AgentAccess, AgentAuditEvent, AgentRole } from '../mcp/access.js';
import { createMedSeekMcp, type MedSeekMcp } from '../mcp/server.js';
import { askRecord } from './ask.js';
import { checkSentences } from './check.js';
import { mcpToolCaller, type ToolCaller } from './tools.js';

const PNEUMONIA = '93f0e6d2-da20-4eec-8eb3-410de4fe430a';
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26';
const PGX = 'be161899-b0b3-469a-83b8-d1d9c9b371b0';

/** A model that calls get_patient_state, then answers `answer(state)` (a scripted model, in process). */
function scripted(answer: (state: PatientState) => string): LlmProvider & { requests: ProviderRequest[] } {
  const requests: ProviderRequest[] = [];
  return {
    name: 'scripted',
    kind: 'openai-compatible',
    trust: 'local',
    defaultModel: 'scripted',
    jsonMode: 'none',
    supportsTools: true,
    requests,
    async complete(req): Promise<ProviderResponse> {
      requests.push(req);
      const tool = req.messages.find((m) => m.role === 'tool');
      const patientId = /Patient\/([\w-]+)/.exec(req.messages[0]!.content)![1]!;
      if (!tool)
        return {
          content: '',
          toolCalls: [{ id: 'c1', name: 'get_patient_state', arguments: JSON.stringify({ patientId }) }],
          finishReason: 'tool_calls',
          model: 'scripted',
        };
      return { content: answer(JSON.parse(tool.content)), toolCalls: [], finishReason: 'stop', model: 'scripted' };
    },
  };
}

/** Ask the record over the shipped demo, through MedSeek's MCP tools in memory. */
describe('ask the record', () => {
  let db: Database;
  let ctx: AppContext;
  let mcp: MedSeekMcp;
  const audit: AgentAuditEvent[] = [];
  const accessFor = (role: AgentRole = 'clinician'): AgentAccess => ({
    principal: { id: `test:${role}`, name: `test ${role}`, role },
    allows: async () => true,
    visible: async () => undefined,
    audit: async (e) => {
      audit.push(e);
    },
    deidentify: false,
  });
  const callers: ToolCaller[] = [];
  const caller = async (role: AgentRole = 'clinician') => {
    const c = await mcpToolCaller((a) => mcp.server(a), accessFor(role));
    callers.push(c);
    return c;
  };

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
    for (const c of callers) await c.close();
    await ctx?.close();
    await db?.close();
  });

  it('answers a lab question in Chinese with the fact it rests on, verified, and its sources', async () => {
    audit.length = 0;
    const a = await askRecord(await caller(), { patientId: WARFARIN, question: '这次住院血钾最高多少？' });
    expect(a.lang).toBe('zh');
    expect(a.intent).toBe('lab-value');
    expect(a.refused).toBe(false);
    expect(a.answeredBy).toBe('deterministic');
    expect(a.sentences).toHaveLength(1);
    const s = a.sentences[0]!;
    expect(s.text).toContain('6.5');
    expect(s.status).toBe('verified');
    expect(s.factIds).toHaveLength(1);
    expect(s.sources.some((x) => x.kind === 'resource' && x.resourceType === 'Observation')).toBe(true);
    expect(a.text).toMatch(/\[F1\]$/);
    expect(Object.values(a.citations)).toEqual(s.factIds);
    // Read and verified through the tools, each read audited.
    expect(audit.map((e) => e.action)).toEqual(['read', 'verify']);
  });

  it('answers when a drug was stopped and why, and the latest and trend of a lab in English', async () => {
    const c = await caller();
    const stop = await askRecord(c, { patientId: WARFARIN, question: '什么时候停的螺内酯？为什么？' });
    expect(stop.intent).toBe('drug-event');
    expect(stop.sentences.map((s) => s.text).join('')).toContain('2024-02-22');
    expect(stop.sentences.map((s) => s.text).join('')).toContain('高钾血症');
    const inr = await askRecord(c, { patientId: WARFARIN, question: 'What was the latest INR?' });
    expect(inr.lang).toBe('en');
    expect(inr.sentences[0]!.text).toContain('3.4');
    expect(inr.sentences[0]!.text).not.toContain('2.4');
    const trend = await askRecord(c, { patientId: WARFARIN, question: 'potassium trend' });
    expect(trend.sentences[0]!.text).toMatch(/5\.1.*6\.5.*4\.8/);
    expect(trend.sentences[0]!.factIds).toHaveLength(3);
  });

  it('answers allergies, current drugs and a genotype from the record', async () => {
    const c = await caller();
    const allergy = await askRecord(c, { patientId: PNEUMONIA, question: '有什么过敏' });
    expect(allergy.sentences[0]!.text).toContain('青霉素');
    const drugs = await askRecord(c, { patientId: PGX, question: 'current medications' });
    const said = drugs.sentences.map((s) => s.text).join(' ');
    expect(said).toContain('ticagrelor');
    expect(said).not.toContain('clopidogrel');
    const geno = await askRecord(c, { patientId: PGX, question: 'What is his CYP2C19 genotype?' });
    expect(geno.sentences[0]!.text).toContain('*2/*2');
  });

  it('answers a why the orders leave unsaid by quoting the note, with its span, never "not recorded"', async () => {
    const c = await caller();
    const why = await askRecord(c, { patientId: WARFARIN, question: '布洛芬为什么开的' });
    const quote = why.sentences.find((s) => s.kind === 'quote');
    expect(quote?.text).toContain('骨关节炎');
    expect(quote?.status).toBe('verified');
    const span = quote!.sources[0]!;
    expect(span.kind).toBe('text');
    if (span.kind === 'text') expect(quote!.text).toContain(span.quote!);
    expect(why.sentences.map((s) => s.text).join('')).not.toMatch(/未记录|未找到/);
    expect(why.refused).toBe(false);
    expect(why.toolCalls.some((t) => t.name === 'search_notes')).toBe(true);
    // An English question finds the Chinese note (莫西沙星 for moxifloxacin): the penicillin allergy.
    const moxi = await askRecord(c, { patientId: PNEUMONIA, question: 'why moxifloxacin and not a beta-lactam?' });
    expect(
      moxi.sentences
        .filter((s) => s.kind === 'quote')
        .map((s) => s.text)
        .join(''),
    ).toContain('青霉素过敏');
    // A dated coded condition answers when a condition its name holds was diagnosed.
    const dm = await askRecord(c, { patientId: PGX, question: '糖尿病啥时候诊断的' });
    expect(dm.sentences.map((s) => s.text).join('')).toContain('2016');
  });

  it('removes a model\'s "nothing recorded" where the record or the notes say otherwise', async () => {
    const provider = scripted(() => '病历中没有找到相关记录。');
    const llm = new LlmClient({ providers: [{ provider }], cache: false });
    const a = await askRecord(await caller(), { patientId: WARFARIN, question: '华法林什么剂量', llm });
    expect(a.answeredBy).toBe('deterministic');
    const gone = a.removed.find((s) => s.text === '病历中没有找到相关记录。');
    expect(gone?.reason).toMatch(/华法林/);
    expect(a.sentences.map((s) => s.text)).not.toContain('病历中没有找到相关记录。');
  });

  it('says plainly what it cannot answer, and never guesses', async () => {
    const c = await caller();
    const held = await askRecord(c, { patientId: WARFARIN, question: 'why was warfarin held?' });
    expect(held.refused).toBe(true);
    expect(held.sentences.map((s) => s.text).join(' ')).toMatch(/does not show warfarin being held/);
    const advice = await askRecord(c, { patientId: WARFARIN, question: 'Should we increase the furosemide dose?' });
    expect(advice.refused).toBe(true);
    expect(advice.intent).toBe('unsupported');
    expect(advice.sentences.every((s) => s.kind === 'refusal' && s.factIds.length === 0)).toBe(true);
    const none = await askRecord(c, { patientId: PNEUMONIA, question: '血钾最高多少' });
    expect(none.refused).toBe(true);
    expect(none.sentences[0]!.text).toContain('没有');
  });

  it('refuses a bad question naming the field, and a patient key', async () => {
    await expect(askRecord(await caller(), { patientId: WARFARIN, question: '  ' })).rejects.toThrow(
      /must not be empty/,
    );
    // The tools refuse a patient key (staff only), and the answer with them.
    await expect(askRecord(await caller('patient'), { patientId: WARFARIN, question: 'INR?' })).rejects.toThrow(
      /forbidden: role 'patient' may not call verify_text/,
    );
  });

  it('removes a sentence whose citation does not state it, and one the verifier finds contradicted', async () => {
    const c = await caller();
    const state = (await c.call('get_patient_state', {
      patientId: WARFARIN,
      sections: ['phenotype', 'intervention', 'biology', 'medications', 'timeline', 'demographics', 'conflicts'],
    })) as PatientState;
    const k = allFacts(state).find((f) => f.concept.displayZh === '血钾' && f.value?.value === 6.5)!;
    const verify = async (text: string) => (await c.call('verify_text', { patientId: WARFARIN, text })) as never;
    const wrong = await checkSentences(
      [{ text: '血钾的最高值为7.5 mmol/L。', kind: 'record', factIds: [k.id] }],
      state,
      'zh',
      verify,
      'model',
    );
    expect(wrong.shown).toHaveLength(0);
    expect(wrong.removed[0]!.status).toBe('removed');
    const contradicted = await checkSentences(
      [{ text: 'The patient has diabetes mellitus.', kind: 'record', factIds: [k.id] }],
      state,
      'en',
      verify,
      'deterministic',
    );
    expect(contradicted.shown).toHaveLength(0);
    expect(contradicted.removed[0]!.reason).toMatch(/contradicted/);
  });

  it('with a model: an agent loop over the tools, its verified answer shown; a wrong one removed', async () => {
    const good = scripted((s) => {
      const k = allFacts(s).find((f) => f.concept.displayZh === '血钾' && f.value?.value === 6.5)!;
      return `血钾最高为6.5 mmol/L（2024-02-22）[${k.id}]。`;
    });
    const a = await askRecord(await caller(), {
      patientId: WARFARIN,
      question: '这次住院血钾最高多少？',
      llm: new LlmClient({ providers: [{ provider: good }], cache: false }),
    });
    expect(a.answeredBy).toBe('model');
    expect(a.model.used).toBe(true);
    expect(a.sentences[0]!.status).toBe('verified');
    expect(a.toolCalls.map((t) => t.name)).toContain('get_patient_state');
    // The model was offered MedSeek's MCP tools as functions.
    expect(good.requests[0]!.tools!.map((t) => t.name)).toContain('search_notes');

    const bad = scripted((s) => {
      const k = allFacts(s).find((f) => f.concept.displayZh === '血钾' && f.value?.value === 6.5)!;
      return `血钾最高为7.9 mmol/L [${k.id}]。华法林因出血暂停 [${k.id}]。`;
    });
    const b = await askRecord(await caller(), {
      patientId: WARFARIN,
      question: '这次住院血钾最高多少？',
      llm: new LlmClient({ providers: [{ provider: bad }], cache: false }),
    });
    expect(b.answeredBy).toBe('deterministic');
    expect(b.model.used).toBe(false);
    expect(b.sentences[0]!.text).toContain('6.5');
    expect(b.removed.map((s) => s.text).join(' ')).toContain('7.9');
    expect(b.sentences.map((s) => s.text).join(' ')).not.toMatch(/7\.9|出血/);
  });

  it('is an MCP tool: listed, answering, and refused to a patient key', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await mcp.server(accessFor('clinician')).connect(serverSide);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(clientSide);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('ask_record');
    const r = (await client.callTool({
      name: 'ask_record',
      arguments: { patientId: PGX, question: '什么时候停的氯吡格雷' },
    })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    const body = JSON.parse((r.content[0] as { text: string }).text);
    expect(body.sentences[0].text).toContain('2024-03-14');
    await client.close();

    const [pc, ps] = InMemoryTransport.createLinkedPair();
    await mcp.server(accessFor('patient')).connect(ps);
    const patient = new Client({ name: 'test', version: '1' });
    await patient.connect(pc);
    const refused = (await patient.callTool({
      name: 'ask_record',
      arguments: { patientId: PGX, question: 'INR?' },
    })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect((refused.content[0] as { text: string }).text).toMatch(/forbidden: role 'patient'/);
    await patient.close();
  });
});
