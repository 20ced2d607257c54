import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { LlmClient } from './client.js';
import { OpenAiCompatibleProvider } from './openai-provider.js';
import { type OpenAiTestServer, startOpenAiTestServer } from './testing/openai-test-server.js';
import { MAX_TOOL_STEPS, runToolLoop } from './tool-loop.js';
import type { ToolCall, Trust } from './types.js';

let server: OpenAiTestServer;
beforeAll(async () => {
  server = await startOpenAiTestServer();
});
afterAll(async () => {
  await server?.close();
});

const client = (trust: Trust, sql?: ConstructorParameters<typeof LlmClient>[0]['sql']) =>
  new LlmClient({
    providers: [
      {
        provider: new OpenAiCompatibleProvider({
          name: trust === 'local' ? 'home' : 'cloud',
          kind: 'openai-compatible',
          baseURL: server.url,
          model: 'test-model',
          trust,
          jsonMode: 'json_schema',
        }),
      },
    ],
    cache: false,
    // Load-tolerant on a busy CI machine: a dropped connection or a slow answer is retried, and the loop has two
    // minutes, not a clinician's 20 s. The failures the tests queue (400) are never retried.
    retry: { attempts: 3, baseDelayMs: 50 },
    deadlines: { interactiveMs: 120_000 },
    ...(sql ? { sql } : {}),
  });

const tools = [
  {
    name: 'get_lab',
    description: 'a lab of the patient',
    parameters: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  },
];
const messages = [
  { role: 'system' as const, content: 'Answer from the tools.' },
  { role: 'user' as const, content: '张建国的血钾最高多少？' },
];

for (const streaming of [false, true])
  it(`runs tool calls and answers with their results (${streaming ? 'streaming' : 'non-streaming'})`, async () => {
    server.clear();
    server.enqueue(
      { kind: 'reply', toolCalls: [{ name: 'get_lab', arguments: '{"name":"血钾"}' }] },
      { kind: 'reply', content: '血钾最高6.5 mmol/L。' },
    );
    const seen: ToolCall[] = [];
    const deltas: string[] = [];
    const r = await runToolLoop(client('local'), {
      messages,
      tools,
      execute: async (call) => {
        seen.push(call);
        return JSON.stringify({ value: 6.5, unit: 'mmol/L' });
      },
      ...(streaming ? { onDelta: (d: { content?: string }) => d.content && deltas.push(d.content) } : {}),
    });
    expect(r).toMatchObject({ ok: true, stopped: 'answer', text: '血钾最高6.5 mmol/L。' });
    expect(seen).toEqual([expect.objectContaining({ name: 'get_lab', arguments: '{"name":"血钾"}' })]);
    expect(r.steps).toHaveLength(2);
    expect(r.steps[0]!.results[0]!.content).toContain('6.5');
    // The second request carried the tool call and its result.
    const second = server.requests[1]!.body.messages as { role: string; tool_call_id?: string; content: string }[];
    expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(second[3]!.content).toContain('6.5');
    if (streaming) {
      expect(server.requests[0]!.body.stream).toBe(true);
      expect(deltas.join('')).toBe('血钾最高6.5 mmol/L。');
    } else expect(server.requests[0]!.body.stream).toBeFalsy();
  });

it('stops at the step bound, and tells the model a failing tool’s error', async () => {
  server.clear();
  const calls = Array.from({ length: 5 }, () => ({
    kind: 'reply' as const,
    toolCalls: [{ name: 'get_lab', arguments: '{"name":"K"}' }],
  }));
  server.enqueue(...calls);
  const r = await runToolLoop(client('local'), {
    messages,
    tools,
    maxSteps: 3,
    execute: async () => {
      throw new Error('no such lab');
    },
  });
  expect(r).toMatchObject({ ok: false, stopped: 'max-steps' });
  expect(r.steps).toHaveLength(3);
  expect(server.requests).toHaveLength(3);
  expect(r.steps[0]!.results[0]).toMatchObject({ content: 'error: no such lab', error: true });
  // Whatever the caller asks, never more than MAX_TOOL_STEPS.
  server.clear();
  const many = await runToolLoop(client('local'), {
    messages,
    tools,
    maxSteps: 1000,
    execute: async () => 'x',
  });
  expect(many.steps.length).toBeLessThanOrEqual(MAX_TOOL_STEPS);
});

