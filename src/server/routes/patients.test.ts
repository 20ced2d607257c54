import { beforeAll, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

const KEY = 'workspace-test-key-0123';
const PNEUMONIA = '93f0e6d2-da20-4eec-8eb3-410de4fe430a';
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26';

type Json = Record<string, unknown>;

// The workspace API over the shipped demo (patients and the demo knowledge release), every route audited.
forEachBackendWithDemoRelease('workspace API', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    // demo: true loads the demo patients and knowledge release; the key is still required by the app.
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: true, logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = createApp(ctx);
  }, 240_000);

  const call = async (path: string, body?: unknown) => {
    const res = await app.request(`/api/patients${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        Authorization: `Bearer ${KEY}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it('lists and finds patients by name, and audits the search', async () => {
    const all = await call('');
    expect((all.body.patients as unknown[]).length).toBe(8);
    const found = await call(`?q=${encodeURIComponent('张建国')}`);
    expect((found.body.patients as { id: string }[]).map((p) => p.id)).toEqual([PNEUMONIA]);
    const audit = await ctx.db.query<{ n: string | number }>(
      "select count(*) as n from medseek_audit where patient_id = $1 and action = 'search'",
      [PNEUMONIA],
    );
    expect(Number(audit.rows[0]!.n)).toBeGreaterThan(0);
  });

  it('shows notes with the facts found in them, spans exact', async () => {
    const { body } = await call(`/${PNEUMONIA}/notes`);
    const notes = body.notes as {
      document: string;
      text: string;
      facts: { sources: { kind: string; document: string; start: number; end: number; quote: string }[] }[];
    }[];
    expect(notes.length).toBe(3);
    for (const note of notes) {
      for (const f of note.facts) {
        const span = f.sources.find((s) => s.kind === 'text' && s.document === note.document)!;
        expect(note.text.slice(span.start, span.end)).toBe(span.quote);
      }
    }
  });

  it('ranks the differential with evidence that points at the notes', async () => {
    const { body } = await call(`/${PNEUMONIA}/differential`);
    const top = (body.conclusions as { statement: { en: string }; evidence: { sources: { kind: string }[] }[] }[])[0]!;
    expect(top.statement.en).toMatch(/Pneumonia/);
    expect(top.evidence.some((e) => e.sources.some((s) => s.kind === 'text'))).toBe(true);
  });

  it('raises the interaction and the critical potassium of the stay, and scores its record', async () => {
    const { body } = await call(`/${WARFARIN}/alerts`);
    const alerts = body.alerts as { producer: string; severity: string }[];
    expect(alerts.some((a) => /warfarin|ddi/i.test(a.producer) && a.severity === 'high')).toBe(true);
    expect(alerts.some((a) => /potassium|cv/i.test(a.producer))).toBe(true);
    expect(typeof body.score).toBe('number');
  });

  it('composes a verified summary, refuses to sign a wrong dose, signs the right one', async () => {
    const summary = await call(`/${PNEUMONIA}/summary`, { lang: 'zh' });
    const doc = summary.body.document as { text: string; citations: Record<string, string>; encounterId: string };
    expect((summary.body.report as { counts: { contradicted: number } }).counts.contradicted).toBe(0);
    const wrong = doc.text.replace('30 mg 口服 每日3次', '300 mg 口服 每日3次');
    expect(wrong).not.toBe(doc.text);
    const refused = await call(`/${PNEUMONIA}/summary/sign`, {
      draftId: summary.body.draftId,
      text: wrong,
      lang: 'zh',
      encounterId: doc.encounterId,
    });
    expect(refused.status).toBe(409);
    const signed = await call(`/${PNEUMONIA}/summary/sign`, {
      draftId: summary.body.draftId,
      text: doc.text,
      lang: 'zh',
      encounterId: doc.encounterId,
    });
    expect(signed.status).toBe(200);
    const ref = signed.body.documentReference as string;
    expect((await ctx.resources.read('DocumentReference', ref.split('/')[1]!))?.resource).toMatchObject({
      docStatus: 'final',
      subject: { reference: `Patient/${PNEUMONIA}` },
    });
  });

  it('stores feedback with its reason and names a missing field', async () => {
    const ok = await call(`/${PNEUMONIA}/feedback`, {
      targetKind: 'claim',
      targetId: 'c1',
      verdict: 'reject',
      reason: '剂量错误',
    });
    expect(ok.status).toBe(201);
    const bad = await call(`/${PNEUMONIA}/feedback`, { targetKind: 'claim', targetId: 'c1', verdict: 'reject' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/reason/);
    expect((await call('/nobody/state')).status).toBe(404);
  });

  it('refuses a malformed body or query with a 400 naming the field, in the body and query alike', async () => {
    const firstIssue = (b: Json) => (b.issue as Json[])[0];
    const noText = await call(`/${PNEUMONIA}/verify`, { lang: 'en' });
    expect(noText.status).toBe(400);
    expect(firstIssue(noText.body)).toMatchObject({ expression: ['text'], location: ['body'] });
    const badLang = await call(`/${PNEUMONIA}/summary`, { lang: 'fr' });
    expect(firstIssue(badLang.body)).toMatchObject({ expression: ['lang'] });
    const unsigned = await call(`/${PNEUMONIA}/summary/sign`, { text: 'x' });
    expect(unsigned.status).toBe(400);
    expect(firstIssue(unsigned.body)).toMatchObject({
      expression: ['draftId'],
      diagnostics: expect.stringMatching(/compose the summary first/),
    });
    const badTop = await call(`/${PNEUMONIA}/differential?top=500`);
    expect(badTop.status).toBe(400);
    expect(firstIssue(badTop.body)).toMatchObject({ expression: ['top'], location: ['query'] });
    const asForm = await app.request(`/api/patients/${PNEUMONIA}/verify`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'text/plain' },
      body: '{"text":"x"}',
    });
    expect(asForm.status).toBe(415);
  });

  it('audits reads of the pre-consultation queue', async () => {
    const res = await app.request('/api/consult', { headers: { Authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    const rows = await ctx.db.query("select 1 from medseek_audit where resource = 'consult-sessions'");
    expect(rows.rows.length).toBeGreaterThan(0);
  });
});
