import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';

/**
 * A local OpenAI-compatible audio server for tests (node:http on 127.0.0.1, a random port):
 * `POST /v1/audio/transcriptions` (multipart: `file`, `model`, optional `language`) answers
 * `{text}` from the `recognise` function (a real recogniser such as pocketsphinx, or a table keyed
 * by the audio's hash); `POST /v1/audio/speech` (JSON: `model`, `input`, `voice`,
 * `response_format`) answers the bytes `speak` makes. Queued behaviours make it misbehave: a
 * status with an OpenAI-style error body, a slow answer, or a non-audio answer to a speech request.
 */
export type AudioBehaviour =
  | { readonly kind: 'status'; readonly status: number; readonly message?: string }
  | { readonly kind: 'slow'; readonly ms: number }
  | { readonly kind: 'not-audio' };

export interface RecordedAudioRequest {
  readonly path: string;
  readonly authorization?: string;
  readonly model?: string;
  readonly language?: string;
  readonly file?: { readonly name: string; readonly type: string; readonly bytes: Uint8Array };
  /** The JSON body of a speech request. */
  readonly json?: Record<string, unknown>;
}

export interface AudioTestServerOptions {
  readonly recognise?: (audio: Uint8Array, info: { type: string; language?: string }) => Promise<string>;
  readonly speak?: (
    text: string,
    info: { voice: string; format: string },
  ) => Promise<{ bytes: Uint8Array; type: string }>;
}

export interface AudioTestServer {
  /** Base URL ending in `/v1`, as the `openai` client wants it. */
  readonly url: string;
  readonly requests: RecordedAudioRequest[];
  enqueue(...b: AudioBehaviour[]): void;
  close(): Promise<void>;
}

export async function startAudioTestServer(options: AudioTestServerOptions = {}): Promise<AudioTestServer> {
  const queue: AudioBehaviour[] = [];
  const requests: RecordedAudioRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void handle(req, res).catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: e.message } }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const fail = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { message, type: 'invalid_request_error' } }));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]!;
    const authorization = req.headers.authorization;
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method ?? 'GET',
      headers: req.headers as Record<string, string>,
      ...(req.method === 'POST' ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
    } as RequestInit);
    const behaviour = queue.shift();
    // Recorded first, slowed afterwards: a request the client gave up on is still in order in `requests`.
    const slow = () => (behaviour?.kind === 'slow' ? new Promise((r) => setTimeout(r, behaviour.ms)) : undefined);
    if (req.method === 'POST' && path === '/v1/audio/transcriptions') {
      const form = await request.formData();
      const file = form.get('file');
      const model = form.get('model');
      const language = form.get('language');
      const bytes = file instanceof Blob ? new Uint8Array(await file.arrayBuffer()) : undefined;
      requests.push({
        path,
        ...(authorization ? { authorization } : {}),
        ...(typeof model === 'string' ? { model } : {}),
        ...(typeof language === 'string' ? { language } : {}),
        ...(file instanceof File && bytes ? { file: { name: file.name, type: file.type, bytes } } : {}),
      });
      await slow();
      if (behaviour?.kind === 'status') return fail(res, behaviour.status, behaviour.message ?? 'refused');
      if (!bytes) return fail(res, 400, 'file is required');
      if (typeof model !== 'string' || !model) return fail(res, 400, 'model is required');
      const text = options.recognise
        ? await options.recognise(bytes, {
            type: (file as File).type,
            ...(language ? { language: String(language) } : {}),
          })
        : '';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ text }));
      return;
    }
    if (req.method === 'POST' && path === '/v1/audio/speech') {
      const json = (await request.json()) as Record<string, unknown>;
      requests.push({
        path,
        ...(authorization ? { authorization } : {}),
        ...(typeof json.model === 'string' ? { model: json.model } : {}),
        json,
      });
      await slow();
      if (behaviour?.kind === 'status') return fail(res, behaviour.status, behaviour.message ?? 'refused');
      if (behaviour?.kind === 'not-audio') {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html>a login page</html>');
        return;
      }
      if (typeof json.input !== 'string' || !json.input) return fail(res, 400, 'input is required');
      if (!options.speak) return fail(res, 501, 'this test server cannot speak');
      const out = await options.speak(json.input, {
        voice: String(json.voice ?? ''),
        format: String(json.response_format ?? 'mp3'),
      });
      res.writeHead(200, { 'Content-Type': out.type, 'Content-Length': String(out.bytes.length) });
      res.end(Buffer.from(out.bytes));
      return;
    }
    fail(res, 404, `no route ${req.method} ${path}`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...b) => queue.push(...b),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
