import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible chat server for tests and the benchmark (node:http on 127.0.0.1, a
 * random port). It answers `/v1/chat/completions` plainly or as SSE, calls tools, returns
 * DeepSeek-style `reasoning_content`, fills JSON schemas, and misbehaves on request: a status
 * (429 with Retry-After, 500, 503), a slow answer, malformed JSON, a stream cut in the middle.
 *
 * Default answer, when nothing is queued: with `response_format: json_schema`, a value that fits
 * the schema; with tools and no tool result yet, a call of the first tool; after a tool result,
 * `tool said: <result>`; otherwise `echo: <last user message>`. Models whose name contains
 * `reasoner` also return reasoning.
 */

export type Behaviour =
  | {
      readonly kind: 'reply';
      readonly content?: string;
      readonly reasoning?: string;
      readonly toolCalls?: readonly { name: string; arguments: string }[];
    }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: number }
  | { readonly kind: 'slow'; readonly ms: number }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'cut' };

export interface RecordedRequest {
  readonly body: Record<string, unknown>;
  readonly headers: IncomingMessage['headers'];
  readonly at: number;
}

export interface TestServerOptions {
  /** When false the server ignores `response_format` like an older server does. Default true. */
  readonly jsonSchema?: boolean;
  /** Split streamed content into pieces of this many characters. Default 4. */
  readonly chunkSize?: number;
  /** Added to every answer, like a model's time to answer (ms). Default 0. */
  readonly latencyMs?: number;
}

