import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { forEachBackend } from '../../test/support/backends.js';
import { LlmClient, type ProviderEntry, withFallback } from './client.js';
import { OpenAiCompatibleProvider } from './openai-provider.js';
import { type OpenAiTestServer, startOpenAiTestServer } from './testing/openai-test-server.js';
import type { JsonMode, Trust } from './types.js';

let server: OpenAiTestServer;
let plainServer: OpenAiTestServer;

beforeAll(async () => {
  server = await startOpenAiTestServer();
  plainServer = await startOpenAiTestServer({ jsonSchema: false });
});
afterAll(async () => {
  await server.close();
  await plainServer.close();
});
beforeEach(() => {
  server.clear();
  plainServer.clear();
});

const SECRET_KEY = 'sk-never-in-the-audit-0123456789';

function entry(o: {
  name: string;
  trust: Trust;
  url?: string;
  jsonMode?: JsonMode;
  model?: string;
  concurrency?: number;
  timeoutMs?: number;
}): ProviderEntry {
  return {
    provider: new OpenAiCompatibleProvider({
      name: o.name,
      kind: 'openai-compatible',
      baseURL: o.url ?? server.url,
      apiKey: SECRET_KEY,
      model: o.model ?? 'test-model',
      trust: o.trust,
      jsonMode: o.jsonMode ?? 'json_schema',
    }),
    concurrency: o.concurrency ?? 4,
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.model?.startsWith('deepseek') ? { price: { input: 0.28, inputCached: 0.028, output: 0.42 } } : {}),
  };
}

const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 20 };
const note = '患者张建国，男，68岁，电话13812345678，于2024-03-15入院。';

it('says the model was not used when none is configured', async () => {
  const client = new LlmClient({ providers: [] });
  const r = await client.chat({ prompt: 'hi' });
  expect(r).toMatchObject({ ok: false, error: { kind: 'not-configured' }, use: { used: false } });
  const { value, model } = await withFallback('deterministic', () => client.chat({ prompt: 'hi' }));
  expect(value).toBe('deterministic');
  expect(model.used).toBe(false);
  expect(model.reason).toMatch(/no model configured/);
});

forEachBackend('llm client', (db) => {
  it('caches answers by model and prompt and audits every call', async () => {
    const client = new LlmClient({ providers: [entry({ name: 'local', trust: 'local' })], sql: db() });
    const first = await client.chat({ prompt: 'cache me', purpose: 'test/cache', identifiable: false });
    const second = await client.chat({ prompt: 'cache me', purpose: 'test/cache', identifiable: false });
    expect(first).toMatchObject({
      ok: true,
      value: 'echo: cache me',
      cached: false,
      use: { used: true, provider: 'local', deidentified: false },
    });
    expect(second).toMatchObject({ ok: true, value: 'echo: cache me', cached: true });
    expect(server.requests).toHaveLength(1);
    const other = await client.chat({ prompt: 'cache me', model: 'other-model', identifiable: false });
    expect(other.ok && other.cached).toBe(false);
    const rows = await db().query<{ status: string; purpose: string }>(
      "select status, purpose from llm_call where purpose = 'test/cache' order by at",
    );
    expect(rows.rows.map((r) => r.status)).toEqual(['ok', 'cached']);
  });

  it('de-identifies for an external provider and re-identifies the answer', async () => {
    const client = new LlmClient({
      providers: [entry({ name: 'cloud', trust: 'external' })],
      sql: db(),
      deidSecret: 'test-secret',
    });
    const r = await client.chat({ prompt: note, purpose: 'test/deid', patient: { key: 'Patient/1' }, cache: false });
    const sent = String((server.requests[0]!.body.messages as { content: string }[])[0]!.content);
    expect(sent).not.toContain('张建国');
    expect(sent).not.toContain('13812345678');
    expect(sent).not.toContain('2024-03-15');
    expect(sent).toMatch(/\[NAME_1\]/);
    expect(r).toMatchObject({ ok: true, value: `echo: ${note}`, use: { used: true, deidentified: true } });
    const audit = await db().query<{ request: unknown; deidentified: boolean; phi_found: number }>(
      "select request, deidentified, phi_found from llm_call where purpose = 'test/deid'",
    );
    expect(audit.rows[0]!.deidentified).toBe(true);
    expect(audit.rows[0]!.phi_found).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(audit.rows[0]!.request)).not.toContain('张建国');
  });

  it('sends identifiable text as it is to a trusted-local provider, first', async () => {
    const client = new LlmClient({
      providers: [
        entry({ name: 'cloud', trust: 'external', url: plainServer.url }),
        entry({ name: 'home', trust: 'local' }),
      ],
      sql: db(),
    });
    const r = await client.chat({ prompt: note, cache: false });
    expect(r.use).toMatchObject({ used: true, provider: 'home', deidentified: false });
    expect(String((server.requests[0]!.body.messages as { content: string }[])[0]!.content)).toContain('张建国');
    expect(plainServer.requests).toHaveLength(0);
  });

  it('refuses identifiable text when external use is off and no local provider exists', async () => {
    const client = new LlmClient({
      providers: [entry({ name: 'cloud', trust: 'external' })],
      sql: db(),
      external: 'never',
    });
    const r = await client.chat({ prompt: note, purpose: 'test/refuse' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'no-trusted-provider' }, use: { used: false } });
    expect(server.requests).toHaveLength(0);
    const audit = await db().query<{ status: string }>("select status from llm_call where purpose = 'test/refuse'");
    expect(audit.rows.map((x) => x.status)).toEqual(['refused']);
    // Text the caller marks as not identifiable may go out.
    expect(
      (await client.chat({ prompt: 'What is the INR target on warfarin?', identifiable: false, cache: false })).ok,
    ).toBe(true);
  });

  it('never writes the API key into the audit', async () => {
    const client = new LlmClient({ providers: [entry({ name: 'local', trust: 'local' })], sql: db() });
    await client.chat({ prompt: 'anything', purpose: 'test/key', cache: false });
    const rows = await db().query('select * from llm_call');
    expect(JSON.stringify(rows.rows)).not.toContain(SECRET_KEY);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
  });

  it('accounts tokens and cost per call', async () => {
    const client = new LlmClient({
      providers: [entry({ name: 'ds', trust: 'local', model: 'deepseek-chat' })],
      sql: db(),
    });
    const r = await client.chat({ prompt: 'count my tokens', purpose: 'test/cost', cache: false });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.usage!.promptTokens).toBeGreaterThan(0);
    expect(r.costUsd).toBeCloseTo((r.usage!.promptTokens * 0.28 + r.usage!.completionTokens * 0.42) / 1e6, 12);
    const row = await db().query<{ prompt_tokens: number; cost_usd: number }>(
      "select prompt_tokens, cost_usd from llm_call where purpose = 'test/cost'",
    );
    expect(Number(row.rows[0]!.prompt_tokens)).toBe(r.usage!.promptTokens);
    expect(Number(row.rows[0]!.cost_usd)).toBeCloseTo(r.costUsd!, 12);
  });
});

