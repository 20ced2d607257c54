import { beforeAll, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

const KEY = 'ask-route-test-key-0123';
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26';
const PNEUMONIA = '93f0e6d2-da20-4eec-8eb3-410de4fe430a';

type Json = Record<string, unknown>;

// POST /api/patients/:id/ask over the shipped demo: staff only, patient scope, audited.
forEachBackendWithDemoRelease('ask route', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  const keys: Record<'patient' | 'ward', string> = {} as never;

  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: true, logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = createApp(ctx);
    keys.patient = (await ctx.apiKeys.create('a patient', { role: 'patient', patientId: PNEUMONIA })).key;
    keys.ward = (await ctx.apiKeys.create('another ward', { role: 'clinician', units: ['no-such-ward'] })).key;
  }, 240_000);

  const ask = async (id: string, body: unknown, key = KEY) => {
    const res = await app.request(`/api/patients/${id}/ask`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it('answers a question with cited, verified sentences and audits the ask and each tool read', async () => {
    const r = await ask(WARFARIN, { question: '最近一次INR是多少' });
    expect(r.status).toBe(200);
    const sentences = r.body.sentences as { text: string; status: string; sources: { kind: string }[] }[];
    expect(sentences[0]!.text).toContain('3.4');
    expect(sentences[0]!.status).toBe('verified');
    expect(sentences[0]!.sources.length).toBeGreaterThan(0);
    expect(r.body.answeredBy).toBe('deterministic');
    const rows = await ctx.db.query<{ action: string; resource: string; outcome: number }>(
      'select action, resource, outcome from medseek_audit where patient_id = $1 and ' +
        `(action = 'ask' or detail::text like '%"via": "ask"%' or detail::text like '%"via":"ask"%') order by id`,
      [WARFARIN],
    );
    expect(rows.rows.map((x) => x.action)).toEqual(['read', 'verify', 'ask']);
    expect(Number(rows.rows.at(-1)!.outcome)).toBe(200);
  });

  it('refuses a bad question naming the field, a patient key and a clinician of another ward', async () => {
    const empty = await ask(WARFARIN, { question: '' });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain('question');
    const long = await ask(WARFARIN, { question: 'x'.repeat(2001) });
    expect(long.status).toBe(400);
    expect((await ask(PNEUMONIA, { question: '有什么过敏' }, keys.patient)).status).toBe(403);
    expect((await ask(WARFARIN, { question: '有什么过敏' }, keys.ward)).status).toBe(403);
  });
});
