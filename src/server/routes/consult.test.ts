import { Hono } from 'hono';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { isMedSeekError } from '../../core/index.js';
import { respiratoryModel } from '../../reasoning/consultation/__fixtures__/respiratory.js';
import { compileNetwork } from '../../reasoning/index.js';
import { createResourceRepository } from '../../store/index.js';
import { AuditLog } from '../audit/audit-log.js';
import type { AppEnv } from '../env.js';
import type { ConsultEvent, ConsultNotifier } from '../notify.js';
import { consultRoutes } from './consult.js';

const net = compileNetwork(respiratoryModel);

forEachBackend('consult routes', (db) => {
  let app: Hono;
  beforeAll(() => {
    app = new Hono();
    app.onError((e, c) => c.json({ error: e.message }, isMedSeekError(e) ? (e.code === 'not-found' ? 404 : 400) : 500));
    app.route('/api/consult', consultRoutes({ db: db(), resolve: async () => net }));
  });
  const post = (path: string, body: unknown) =>
    app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

  it('runs a session over HTTP: create, re-prompt, answer, resume, report', async () => {
    const r = await post('/api/consult', { complaint: '咳嗽三天', lang: 'zh', age: 35, sex: 'male', kb: 'fixture' });
    expect(r.status).toBe(201);
    const created = await r.json();
    expect(created.reply.kind).toBe('question');
    const id = created.session.id;
    const bad = await (await post(`/api/consult/${id}/answers`, { text: '随便' })).json();
    expect(bad.reply.kind).toBe('reprompt');
    let reply = (await (await post(`/api/consult/${id}/answers`, { text: '没有' })).json()).reply;
    expect(reply.kind).toBe('question');
    const resumed = await (await app.request(`/api/consult/${id}`)).json();
    expect(resumed.lastPrompt).toBe(reply.text);
    // The pending question comes back as it was asked: its tappable choices and progress, not the text alone.
    expect(reply.choices.length).toBeGreaterThan(0);
    expect(resumed.reply).toEqual({
      kind: 'question',
      text: reply.text,
      choices: reply.choices,
      progress: reply.progress,
      ...(reply.question ? { question: reply.question } : {}),
    });
    for (let i = 0; i < 30 && reply.kind !== 'done'; i++)
      reply = (await (await post(`/api/consult/${id}/answers`, { text: '不知道' })).json()).reply;
    expect(reply.kind).toBe('done');
    // A finished session waits on nothing.
    expect((await (await app.request(`/api/consult/${id}`)).json()).reply).toBeUndefined();
    const report = await (await app.request(`/api/consult/${id}/report`)).json();
    expect(report.label.zh).toContain('患者自述');
    const text = await (await app.request(`/api/consult/${id}/report?format=text&lang=en`)).text();
    expect(text).toContain('Pre-consultation report');
  });

  it('ends with an emergency and refuses answers after it', async () => {
    const created = await (
      await post('/api/consult', { complaint: 'I want to kill myself', lang: 'en', kb: 'fixture' })
    ).json();
    expect(created.reply.kind).toBe('emergency');
    expect(created.session.triage.level).toBe(2);
    const r = await post(`/api/consult/${created.session.id}/answers`, { text: 'yes' });
    expect(r.status).toBe(400);
  });

  it('names the bad field and the unknown session', async () => {
    const r = await post('/api/consult', { lang: 'fr', complaint: 'x' });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/zh|en/);
    expect((await app.request('/api/consult/none')).status).toBe(404);
  });

  it('announces an emergency on the event stream before the reply says staff were notified, and queues it first', async () => {
    // A completed session first, so the queue has something the emergency must go above.
    const done = (
      await (
        await post('/api/consult', { complaint: '咳嗽三天', lang: 'zh', age: 35, sex: 'male', kb: 'fixture' })
      ).json()
    ).session.id;
    await finish(post, done);
    const events = await openEvents(app);
    try {
      expect((await events.next()).event).toBe('ready');
      const r = await (
        await post('/api/consult', { complaint: '胸痛两小时，出冷汗', lang: 'zh', age: 58, sex: 'male', kb: 'fixture' })
      ).json();
      expect(r.reply.kind).toBe('emergency');
      expect(r.reply.emergency.staffNotified).toBe(true);
      expect(r.reply.emergency.callNumber).toBe('120');
      expect(r.reply.emergency.message).not.toMatch(/分诊|Ⅰ级|Ⅱ级|红区/);
      const e = await events.next();
      expect(e.event).toBe('emergency');
      const data = JSON.parse(e.data) as ConsultEvent;
      expect(data.sessionId).toBe(r.session.id);
      expect(data.complaint).toBe('胸痛两小时，出冷汗');
      const queue = (await (await app.request('/api/consult')).json()).sessions as { id: string; status: string }[];
      expect(queue[0]!.id).toBe(r.session.id);
      expect(queue[0]!.status).toBe('emergency');
      expect(queue.map((s) => s.id)).toContain(done);
      expect(queue.findIndex((s) => s.id === done)).toBeGreaterThan(0);
    } finally {
      await events.close();
    }
  });

  it('queues a red flag still being checked as urgent, with its reason, and tells the workspaces at once', async () => {
    const done = (
      await (
        await post('/api/consult', { complaint: '咳嗽三天', lang: 'zh', age: 35, sex: 'male', kb: 'fixture' })
      ).json()
    ).session.id;
    await finish(post, done);
    const events = await openEvents(app);
    try {
      expect((await events.next()).event).toBe('ready');
      // Black stool after iron: not an exit by itself, its danger signs are asked one at a time.
      const complaint = '补铁一个月，大便一直是黑色的';
      const r = await (
        await post('/api/consult', { complaint, lang: 'zh', age: 60, sex: 'female', kb: 'fixture' })
      ).json();
      expect(r.reply.kind).toBe('question');
      const e = await events.next();
      expect(e.event).toBe('urgent');
      const data = JSON.parse(e.data) as ConsultEvent;
      expect(data.sessionId).toBe(r.session.id);
      expect(data.redFlags).toEqual(['black-stool']);
      expect(data.reason?.zh).toContain(complaint);
      type Line = { id: string; status: string; urgent?: { reason: { zh: string } } };
      const queue = async () => (await (await app.request('/api/consult')).json()).sessions as Line[];
      const urgent = (await queue()).find((s) => s.id === r.session.id);
      expect(urgent?.status).toBe('active');
      expect(urgent?.urgent?.reason.zh).toMatch(/需排除.*黑便/);
      const order = (await queue()).map((s) => s.id);
      expect(order.indexOf(r.session.id)).toBeLessThan(order.indexOf(done));
      // Every danger sign denied: an ordinary active session again, out of the queue until it completes.
      for (let i = 0; i < 3; i++) await post(`/api/consult/${r.session.id}/answers`, { text: '没有' });
      expect((await queue()).map((s) => s.id)).not.toContain(r.session.id);
    } finally {
      await events.close();
    }
  });

  it('tells the patient staff were not notified when the announcement fails', async () => {
    const failing: ConsultNotifier = {
      mode: 'in-process',
      publish: async () => {
        throw new Error('connection refused');
      },
      subscribe: async () => {
        throw new Error('connection refused');
      },
      close: async () => {},
    };
    const broken = new Hono();
    broken.route('/api/consult', consultRoutes({ db: db(), resolve: async () => net, notifier: failing }));
    const r = await broken.request('/api/consult', {
      method: 'POST',
      body: JSON.stringify({ complaint: 'I want to kill myself', lang: 'en', kb: 'fixture' }),
      headers: { 'Content-Type': 'application/json' },
    });
    const body = await r.json();
    expect(body.reply.kind).toBe('emergency');
    expect(body.reply.emergency.staffNotified).toBe(false);
    // The session is still stored and queued: a failed announcement loses nothing.
    const queue = (await (await broken.request('/api/consult')).json()).sessions as { id: string }[];
    expect(queue.map((s) => s.id)).toContain(body.session.id);
    // A workspace whose subscription fails is told so (it then shows it is not live and retries).
    const events = await openEvents(broken);
    expect((await events.next()).event).toBe('unavailable');
    await expect(events.next()).rejects.toThrow(/ended/);
  });

  it('gives the patient a copy of the report without the differential or triage', async () => {
    const created = (
      await (
        await post('/api/consult', { complaint: '咳嗽三天', lang: 'zh', age: 35, sex: 'male', kb: 'fixture' })
      ).json()
    ).session.id;
    await finish(post, created);
    const clinician = await (await app.request(`/api/consult/${created}/report`)).json();
    expect(clinician.differential.length).toBeGreaterThan(0);
    const patient = await (await app.request(`/api/consult/${created}/report?audience=patient`)).json();
    expect(patient).not.toHaveProperty('differential');
    expect(patient).not.toHaveProperty('triage');
    expect(patient.chiefComplaint.value.zh).toContain('咳嗽');
    expect((await app.request(`/api/consult/${created}/report?audience=boss`)).status).toBe(400);
  });
});