it('retries 429 and 5xx, then answers', async () => {
  const client = new LlmClient({ providers: [entry({ name: 'local', trust: 'local' })], retry: fastRetry });
  server.enqueue({ kind: 'status', status: 429, retryAfter: 0 }, { kind: 'status', status: 503 });
  const r = await client.chat({ prompt: 'persist', identifiable: false });
  expect(r).toMatchObject({ ok: true, value: 'echo: persist' });
  expect(server.requests).toHaveLength(3);
});

it('gives up after the last attempt with a typed failure', async () => {
  const client = new LlmClient({ providers: [entry({ name: 'local', trust: 'local' })], retry: fastRetry });
  server.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
  const r = await client.chat({ prompt: 'x', identifiable: false });
  expect(r).toMatchObject({ ok: false, error: { kind: 'server-error', status: 500 }, use: { used: false } });
  expect(server.requests).toHaveLength(3);
});

it('does not retry a 400', async () => {
  const client = new LlmClient({ providers: [entry({ name: 'local', trust: 'local' })], retry: fastRetry });
  server.enqueue({ kind: 'status', status: 400 });
  const r = await client.chat({ prompt: 'x', identifiable: false });
  expect(r).toMatchObject({ ok: false, error: { kind: 'bad-request' } });
  expect(server.requests).toHaveLength(1);
});

it('times out a slow server and falls back to the next provider', async () => {
  const client = new LlmClient({
    providers: [
      entry({ name: 'slow', trust: 'local', timeoutMs: 100 }),
      entry({ name: 'backup', trust: 'local', url: plainServer.url }),
    ],
    retry: { ...fastRetry, attempts: 1 },
  });
  server.enqueue({ kind: 'slow', ms: 1_500 });
  const r = await client.chat({ prompt: 'hurry', identifiable: false });
  expect(r).toMatchObject({ ok: true, value: 'echo: hurry', use: { provider: 'backup' } });
  const alone = new LlmClient({
    providers: [entry({ name: 'slow', trust: 'local', timeoutMs: 100 })],
    retry: { ...fastRetry, attempts: 1 },
  });
  server.enqueue({ kind: 'slow', ms: 1_500 });
  expect(await alone.chat({ prompt: 'hurry', identifiable: false })).toMatchObject({
    ok: false,
    error: { kind: 'timeout' },
  });
});

it('opens the circuit after repeated failures and stops calling the server', async () => {
  const client = new LlmClient({
    providers: [entry({ name: 'flaky', trust: 'local' })],
    retry: { ...fastRetry, attempts: 1 },
    breaker: { threshold: 2, cooldownMs: 60_000 },
  });
  server.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
  await client.chat({ prompt: 'a', identifiable: false });
  await client.chat({ prompt: 'b', identifiable: false });
  const r = await client.chat({ prompt: 'c', identifiable: false });
  expect(r).toMatchObject({ ok: false, error: { kind: 'circuit-open' }, use: { used: false } });
  expect(server.requests).toHaveLength(2);
  expect(client.status()[0]!.circuit).toBe('open');
});