export interface OpenAiTestServer {
  /** Base URL ending in `/v1`, as the `openai` client wants it. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Most chat requests in progress at once so far. */
  readonly maxInFlight: number;
  /** Queues behaviours, used one per request in order; then the default answer again. */
  enqueue(...b: Behaviour[]): void;
  clear(): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

export async function startOpenAiTestServer(options: TestServerOptions = {}): Promise<OpenAiTestServer> {
  const queue: Behaviour[] = [];
  const requests: RecordedRequest[] = [];
  const chunkSize = options.chunkSize ?? 4;
  const sockets = new Set<import('node:net').Socket>();

  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    void handle(req, res)
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      })
      .finally(() => inFlight--);
  });
  // The client closes an idle kept-alive connection first: when the server closed it (Node's default: after 5 s)
  // just as a busy machine's client reused it, the request failed with a reset connection.
  server.keepAliveTimeout = 120_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      return json(res, 200, {
        object: 'list',
        data: [{ id: 'test-model', object: 'model', owned_by: 'medseek-test' }],
      });
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions'))
      return json(res, 404, { error: { message: 'not found' } });
    let body: Json;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
    } catch {
      return json(res, 400, { error: { message: 'body is not JSON' } });
    }
    requests.push({ body, headers: req.headers, at: Date.now() });
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    let b = queue.shift();
    if (b?.kind === 'slow') {
      const ms = b.ms;
      // Wait, but stop waiting when the client hangs up (a timed-out request).
      await new Promise<void>((r) => {
        const timer = setTimeout(r, ms);
        res.once('close', () => {
          clearTimeout(timer);
          r();
        });
      });
      if (res.destroyed || !res.socket || res.socket.destroyed) return;
      b = undefined;
    }
    if (b?.kind === 'status') {
      const headers: Record<string, string> = {};
      if (b.retryAfter !== undefined) headers['retry-after'] = String(b.retryAfter);
      return json(res, b.status, { error: { message: `test server says ${b.status}`, type: 'test' } }, headers);
    }
    if (b?.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        '{"id":"chatcmpl-bad","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"oops"',
      );
      return;
    }
    const reply = b?.kind === 'reply' ? b : defaultReply(body, options.jsonSchema !== false);
    const model = String(body.model ?? 'test-model');
    const promptTokens = Math.ceil(JSON.stringify(body.messages ?? []).length / 4);
    const completionTokens =
      Math.ceil(((reply.content ?? '').length + (reply.reasoning ?? '').length) / 4) +
      (reply.toolCalls?.length ?? 0) * 8;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    const toolCalls = (reply.toolCalls ?? []).map((t, i) => ({
      id: `call_${i}`,
      type: 'function',
      function: { name: t.name, arguments: t.arguments },
    }));
    const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';
    const id = `chatcmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    if (body.stream !== true) {
      const message: Json = { role: 'assistant', content: reply.content ?? (toolCalls.length ? null : '') };
      if (reply.reasoning) message.reasoning_content = reply.reasoning;
      if (toolCalls.length) message.tool_calls = toolCalls;
      return json(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, finish_reason: finish }],
        usage,
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (delta: Json, finishReason: string | null = null, extra: Json = {}) =>
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`,
      );
    send({ role: 'assistant', content: '' });
    const pieces = (s: string) => {
      const out: string[] = [];
      for (let i = 0; i < s.length; i += chunkSize) out.push(s.slice(i, i + chunkSize));
      return out;
    };
    for (const p of pieces(reply.reasoning ?? '')) send({ reasoning_content: p });
    const contentPieces = pieces(reply.content ?? '');
    for (const [i, p] of contentPieces.entries()) {
      if (b?.kind === 'cut' && i >= Math.floor(contentPieces.length / 2)) {
        // Let what was sent reach the client, then drop the connection.
        await new Promise((r) => setTimeout(r, 50));
        res.socket?.destroy();
        return;
      }
      send({ content: p });
    }
    if (b?.kind === 'cut') {
      res.socket?.destroy();
      return;
    }
    toolCalls.forEach((t, index) => {
      send({ tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.function.name, arguments: '' } }] });
      for (const p of pieces(t.function.arguments)) send({ tool_calls: [{ index, function: { arguments: p } }] });
    });
    send({}, finish);
    const so = body.stream_options as Json | undefined;
    if (so?.include_usage)
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`,
      );
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    enqueue: (...b) => queue.push(...b),
    clear: () => {
      queue.length = 0;
      requests.length = 0;
      maxInFlight = inFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

type Reply = Extract<Behaviour, { kind: 'reply' }>;

function defaultReply(body: Json, honourSchema: boolean): Reply {
  const messages = (body.messages ?? []) as Json[];
  const last = messages[messages.length - 1];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const reasoning = String(body.model ?? '').includes('reasoner')
    ? 'The user asked something; I think about it first.'
    : undefined;
  const rf = body.response_format as Json | undefined;
  if (honourSchema && rf?.type === 'json_schema') {
    const schema = (rf.json_schema as Json | undefined)?.schema as Json | undefined;
    return { kind: 'reply', content: JSON.stringify(sample(schema ?? {})), reasoning };
  }
  const tools = (body.tools ?? []) as Json[];
  if (tools.length > 0 && last?.role !== 'tool') {
    const fn = tools[0]!.function as Json;
    return {
      kind: 'reply',
      toolCalls: [{ name: String(fn.name), arguments: JSON.stringify({ query: String(lastUser?.content ?? '') }) }],
      reasoning,
    };
  }
  if (last?.role === 'tool') return { kind: 'reply', content: `tool said: ${String(last.content)}`, reasoning };
  return { kind: 'reply', content: `echo: ${String(lastUser?.content ?? '')}`, reasoning };
}

/** A value that fits a (simple) JSON Schema: first enum value, `x` strings, 1 for numbers. */
function sample(schema: Json): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const anyOf = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (anyOf?.[0]) return sample(anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sample(v)]));
    }
    case 'array':
      return schema.items ? [sample(schema.items as Json)] : [];
    case 'string':
      return 'x'.repeat(Math.max(1, Number(schema.minLength ?? 1)));
    case 'integer':
    case 'number':
      return Math.max(1, Number(schema.minimum ?? 1));
    case 'boolean':
      return true;
    default:
      return null;
  }
}