forEachBackend('consult draft 门诊病历', (db) => {
  let app: Hono<AppEnv>;
  let audit: AuditLog;
  let session: string;
  beforeAll(async () => {
    audit = new AuditLog(db());
    const resources = createResourceRepository(db());
    await resources.put({ resourceType: 'Patient', id: 'consult-p1', name: [{ text: '王五' }], gender: 'male' });
    app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('principal', { kind: 'api-key', id: 'key:dr-li', name: '李医生', role: 'clinician', allPatients: true });
      c.set('requestId', 'r1');
      await next();
    });
    app.onError((e, c) =>
      c.json(
        { error: e.message },
        isMedSeekError(e) ? (e.code === 'not-found' ? 404 : e.code === 'conflict' ? 409 : 400) : 500,
      ),
    );
    app.route('/api/consult', consultRoutes({ db: db(), resolve: async () => net, audit, resources }));
    const post = (path: string, body: unknown) =>
      app.request(path, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      });
    const created = await (
      await post('/api/consult', { complaint: '咳嗽3天', lang: 'zh', age: 35, sex: 'male', kb: 'fixture' })
    ).json();
    session = created.session.id;
    let reply = created.reply;
    // Answered in the patient's words; allergies and medicines as told.
    for (let i = 0; i < 40 && reply.kind !== 'done'; i++) {
      const text = /过敏/.test(reply.text) ? '青霉素过敏，起皮疹' : /药/.test(reply.text) ? '没有' : '没有';
      reply = (await (await post(`/api/consult/${session}/answers`, { text })).json()).reply;
    }
    expect(reply.kind).toBe('done');
  });
  const post = (path: string, body: unknown) =>
    app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

  it('drafts the 门诊病历 with every sentence citing the patient turn it came from, none contradicted', async () => {
    const draft = await (await app.request(`/api/consult/${session}/draft`)).json();
    expect(draft.lang).toBe('zh');
    expect(draft.text).toMatch(/^主诉：咳嗽3天/);
    expect(draft.blocked).toBe(false);
    expect(draft.sentences.length).toBeGreaterThan(2);
    for (const s of draft.sentences) {
      expect(s.citations.length).toBeGreaterThan(0);
      expect(s.verdict).not.toBe('contradicted');
    }
    const allergy = draft.sentences.find((s: { section?: string }) => s.section === '过敏史');
    expect(allergy.citations[0].quote).toBe('青霉素过敏，起皮疹');
    // Re-verified as it stands: the same verdicts, every claim still citing the turns it came from.
    const again = await (await post(`/api/consult/${session}/draft/verify`, { text: draft.text })).json();
    expect(again.blocked).toBe(false);
    for (const s of again.sentences) expect(s.citations.length).toBeGreaterThan(0);
    const negatives = again.sentences.filter((s: { text: string }) => /(^|：)无/.test(s.text));
    expect(negatives.length).toBeGreaterThan(0);
    // A pertinent negative cites the turn it was denied in, not every turn of the list it sits in.
    for (const s of negatives) expect(s.citations.length).toBeLessThanOrEqual(2);
  });

  it('refuses to accept a draft that contradicts the patient, and stores nothing', async () => {
    const draft = await (await app.request(`/api/consult/${session}/draft`)).json();
    const wrong = draft.text.replace('咳嗽3天', '咳嗽3个月');
    expect(wrong).not.toBe(draft.text);
    const checked = await (await post(`/api/consult/${session}/draft/verify`, { text: wrong })).json();
    expect(checked.blocked).toBe(true);
    const r = await post(`/api/consult/${session}/accept`, { text: wrong, patientId: 'consult-p1' });
    expect(r.status).toBe(409);
    const body = await r.json();
    expect(body.accepted).toBe(false);
    expect(
      body.sentences.some(
        (s: { verdict: string; text: string }) => s.verdict === 'contradicted' && s.text.includes('3个月'),
      ),
    ).toBe(true);
    expect(await createResourceRepository(db()).read('DocumentReference', `consult-${session}`)).toBeUndefined();
  });

  it('accepts the edited draft into the patient’s record as an outpatient note, once, and audits it', async () => {
    expect((await post(`/api/consult/${session}/accept`, { text: '主诉：咳嗽3天', patientId: 'nobody' })).status).toBe(
      404,
    );
    expect((await post(`/api/consult/${session}/accept`, { text: '  ', patientId: 'consult-p1' })).status).toBe(400);
    const draft = await (await app.request(`/api/consult/${session}/draft`)).json();
    const text = `${draft.text}\n查体：咽部充血。`;
    const r = await post(`/api/consult/${session}/accept`, { text, patientId: 'consult-p1' });
    expect(r.status).toBe(201);
    const body = await r.json();
    expect(body.documentReference).toBe(`DocumentReference/consult-${session}`);
    // Accepted, but the examination is the clinician's own: not supported by the conversation.
    expect(body.sentences.find((s: Sentence) => s.text.includes('咽部充血'))).toMatchObject({
      verdict: 'unsupported',
      citations: [],
    });
    const stored = await createResourceRepository(db()).read('DocumentReference', `consult-${session}`);
    const doc = stored!.resource as unknown as {
      type: { coding: { system: string; code: string }[] };
      subject: { reference: string };
      author: { display: string }[];
      docStatus: string;
      context: { related: { identifier: { value: string } }[] };
      content: { attachment: { data: string } }[];
    };
    expect(doc.type.coding[0]).toMatchObject({ system: 'http://loinc.org', code: '34108-1' });
    expect(doc.subject.reference).toBe('Patient/consult-p1');
    expect(doc.author[0]!.display).toBe('李医生');
    expect(doc.docStatus).toBe('final');
    expect(doc.context.related[0]!.identifier.value).toBe(session);
    expect(Buffer.from(doc.content[0]!.attachment.data, 'base64').toString('utf8')).toBe(text);
    // A second accept does not add a second note.
    const again = await post(`/api/consult/${session}/accept`, { text, patientId: 'consult-p1' });
    expect(again.status).toBe(409);
    const rows = await audit.query({ patient: 'consult-p1' });
    expect(rows.map((x) => [x.action, x.resource, x.outcome])).toEqual(
      expect.arrayContaining([
        ['accept', `DocumentReference/consult-${session}`, 201],
        ['accept', `consult-session/${session}/draft`, 409],
      ]),
    );
  });

  it('drafts nothing for a session still in progress', async () => {
    const created = await (await post('/api/consult', { complaint: '咳嗽3天', lang: 'zh', kb: 'fixture' })).json();
    expect((await app.request(`/api/consult/${created.session.id}/draft`)).status).toBe(409);
  });
});

