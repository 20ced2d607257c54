import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { LlmClient, OpenAiCompatibleProvider, type OpenAiTestServer, startOpenAiTestServer } from '../../llm/index.js';
import { compileNetwork } from '../diagnosis/index.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import { ConsultationService } from './service.js';
import { pendingNetworkQuestion } from './session.js';
import { listSessions, loadTranscript, saveStep } from './store.js';

const net = compileNetwork(respiratoryModel);

// A local OpenAI-compatible server stands in for a configured model.
let llm: OpenAiTestServer;
beforeAll(async () => {
  llm = await startOpenAiTestServer();
});
afterAll(async () => {
  await llm.close();
});
const model = () =>
  new LlmClient({
    providers: [
      {
        provider: new OpenAiCompatibleProvider({
          name: 'local',
          kind: 'openai-compatible',
          baseURL: llm.url,
          apiKey: 'test',
          model: 'test-model',
          trust: 'local',
          jsonMode: 'json_schema',
        }),
        concurrency: 1,
      },
    ],
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
  });

forEachBackend('consultation sessions', (db) => {
  const service = () =>
    new ConsultationService(
      db(),
      async (kb) => {
        if (kb !== net.model.id) throw new Error(`unknown kb ${kb}`);
        return net;
      },
      { policy: { maxQuestions: 3 } },
    );

  it('stores a session, resumes it where it stopped, and reports', async () => {
    const s = service();
    const created = await s.create({ kb: net.model.id, lang: 'zh', complaint: '咳嗽发烧两天', age: 40, sex: 'male' });
    expect(created.reply.kind).toBe('question');
    const a1 = await s.answer(created.session.id, '没有');
    // A new service object (another process) sees the same session and the question it waits on.
    const resumed = await service().resume(created.session.id);
    expect(resumed.session.pending).toBe(a1.session.pending);
    expect(resumed.lastPrompt).toBe(a1.reply.text);
    expect(resumed.transcript.map((t) => t.role)).toEqual(['patient', 'medseek', 'patient', 'medseek']);
    let step = a1;
    // "Unsure" to a red-flag check counts as positive, so the checks are answered "no".
    for (let i = 0; i < 20 && step.session.status === 'active'; i++)
      step = await s.answer(
        created.session.id,
        step.session.pending === 'allergies' ||
          step.session.pending === 'medications' ||
          step.session.pending?.startsWith('rf:')
          ? '没有'
          : '不知道',
      );
    expect(step.session.status).toBe('complete');
    const report = await s.report(created.session.id);
    expect(report.title.zh).toBe('预问诊报告');
    expect(report.differential.length).toBeGreaterThan(0);
    const transcript = await loadTranscript(db(), created.session.id);
    expect(transcript.at(-1)!.text).toContain('预问诊已完成');
    expect(transcript.map((t) => t.turn)).toEqual(transcript.map((_, i) => i + 1));
    const listed = await listSessions(db(), { status: 'complete' });
    expect(listed.map((x) => x.id)).toContain(created.session.id);
  });

  it('keeps an emergency exit and refuses further answers', async () => {
    const s = service();
    const created = await s.create({
      kb: net.model.id,
      lang: 'en',
      complaint: 'Crushing chest pain and sweating',
      age: 58,
      sex: 'male',
    });
    expect(created.reply.kind).toBe('emergency');
    await expect(s.answer(created.session.id, 'yes')).rejects.toThrow(/emergency/);
    const report = await s.report(created.session.id);
    expect(report.triage?.level).toBe(2);
    expect(report.redFlags.positive).toEqual(['chest-pain']);
  });

  it('rejects a step saved from a stale turn, leaving the stored session unchanged', async () => {
    const s = service();
    const created = await s.create({ kb: net.model.id, lang: 'en', complaint: 'Cough', age: 30 });
    await s.answer(created.session.id, 'none');
    await expect(saveStep(db(), created.session.turn, created.session, [])).rejects.toThrow(/changed while/);
    const after = await s.resume(created.session.id);
    expect(after.session.turn).toBe(created.session.turn + 2);
  });

  it('reads answers to network questions with a configured model, checked against the words; red-flag checks by the rules', async () => {
    llm.clear();
    const resolve = async () => net;
    const s = new ConsultationService(db(), resolve, { policy: { maxQuestions: 3 }, reader: model() });
    const created = await s.create({ kb: net.model.id, lang: 'zh', complaint: '咳嗽两天', age: 40, sex: 'male' });
    let step = created;
    const ctx = { net };
    for (let i = 0; i < 20 && step.session.status === 'active' && !pendingNetworkQuestion(ctx, step.session); i++) {
      step = await s.answer(created.session.id, step.session.pending?.startsWith('rf:') ? '没有' : '不知道');
    }
    // Nothing was sent to the model for the red-flag checks and history slots.
    expect(llm.requests.filter((r) => Array.isArray(r.body.messages))).toHaveLength(0);
    const asked = pendingNetworkQuestion(ctx, step.session);
    expect(asked).toBeDefined();
    // The rules cannot read this answer; the model reads it as yes, quoting the patient's words.
    const answer = '差不多就是你说的那样';
    llm.enqueue({ kind: 'reply', content: JSON.stringify({ value: 'yes', evidence: answer, findings: [] }) });
    const next = await s.answer(created.session.id, answer);
    expect(llm.requests.filter((r) => Array.isArray(r.body.messages))).toHaveLength(1);
    expect(next.session.answers.find((a) => a.text === answer)).toMatchObject({ question: asked!.id, value: 'yes' });
  });

  it('names the unknown session', async () => {
    await expect(service().answer('nope', 'yes')).rejects.toThrow(/no consultation session 'nope'/);
  });
});