it('keeps to the concurrency limit of a provider', async () => {
  const own = await startOpenAiTestServer();
  try {
    const client = new LlmClient({
      providers: [entry({ name: 'narrow', trust: 'local', concurrency: 2, url: own.url })],
    });
    own.enqueue(...Array.from({ length: 6 }, () => ({ kind: 'slow' as const, ms: 60 })));
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => client.chat({ prompt: `q${i}`, identifiable: false })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(own.requests).toHaveLength(6);
    expect(own.maxInFlight).toBe(2);
  } finally {
    await own.close();
  }
});

it('returns structured output with json_schema, and the rationale apart', async () => {
  const client = new LlmClient({ providers: [entry({ name: 'local', trust: 'local', model: 'deepseek-reasoner' })] });
  const schema = z.object({ diagnosis: z.string(), confidence: z.number().min(0).max(1) });
  const r = await client.structured(schema, { prompt: 'diagnose', identifiable: false });
  expect(r).toMatchObject({ ok: true, value: { diagnosis: 'x', confidence: 1 } });
  expect(r.use.rationale).toMatch(/think about it/);
  expect((server.requests[0]!.body.response_format as { type: string }).type).toBe('json_schema');
});

it('falls back to the prompt for servers without json_schema, and repairs once', async () => {
  const client = new LlmClient({
    providers: [entry({ name: 'old', trust: 'local', url: plainServer.url, jsonMode: 'none' })],
  });
  const schema = z.object({ answer: z.enum(['yes', 'no']) });
  plainServer.enqueue(
    { kind: 'reply', content: 'Sure! {"answer": "maybe"}' },
    { kind: 'reply', content: '```json\n{"answer": "no"}\n```' },
  );
  const r = await client.structured(schema, { prompt: 'is it?', identifiable: false });
  expect(r).toMatchObject({ ok: true, value: { answer: 'no' } });
  expect(plainServer.requests).toHaveLength(2);
  const firstPrompt = (plainServer.requests[0]!.body.messages as { content: string }[])[0]!.content;
  expect(firstPrompt).toMatch(/JSON Schema/);
  expect(plainServer.requests[0]!.body.response_format).toBeUndefined();
  const repair = plainServer.requests[1]!.body.messages as { role: string; content: string }[];
  expect(repair.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  expect(repair[2]!.content).toMatch(/answer/);
});

it('fails clearly when the answer is still invalid after the repair', async () => {
  const client = new LlmClient({
    providers: [entry({ name: 'old', trust: 'local', url: plainServer.url, jsonMode: 'none' })],
  });
  plainServer.enqueue({ kind: 'reply', content: 'no json here' }, { kind: 'reply', content: '{"answer": 3}' });
  const r = await client.structured(z.object({ answer: z.string() }), { prompt: 'q', identifiable: false });
  expect(r).toMatchObject({ ok: false, error: { kind: 'invalid-output' }, use: { used: false } });
  if (!r.ok) expect(r.error.message).toMatch(/answer/);
});

it('re-identifies structured answers and tool-call arguments from an external provider', async () => {
  const client = new LlmClient({ providers: [entry({ name: 'cloud', trust: 'external' })] });
  const text = 'Patient: John Carter, phone (217) 555-0142.';
  const tools = [{ name: 'find_patient', parameters: { type: 'object', properties: { query: { type: 'string' } } } }];
  const r = await client.chat({ prompt: text, tools, patient: { key: 'P9' } });
  expect(r.ok && r.toolCalls[0]!.arguments).toBe(JSON.stringify({ query: text }));
  const sent = JSON.stringify(server.requests[0]!.body.messages);
  expect(sent).not.toContain('Carter');
  server.enqueue({ kind: 'reply', content: '{"name":"[NAME_1]"}' });
  const s = await client.structured(z.object({ name: z.string() }), { prompt: text, patient: { key: 'P9' } });
  expect(s).toMatchObject({ ok: true, value: { name: 'John Carter' } });
});

it('masks names the caller knows, also ones added in a later call for the same patient', async () => {
  const client = new LlmClient({ providers: [entry({ name: 'cloud', trust: 'external' })] });
  await client.chat({ prompt: '今日李雷诉头晕', patient: { key: 'P11', names: ['李雷'] } });
  await client.chat({ prompt: '韩梅梅来探视李雷', patient: { key: 'P11', names: ['韩梅梅'] } });
  const sent = server.requests.map((r) => JSON.stringify(r.body.messages)).join('\n');
  expect(sent).not.toContain('李雷');
  expect(sent).not.toContain('韩梅梅');
  expect(sent).toContain('[NAME_1]');
  expect(sent).toContain('[NAME_2]');
});

it('streams re-identified text to the caller', async () => {
  const client = new LlmClient({ providers: [entry({ name: 'cloud', trust: 'external' })] });
  const seen: string[] = [];
  const r = await client.chat({
    prompt: 'Call Mr. John Carter at (217) 555-0142.\nThanks.',
    onDelta: (d) => d.content && seen.push(d.content),
    patient: { key: 'P10' },
  });
  expect(r.ok).toBe(true);
  expect(seen.join('')).toBe('echo: Call Mr. John Carter at (217) 555-0142.\nThanks.');
});
