import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from './errors.js';
import { OpenAiCompatibleProvider } from './openai-provider.js';
import { type OpenAiTestServer, startOpenAiTestServer } from './testing/openai-test-server.js';

let server: OpenAiTestServer;
let provider: OpenAiCompatibleProvider;

beforeAll(async () => {
  server = await startOpenAiTestServer();
  provider = new OpenAiCompatibleProvider({
    name: 'test',
    kind: 'vllm',
    baseURL: server.url,
    apiKey: 'sk-test',
    model: 'test-model',
    trust: 'local',
    jsonMode: 'json_schema',
    timeoutMs: 5_000,
  });
});
afterAll(() => server.close());
beforeEach(() => server.clear());

const ask = (content: string) => [{ role: 'user' as const, content }];

describe('OpenAI-compatible provider against the test server', () => {
  it('answers a chat and reports usage', async () => {
    const r = await provider.complete({ model: 'test-model', messages: ask('hello') });
    expect(r.content).toBe('echo: hello');
    expect(r.usage?.promptTokens).toBeGreaterThan(0);
    expect(r.finishReason).toBe('stop');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams content in pieces and reassembles it', async () => {
    const pieces: string[] = [];
    const r = await provider.complete({
      model: 'test-model',
      messages: ask('a longer question'),
      onDelta: (d) => d.content && pieces.push(d.content),
    });
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join('')).toBe('echo: a longer question');
    expect(r.content).toBe('echo: a longer question');
    expect(r.usage?.completionTokens).toBeGreaterThan(0);
    expect(server.requests[0]!.body.stream).toBe(true);
  });

  it('keeps reasoning_content apart from the answer, plain and streamed', async () => {
    const plain = await provider.complete({ model: 'deepseek-reasoner', messages: ask('why') });
    expect(plain.content).toBe('echo: why');
    expect(plain.reasoning).toMatch(/think about it/);
    const reasoning: string[] = [];
    const streamed = await provider.complete({
      model: 'deepseek-reasoner',
      messages: ask('why'),
      onDelta: (d) => d.reasoning && reasoning.push(d.reasoning),
    });
    expect(streamed.content).toBe('echo: why');
    expect(reasoning.join('')).toBe(plain.reasoning);
  });

  it('takes <think> blocks out of the content of local servers', async () => {
    server.enqueue({ kind: 'reply', content: '<think>weigh the options</think>Answer: B' });
    const r = await provider.complete({ model: 'r1-distill', messages: ask('which') });
    expect(r).toMatchObject({ content: 'Answer: B', reasoning: 'weigh the options' });
    server.enqueue({ kind: 'reply', content: '<think>first this, then that</think>Final.' });
    const s = await provider.complete({ model: 'r1-distill', messages: ask('which'), onDelta: () => {} });
    expect(s).toMatchObject({ content: 'Final.', reasoning: 'first this, then that' });
  });

  it('calls tools and sends tool results back', async () => {
    const tools = [
      {
        name: 'lookup_drug',
        description: 'find a drug',
        parameters: { type: 'object', properties: { query: { type: 'string' } } },
      },
    ];
    const first = await provider.complete({ model: 'test-model', messages: ask('warfarin'), tools });
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toEqual([{ id: 'call_0', name: 'lookup_drug', arguments: '{"query":"warfarin"}' }]);
    const streamed = await provider.complete({
      model: 'test-model',
      messages: ask('warfarin'),
      tools,
      onDelta: () => {},
    });
    expect(streamed.toolCalls).toEqual(first.toolCalls);
    const second = await provider.complete({
      model: 'test-model',
      messages: [
        ...ask('warfarin'),
        { role: 'assistant', content: '', toolCalls: first.toolCalls },
        { role: 'tool', content: 'anticoagulant', toolCallId: 'call_0' },
      ],
      tools,
    });
    expect(second.content).toBe('tool said: anticoagulant');
    const sent = server.requests[2]!.body.messages as { role: string; tool_call_id?: string }[];
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(sent[2]!.tool_call_id).toBe('call_0');
  });

  it('sends response_format json_schema when the server supports it', async () => {
    const schema = {
      type: 'object',
      properties: { verdict: { type: 'string', enum: ['yes', 'no'] } },
      required: ['verdict'],
    };
    const r = await provider.complete({
      model: 'test-model',
      messages: ask('ok?'),
      jsonSchema: { name: 'answer', schema },
    });
    expect(JSON.parse(r.content)).toEqual({ verdict: 'yes' });
    expect(server.requests[0]!.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'answer', schema },
    });
  });

  it('classifies 429 with Retry-After, 500 and 400', async () => {
    server.enqueue(
      { kind: 'status', status: 429, retryAfter: 7 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 400 },
    );
    const e429 = await provider.complete({ model: 'm', messages: ask('x') }).catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(ProviderError);
    expect(e429).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 7000, retryable: true });
    const e500 = await provider.complete({ model: 'm', messages: ask('x') }).catch((e: unknown) => e);
    expect(e500).toMatchObject({ kind: 'server-error', status: 500, retryable: true });
    const e400 = await provider.complete({ model: 'm', messages: ask('x') }).catch((e: unknown) => e);
    expect(e400).toMatchObject({ kind: 'bad-request', status: 400, retryable: false });
  });

  it('fails clearly on malformed JSON', async () => {
    server.enqueue({ kind: 'malformed' });
    const e = await provider.complete({ model: 'm', messages: ask('x') }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).kind).toBe('invalid-output');
  });

  it('reports a stream cut in the middle without retrying what was already shown', async () => {
    server.enqueue({ kind: 'reply', content: 'a fairly long answer that will be cut' }, { kind: 'cut' });
    // The first queued reply is used whole; the cut applies to the next request's default answer.
    await provider.complete({ model: 'm', messages: ask('first') });
    const seen: string[] = [];
    const e = await provider
      .complete({
        model: 'm',
        messages: ask('this answer will be cut half way'),
        onDelta: (d) => d.content && seen.push(d.content),
      })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ProviderError);
    expect(seen.length).toBeGreaterThan(0);
    expect((e as ProviderError).retryable).toBe(false);
    expect((e as ProviderError).message).toMatch(/stream ended early/);
  });

  it('times out through the abort signal', async () => {
    server.enqueue({ kind: 'slow', ms: 2_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const e = await provider
      .complete({ model: 'm', messages: ask('x'), signal: ac.signal })
      .catch((err: unknown) => err);
    expect(e).toMatchObject({ kind: 'timeout' });
  });
});