type Sentence = { text: string; verdict: string; citations: { turn: number; quote: string }[] };

forEachBackend('consult draft 门诊病历: scripted sessions in the patient’s words', (db) => {
  let app: Hono<AppEnv>;
  beforeAll(async () => {
    const resources = createResourceRepository(db());
    await resources.put({ resourceType: 'Patient', id: 'consult-p2', name: [{ text: '赵六' }], gender: 'female' });
    app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('principal', { kind: 'api-key', id: 'key:dr-li', name: '李医生', role: 'clinician', allPatients: true });
      c.set('requestId', 'r2');
      await next();
    });
    app.onError((e, c) =>
      c.json(
        { error: e.message },
        isMedSeekError(e) ? (e.code === 'not-found' ? 404 : e.code === 'conflict' ? 409 : 400) : 500,
      ),
    );
    app.route('/api/consult', consultRoutes({ db: db(), resolve: async () => net, resources }));
  });
  const post = (path: string, body: unknown) =>
    app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

  /** Plays a session, answering each question as a patient would; returns its id and the turn that answered the fever question. */
  async function play(
    complaint: string,
    lang: 'zh' | 'en',
    answer: (reply: { text: string; question?: { id: string } }) => string,
  ) {
    const created = await (
      await post('/api/consult', { complaint, lang, age: 28, sex: 'female', kb: 'fixture' })
    ).json();
    const id: string = created.session.id;
    let reply = created.reply;
    for (let i = 0; i < 40 && reply.kind !== 'done'; i++) {
      expect(reply.kind).not.toBe('emergency');
      reply = (await (await post(`/api/consult/${id}/answers`, { text: answer(reply) })).json()).reply;
    }
    expect(reply.kind).toBe('done');
    const { transcript } = await (await app.request(`/api/consult/${id}`)).json();
    const asked = (transcript as { turn: number; role: string; text: string }[]).find(
      (t) => t.role === 'medseek' && /发热|发烧|fever/i.test(t.text),
    );
    expect(asked).toBeDefined();
    return { id, feverAnswer: asked!.turn + 1 };
  }

  const zhAnswers = (r: { text: string; question?: { id: string } }) =>
    ({ 'itchy-eyes': '眼睛有点痒', cough: '有点咳嗽', sneeze: '是的', fever: '没有', sputum: '有点黄痰' })[
      r.question?.id ?? ''
    ] ??
    (/过敏/.test(r.text)
      ? '青霉素过敏，起皮疹'
      : /多难受/.test(r.text)
        ? '有点难受，3分'
        : /一直这样/.test(r.text)
          ? '一阵一阵的'
          : '没有');
  const enAnswers = (r: { text: string; question?: { id: string } }) =>
    ({
      'itchy-eyes': 'my eyes are a bit itchy',
      cough: 'yes, a little',
      sneeze: 'yes',
      fever: 'no',
      sputum: 'a little yellow phlegm',
    })[r.question?.id ?? ''] ??
    (/allergic/i.test(r.text)
      ? 'penicillin, I get a rash'
      : /how bad/i.test(r.text)
        ? 'not too bad, 3'
        : /all the time/i.test(r.text)
          ? 'it comes and goes'
          : 'no');

  for (const [lang, complaint, answer, noFever] of [
    ['zh', '流鼻涕、打喷嚏两天', zhAnswers, '无发热'],
    ['en', 'runny nose and sneezing for 2 days', enAnswers, 'No fever'],
  ] as const) {
    it(`verifies a faithful ${lang} draft with nothing unsupported or contradicted, each sentence citing its turns`, async () => {
      const { id, feverAnswer } = await play(complaint, lang, answer);
      const draft = await (await app.request(`/api/consult/${id}/draft`)).json();
      expect(draft.blocked).toBe(false);
      for (const s of draft.sentences as Sentence[]) {
        expect([s.text, s.verdict, (s as { reason?: string }).reason]).toEqual([s.text, 'supported', undefined]);
        expect(s.citations.length).toBeGreaterThan(0);
      }
      // Re-verified as it stands: every claim supported, citing the turns that support it.
      const again: Sentence[] = (await (await post(`/api/consult/${id}/draft/verify`, { text: draft.text })).json())
        .sentences;
      expect(again.filter((s) => s.verdict !== 'supported')).toEqual([]);
      for (const s of again)
        if (/[\u4e00-\u9fffA-Za-z]{2}/.test(s.text.replace(/^[^：:]*[：:]/, '')))
          expect(s.citations.length).toBeGreaterThan(0);
      // The pertinent negative cites the answer to the fever question, and only turns that deny something.
      const negative = again.find((s) => s.text.includes(lang === 'zh' ? '发热' : 'Fever'))!;
      expect(negative.citations.map((c) => c.turn)).toContain(feverAnswer);
      expect(draft.text).toContain(lang === 'zh' ? '无' : 'No ');
      const alone: Sentence[] = (await (await post(`/api/consult/${id}/draft/verify`, { text: `${noFever}.` })).json())
        .sentences;
      expect(alone).toEqual([
        expect.objectContaining({ verdict: 'supported', citations: [expect.objectContaining({ turn: feverAnswer })] }),
      ]);
      // The clinician's examination is allowed, but it is theirs, not the conversation's.
      const exam = lang === 'zh' ? '查体：咽部充血。' : 'Exam: pharyngeal erythema.';
      const edited = await (await post(`/api/consult/${id}/draft/verify`, { text: `${draft.text}\n${exam}` })).json();
      expect(edited.blocked).toBe(false);
      expect(edited.sentences.filter((s: Sentence) => s.verdict !== 'supported')).toEqual([
        expect.objectContaining({ text: exam, verdict: 'unsupported', citations: [] }),
      ]);
      // A fever the patient denied: contradicted, citing the denial, and refused on accept.
      const flipped = lang === 'zh' ? `${draft.text}\n发热3天。` : `${draft.text}\nFever for 3 days.`;
      const checked = await (await post(`/api/consult/${id}/draft/verify`, { text: flipped })).json();
      expect(checked.blocked).toBe(true);
      const wrong = checked.sentences.find((s: Sentence) => s.verdict === 'contradicted');
      expect(wrong.text).toMatch(/发热3天|Fever for 3 days/);
      expect(wrong.citations.map((c: { turn: number }) => c.turn)).toEqual([feverAnswer]);
      const refused = await post(`/api/consult/${id}/accept`, { text: flipped, patientId: 'consult-p2' });
      expect(refused.status).toBe(409);
      expect(await createResourceRepository(db()).read('DocumentReference', `consult-${id}`)).toBeUndefined();
    });
  }
});

/** Answers "没有" until the session is done (and fails if it ends any other way). */
async function finish(post: (path: string, body: unknown) => Response | Promise<Response>, id: string): Promise<void> {
  let reply = { kind: 'question' };
  for (let i = 0; i < 40 && (reply.kind === 'question' || reply.kind === 'reprompt'); i++)
    reply = (await (await post(`/api/consult/${id}/answers`, { text: '没有' })).json()).reply;
  expect(reply.kind).toBe('done');
}

/** Reads a server-sent event stream one event at a time. */
async function openEvents(
  app: Hono,
): Promise<{ next(): Promise<{ event: string; data: string }>; close(): Promise<void> }> {
  const res = await app.request('/api/consult/events');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n').filter((l) => !l.startsWith(':'));
          if (!lines.length) continue;
          return {
            event: lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message',
            data: lines
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n'),
          };
        }
        const { done, value } = await reader.read();
        if (done) throw new Error('the event stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    async close() {
      await reader.cancel();
    },
  };
}