it('de-identifies tool results (and the question) for an external model', async () => {
  server.clear();
  server.enqueue({ kind: 'reply', toolCalls: [{ name: 'get_lab', arguments: '{"name":"血钾"}' }] });
  const r = await runToolLoop(client('external'), {
    messages,
    tools,
    patient: { key: 'p1', names: ['张建国'] },
    execute: async () => JSON.stringify({ patient: '张建国', phone: '13812345678', value: 6.5 }),
  });
  expect(r.ok).toBe(true);
  const sent = JSON.stringify(server.requests.map((q) => q.body.messages));
  expect(sent).not.toContain('张建国');
  expect(sent).not.toContain('13812345678');
  expect(sent).toContain('6.5');
});

it('reports a model failure without throwing', async () => {
  server.clear();
  server.enqueue({ kind: 'status', status: 400 });
  const r = await runToolLoop(client('local'), { messages, tools, execute: async () => 'x' });
  expect(r).toMatchObject({ ok: false, stopped: 'failed', use: { used: false } });
});

forEachBackend('tool loop trace', (db) => {
  it('stores the whole trace of a loop for audit', async () => {
    server.clear();
    server.enqueue(
      { kind: 'reply', toolCalls: [{ name: 'get_lab', arguments: '{"name":"K"}' }] },
      { kind: 'reply', content: 'K 6.5' },
    );
    const r = await runToolLoop(client('local', db()), {
      messages,
      tools,
      purpose: 'test/tool-loop',
      patient: { key: 'p-trace' },
      traceSql: db(),
      execute: async () => '{"value":6.5}',
    });
    expect(r, `the loop failed: ${JSON.stringify(r.error)}`).toMatchObject({ ok: true, stopped: 'answer' });
    expect(r.traceId).toBeDefined();
    const { rows } = await db().query<{ stopped: string; steps: number; trace: unknown; patient_ref: string }>(
      'select stopped, steps, trace, patient_ref from llm_tool_trace where id = $1',
      [r.traceId],
    );
    expect(rows[0]).toMatchObject({ stopped: 'answer', steps: 2, patient_ref: 'p-trace' });
    const trace = (typeof rows[0]!.trace === 'string' ? JSON.parse(rows[0]!.trace) : rows[0]!.trace) as {
      steps: { toolCalls: ToolCall[]; results: { content: string }[] }[];
    };
    expect(trace.steps[0]!.toolCalls[0]!.name).toBe('get_lab');
    expect(trace.steps[0]!.results[0]!.content).toBe('{"value":6.5}');
    // Each model call of the loop is in the call audit too.
    const calls = await db().query<{ n: number }>(
      "select count(*)::int as n from llm_call where patient_ref = 'p-trace' and purpose = 'test/tool-loop'",
    );
    expect(calls.rows[0]!.n).toBe(2);
  });

  it('stores why a loop failed in its trace', async () => {
    server.clear();
    server.enqueue({ kind: 'status', status: 400 });
    const r = await runToolLoop(client('local', db()), {
      messages,
      tools,
      purpose: 'test/tool-loop-failed',
      traceSql: db(),
      execute: async () => 'x',
    });
    expect(r).toMatchObject({ ok: false, stopped: 'failed' });
    const { rows } = await db().query<{ stopped: string; steps: number; trace: unknown }>(
      'select stopped, steps, trace from llm_tool_trace where id = $1',
      [r.traceId],
    );
    expect(rows[0]).toMatchObject({ stopped: 'failed', steps: 0 });
    const trace = (typeof rows[0]!.trace === 'string' ? JSON.parse(rows[0]!.trace) : rows[0]!.trace) as {
      error?: { kind: string; message: string };
    };
    expect(trace.error).toEqual(r.error);
    expect(trace.error?.message).toContain('400');
  });
});
