import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmClient, OpenAiCompatibleProvider, type OpenAiTestServer, startOpenAiTestServer } from '../../llm/index.js';
import { readAnswer } from './reading.js';
import { readAnswerWithModel } from './reading-model.js';

// A local OpenAI-compatible server stands in for the model (the pattern of src/llm/client.test.ts).
let server: OpenAiTestServer;
beforeAll(async () => {
  server = await startOpenAiTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.clear());

const model = () =>
  new LlmClient({
    providers: [
      {
        provider: new OpenAiCompatibleProvider({
          name: 'local',
          kind: 'openai-compatible',
          baseURL: server.url,
          apiKey: 'test',
          model: 'test-model',
          trust: 'local',
          jsonMode: 'json_schema',
        }),
        concurrency: 2,
      },
    ],
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
  });
const says = (o: unknown) => server.enqueue({ kind: 'reply', content: JSON.stringify(o) });
const chats = () => server.requests.filter((r) => Array.isArray(r.body.messages)).length;

describe('readAnswerWithModel', () => {
  it('reads with the model by default when one is configured, and maps its quoted findings through the NLP stage', async () => {
    says({
      value: 'yes',
      evidence: '鼻子里老是水',
      findings: [
        { quote: '鼻子里老是水', present: true },
        { quote: '嗓子疼', present: true },
      ],
    });
    const r = await readAnswerWithModel(model(), { id: 'E_181', kind: 'binary' }, '鼻子里老是水，嗓子疼', 'zh');
    expect(chats()).toBe(1);
    expect(r).toMatchObject({ value: 'yes', readBy: 'model' });
    expect(r.present).toEqual(expect.arrayContaining(['E_181', 'E_97']));
    expect(r.fallback).toBeUndefined();
  });

  it('keeps the rule reading when a finding is not quoted from the answer', async () => {
    says({ value: 'yes', evidence: '鼻子里老是水', findings: [{ quote: '发烧', present: true }] });
    const r = await readAnswerWithModel(model(), { id: 'E_181', kind: 'binary' }, '鼻子里老是水', 'zh');
    const rules = readAnswer({ id: 'E_181', kind: 'binary' }, '鼻子里老是水', 'zh');
    expect(r).toMatchObject({ value: rules.value, readBy: 'rules' });
    expect(r.present).not.toContain('E_91');
    expect(r.fallback).toMatch(/发烧/);
  });

  it('keeps the rule reading when the model call fails', async () => {
    server.enqueue({ kind: 'status', status: 500 });
    const r = await readAnswerWithModel(model(), { id: 'E_91', kind: 'binary' }, '有点', 'zh');
    expect(r).toMatchObject({ value: 'partly', readBy: 'rules' });
    expect(r.fallback).toMatch(/failed/);
    server.enqueue({ kind: 'malformed' });
    expect(await readAnswerWithModel(model(), { id: 'E_91', kind: 'binary' }, '有点', 'zh')).toMatchObject({
      value: 'partly',
      readBy: 'rules',
    });
  });

  it('rejects a value its own quoted words contradict, or words the patient did not write', async () => {
    says({ value: 'yes', evidence: '没有', findings: [] });
    expect(await readAnswerWithModel(model(), { id: 'E_91', kind: 'binary' }, '没有', 'zh')).toMatchObject({
      value: 'no',
      readBy: 'rules',
    });
    says({ value: 'yes', evidence: 'yes I do', findings: [] });
    expect(await readAnswerWithModel(model(), { id: 'E_181', kind: 'binary' }, '鼻子里老是水', 'zh')).toMatchObject({
      value: 'other',
      readBy: 'rules',
    });
  });

  it('never turns a red-flag check the rules read as positive or unplaced into a no', async () => {
    const answer = '胸口偶尔有点闷';
    expect(readAnswer({ id: 'rf:chest-pain', kind: 'binary' }, answer, 'zh').value).not.toBe('no');
    // "胸口" alone is words the rule reader cannot place, so only the red-flag guard stands in the way.
    expect(readAnswer({ id: 'rf:chest-pain', kind: 'binary' }, '胸口', 'zh').value).toBe('other');
    says({ value: 'no', evidence: '胸口', findings: [] });
    const r = await readAnswerWithModel(model(), { id: 'rf:chest-pain', kind: 'binary' }, answer, 'zh');
    expect(r.value).not.toBe('no');
    expect(r).toMatchObject({ readBy: 'rules', fallback: expect.stringMatching(/red-flag/) });
  });

  it('reads by the rules alone, without a request, when no model is configured', async () => {
    const r = await readAnswerWithModel(new LlmClient({ providers: [] }), { id: 'E_91', kind: 'binary' }, '有点', 'zh');
    expect(r).toMatchObject({ value: 'partly', readBy: 'rules' });
    expect(await readAnswerWithModel(undefined, { id: 'E_91', kind: 'binary' }, '没有', 'zh')).toMatchObject({
      value: 'no',
      readBy: 'rules',
    });
    expect(chats()).toBe(0);
  });
});
