import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientState } from '../core/index.js';
import { LlmClient, OpenAiCompatibleProvider, startOpenAiTestServer, type OpenAiTestServer } from '../llm/index.js';
import { demoStays } from './__fixtures__/demo.js';
import { templateDischargeSummary } from './discharge.js';
import { composeDischargeSummary } from './summarize.js';

const state: PatientState = demoStays('zh', 'zh-cap-pneumonia.json')[0]!.state;

/** A model server that accepts every connection and never says a word. */
async function silentServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((s) => {
    count++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    connections: () => count,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const client = (baseURL: string, interactiveMs: number) =>
  new LlmClient({
    // Each attempt may take a minute and there are three: only the request's deadline stops the wait.
    providers: [
      {
        provider: new OpenAiCompatibleProvider({
          name: 'ward-llm',
          kind: 'vllm',
          baseURL,
          model: 'm',
          trust: 'local',
          jsonMode: 'json_schema',
          timeoutMs: 60_000,
        }),
        timeoutMs: 60_000,
      },
    ],
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
    deadlines: { interactiveMs },
  });

describe('a model that misbehaves never keeps the clinician waiting', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let talking: OpenAiTestServer;
  beforeAll(async () => {
    silent = await silentServer();
    talking = await startOpenAiTestServer();
  });
  afterAll(async () => {
    await silent?.close();
    await talking?.close();
  });

  it('answers within the deadline with the verified template, the reason beside the document and not in it', async () => {
    const llm = client(silent.url, 400);
    const r = await composeDischargeSummary(state, { lang: 'zh', llm });
    expect(silent.connections()).toBeGreaterThanOrEqual(1);
    expect(r.model).toEqual({ used: false, reason: 'no answer within 0.4 s' });
    expect(r.fallback).toEqual({ reason: 'no answer within 0.4 s' });
    expect(r.document.model).toEqual(r.model);
    const template = templateDischargeSummary(state, 'zh', undefined);
    expect(r.document.text).toBe(template.text);
    expect(r.text).not.toMatch(/no answer|<!--|model|模型/);
    await llm.close();
  }, 10_000);

  it('takes the template at once when the model refuses or writes nothing usable', async () => {
    const llm = client(talking.url, 20_000);
    talking.enqueue({ kind: 'reply', content: "I'm sorry, but I can't help with writing medical documents." });
    const refused = await composeDischargeSummary(state, { lang: 'en', llm });
    expect(refused.model.used).toBe(false);
    expect(refused.fallback?.reason).toMatch(/cited none of the record’s facts/);
    expect(refused.document.text).not.toMatch(/sorry/);
    talking.enqueue({ kind: 'reply', content: '   ' });
    const empty = await composeDischargeSummary(state, { lang: 'en', llm, maxAttempts: 1 });
    expect(empty.fallback?.reason).toMatch(/empty answer/);
    await llm.close();
  });

  it('says nothing of a fallback when no model is configured', async () => {
    const r = await composeDischargeSummary(state, { lang: 'zh' });
    expect(r.model).toEqual({ used: false, reason: 'no model configured' });
    expect(r.fallback).toBeUndefined();
  });
});
