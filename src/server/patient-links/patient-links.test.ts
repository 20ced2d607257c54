import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { isMedSeekError } from '../../core/index.js';
import { respiratoryModel } from '../../reasoning/consultation/__fixtures__/respiratory.js';
import { compileNetwork } from '../../reasoning/index.js';
import { createResourceRepository, type ResourceRepository } from '../../store/index.js';
import { AuditLog } from '../audit/audit-log.js';
import { createPatientScope } from '../auth/patient-scope.js';
import type { AppContext } from '../context.js';
import type { AppEnv, Principal } from '../env.js';
import { outcomeForError } from '../fhir/operation-outcome.js';
import { consultRoutes } from '../routes/consult.js';
import { linkExpiry } from './appointment.js';
import { patientLinkAuthenticator } from './link-auth.js';
import { patientLinkPolicies, patientLinkRoutes } from './routes.js';
import { PatientLinkStore } from './store.js';
import { readToken, signToken } from './token.js';

const net = compileNetwork(respiratoryModel);
const DISEASES = [
  '普通感冒',
  '流行性感冒',
  '肺炎',
  '肺栓塞',
  '过敏性鼻炎',
  'Common cold',
  'Influenza',
  'Pneumonia',
  'Pulmonary embolism',
  'Allergic rhinitis',
];

const DOCTOR: Principal = { kind: 'api-key', id: 'key:dr-wang', name: '王医生', role: 'clinician', allPatients: true };
/** A clinician of a unit none of the test patients belong to. */
const OUTSIDER: Principal = {
  kind: 'api-key',
  id: 'key:dr-far',
  name: '远医生',
  role: 'clinician',
  units: ['Organization/elsewhere'],
};

const hours = (n: number) => n * 3600_000;

/** Every key and string of a JSON value, for "never carries" checks. */
function walk(v: unknown, visit: (key: string | undefined, value: unknown) => void, key?: string): void {
  visit(key, v);
  if (Array.isArray(v)) for (const x of v) walk(x, visit);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, visit, k);
}
function physicianOnly(body: unknown): string[] {
  const found: string[] = [];
  walk(body, (k, v) => {
    if (k && /^(differential|triage|probabilit(y|ies)|posterior|redFlags|toVerify|score)$/i.test(k))
      found.push(`key ${k}`);
    if (typeof v === 'string') for (const d of DISEASES) if (v.includes(d)) found.push(`text "${d}" in ${k}`);
  });
  return found;
}

forEachBackend('patient links', (db) => {
  let app: Hono<AppEnv>;
  let resources: ResourceRepository;
  let audit: AuditLog;
  let ctx: AppContext;
  const as = new Map<string, Principal>([
    ['doctor', DOCTOR],
    ['outsider', OUTSIDER],
  ]);

  beforeAll(async () => {
    resources = createResourceRepository(db());
    audit = new AuditLog(db());
    ctx = { db: db(), resources, audit, patientScope: createPatientScope(db()) } as unknown as AppContext;
    await resources.put({ resourceType: 'Patient', id: 'pl-a', name: [{ text: '甲' }] });
    await resources.put({ resourceType: 'Patient', id: 'pl-b', name: [{ text: '乙' }] });
    await resources.put({
      resourceType: 'Observation',
      id: 'pl-b-obs',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: 'Patient/pl-b' },
    });
    const soon = (h: number) => new Date(Date.now() + hours(h)).toISOString();
    for (const [id, patient] of [
      ['appt-a', 'pl-a'],
      ['appt-a2', 'pl-a'],
      ['appt-a3', 'pl-a'],
      ['appt-b', 'pl-b'],
    ] as const) {
      await resources.put({
        resourceType: 'Appointment',
        id,
        status: 'booked',
        start: soon(2),
        end: soon(3),
        participant: [
          { actor: { reference: `Patient/${patient}` }, status: 'accepted' },
          { actor: { reference: 'Practitioner/dr' }, status: 'accepted' },
        ],
      });
    }
    await resources.put({
      resourceType: 'Appointment',
      id: 'appt-nobody',
      status: 'booked',
      start: soon(2),
      participant: [{ actor: { reference: 'Practitioner/dr' }, status: 'accepted' }],
    });

    app = new Hono<AppEnv>();
    app.onError((e, c) =>
      isMedSeekError(e)
        ? c.json(outcomeForError(e).body, outcomeForError(e).status as 400)
        : c.json({ error: e.message }, 500),
    );
    // The real link authenticator; staff are named by a test header (their authenticators are not under test here).
    app.use('*', async (c, next) => {
      c.set('requestId', 'test');
      const r = await patientLinkAuthenticator(ctx, c);
      if (r && 'refused' in r) return c.json({ refused: r.refused }, 401);
      const p = r?.principal ?? as.get(c.req.header('x-as') ?? '');
      if (!p) return c.json({ error: 'no principal' }, 401);
      c.set('principal', p);
      return next();
    });
    app.route('/api/patient-links', patientLinkRoutes(ctx));
    app.route(
      '/api/consult',
      consultRoutes({ db: db(), resolve: async () => net, resources, audit, patientScope: ctx.patientScope }),
    );
  });

  const call = (path: string, init: { method?: string; body?: unknown; as?: string; token?: string } = {}) =>
    app.request(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        'Content-Type': 'application/json',
        ...(init.as ? { 'x-as': init.as } : {}),
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const issue = async (appointmentId: string) => {
    const r = await call('/api/patient-links', { body: { appointmentId }, as: 'doctor' });
    expect(r.status).toBe(201);
    return (await r.json()) as {
      link: { id: string; patientId: string; expiresAt: string };
      token: string;
      url: string;
      qrSvg: string;
    };
  };
  const consent = (token: string, agree: boolean) =>
    call('/api/patient-links/consent', { body: { agree, lang: 'zh' }, token });

  it('keys its policies by the full mounted path, staff issuing and patients consenting', () => {
    expect(patientLinkPolicies['POST /api/patient-links']).toEqual({ roles: ['admin', 'clinician'] });
    expect(patientLinkPolicies['POST /api/patient-links/consent']).toEqual({ roles: ['patient'] });
  });

  it('refuses a link for an appointment that does not exist, naming it, and one without a patient', async () => {
    const r = await call('/api/patient-links', { body: { appointmentId: 'appt-missing' }, as: 'doctor' });
    expect(r.status).toBe(404);
    expect(JSON.stringify(await r.json())).toContain('Appointment/appt-missing');
    const none = await call('/api/patient-links', { body: { appointmentId: 'appt-nobody' }, as: 'doctor' });
    expect(none.status).toBe(400);
    expect(JSON.stringify(await none.json())).toMatch(/no Patient participant/);
    expect((await call('/api/patient-links', { body: {}, as: 'doctor' })).status).toBe(400);
  });

  it('refuses a clinician outside the patient’s units, and audits it', async () => {
    expect((await call('/api/patient-links', { body: { appointmentId: 'appt-a' }, as: 'outsider' })).status).toBe(403);
    expect((await call('/api/patient-links?patient=pl-a', { as: 'outsider' })).status).toBe(403);
    const rows = await audit.query({ patient: 'pl-a' });
    expect(rows.some((x) => x.principal === OUTSIDER.id && x.outcome === 403)).toBe(true);
  });

  it('issues a signed link with its URL and QR code; the list never shows the token', async () => {
    const { link, token, url, qrSvg } = await issue('appt-a');
    expect(link.patientId).toBe('pl-a');
    expect(url).toMatch(/\/#\/p\/mpl1\./);
    expect(url.endsWith(token)).toBe(true);
    expect(qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // Expires at the appointment's end plus the grace, well within 72 h.
    expect(Date.parse(link.expiresAt)).toBeLessThanOrEqual(Date.now() + hours(16));
    const listed = await (await call('/api/patient-links?patient=pl-a', { as: 'doctor' })).json();
    expect(listed.links.map((l: { id: string }) => l.id)).toContain(link.id);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(listed.appointments.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['appt-a', 'appt-a2']));
    const me = await (await call('/api/patient-links/me', { token })).json();
    expect(me).toMatchObject({ linkId: link.id, patientId: 'pl-a', appointment: { id: 'appt-a' } });
    expect(me.consentText.zh).toMatch(/收集什么/);
    expect(me.consentText.en).toMatch(/What we collect/);
    expect(me.consent).toBeUndefined();
  });

  it('gives a patient principal bound to the link’s patient and appointment, never another patient', async () => {
    const { token, link } = await issue('appt-a2');
    const c = { req: { header: (n: string) => (n.toLowerCase() === 'authorization' ? `Bearer ${token}` : undefined) } };
    const r = await patientLinkAuthenticator(ctx, c as never);
    expect(r).toEqual({
      principal: expect.objectContaining({
        kind: 'patient-link',
        id: `link:${link.id}`,
        role: 'patient',
        patientId: 'pl-a',
        appointmentId: 'appt-a2',
      }),
    });
    const p = (r as { principal: Principal }).principal;
    expect(await ctx.patientScope.allows(p, 'pl-a')).toBe(true);
    expect(await ctx.patientScope.allows(p, 'pl-b')).toBe(false);
    // Not ours: an API key or a JWT is left to the other authenticators.
    const other = { req: { header: () => 'Bearer msk_abc' } };
    expect(await patientLinkAuthenticator(ctx, other as never)).toBeUndefined();
    // Staff routes are not a patient's, even their own patient's.
    expect((await call('/api/patient-links?patient=pl-a', { token })).status).toBe(403);
    expect((await call('/api/patient-links', { body: { appointmentId: 'appt-a' }, token })).status).toBe(403);
  });

  it('refuses forged, expired and revoked tokens, and a link whose appointment is gone', async () => {
    const { token, link } = await issue('appt-a3');
    const claims = readToken(token)!;
    const forged = signToken(Buffer.alloc(32, 7), { linkId: claims.linkId, exp: claims.exp });
    const refusal = async (t: string) => (await (await call('/api/patient-links/me', { token: t })).json()).refused;
    expect(await refusal(forged)).toEqual({
      credential: `link:${link.id}`,
      reason: expect.stringMatching(/signature/),
    });
    expect(await refusal(`${token.slice(0, -2)}xx`)).toMatchObject({
      reason: expect.stringMatching(/signature|malformed/),
    });
    expect(await refusal('mpl1.zz')).toMatchObject({ reason: expect.stringMatching(/malformed/) });
    // Expired: the same store, its clock moved past the expiry.
    const later = new PatientLinkStore(db(), resources, () => new Date(Date.parse(link.expiresAt) + 1000));
    expect(await later.verify(token)).toEqual({
      refused: { credential: `link:${link.id}`, reason: expect.stringMatching(/expired/) },
    });
    // Revoked: refused at once.
    expect((await call(`/api/patient-links/${link.id}`, { method: 'DELETE', as: 'doctor' })).status).toBe(200);
    expect(await refusal(token)).toEqual({ credential: `link:${link.id}`, reason: expect.stringMatching(/revoked/) });
    // The appointment deleted: a link issued for it stops working.
    const { token: t2 } = await issue('appt-b');
    await resources.delete('Appointment', 'appt-b');
    expect(await refusal(t2)).toMatchObject({ reason: expect.stringMatching(/Appointment\/appt-b no longer exists/) });
  });

  it('asks consent first: no pre-consultation before it, the answer stored as a FHIR Consent', async () => {
    const { token, link } = await issue('appt-a');
    const start = () => call('/api/consult', { body: { complaint: '咳嗽三天', lang: 'zh', age: 30 }, token });
    const before = await start();
    expect(before.status).toBe(409);
    expect(JSON.stringify(await before.json())).toMatch(/同意/);
    expect((await consent(token, false)).status).toBe(201);
    const declined = await resources.read('Consent', `pc-${link.id}`);
    expect(declined!.resource).toMatchObject({
      status: 'rejected',
      patient: { reference: 'Patient/pl-a' },
      provision: { type: 'deny' },
    });
    expect((await start()).status).toBe(409);
    expect((await consent(token, true)).status).toBe(201);
    const agreed = (await resources.read('Consent', `pc-${link.id}`))!;
    expect(agreed.patientId).toBe('pl-a');
    expect(agreed.versionId).toBe(2);
    const r = agreed.resource as unknown as {
      status: string;
      category: { coding: { code: string }[] }[];
      dateTime: string;
      provision: { data: { reference: { reference: string } }[] };
      sourceAttachment: { data: string };
    };
    expect(r.status).toBe('active');
    expect(r.category.flatMap((c) => c.coding.map((x) => x.code))).toEqual(['59284-0', 'pre-consultation']);
    expect(r.provision.data[0]!.reference.reference).toBe('Appointment/appt-a');
    expect(Buffer.from(r.sourceAttachment.data, 'base64').toString('utf8')).toMatch(/收集什么/);
    expect(Number.isNaN(Date.parse(r.dateTime))).toBe(false);
    expect((await (await call('/api/patient-links/me', { token })).json()).consent).toMatchObject({ status: 'active' });
    expect((await start()).status).toBe(201);
  });

  describe('a patient’s own session', () => {
    let tokenA: string;
    let tokenB: string;
    let sessionA: string;
    let kiosk: string;
    beforeAll(async () => {
      tokenA = (await issue('appt-a')).token;
      await resources.put({
        resourceType: 'Appointment',
        id: 'appt-b2',
        status: 'booked',
        start: new Date(Date.now() + hours(1)).toISOString(),
        participant: [{ actor: { reference: 'Patient/pl-b' } }],
      });
      tokenB = (await issue('appt-b2')).token;
      await consent(tokenA, true);
      await consent(tokenB, true);
      kiosk = (
        await (
          await call('/api/consult', { body: { complaint: '咳嗽', lang: 'zh', kb: 'fixture' }, as: 'doctor' })
        ).json()
      ).session.id;
    });

    it('starts bound to the link, sends nothing physician-only, and resumes after a reload', async () => {
      const created = await call('/api/consult', {
        body: { complaint: '咳嗽三天', lang: 'zh', age: 35, sex: 'male' },
        token: tokenA,
      });
      expect(created.status).toBe(201);
      let body = await created.json();
      sessionA = body.session.id;
      expect(physicianOnly(body)).toEqual([]);
      for (let i = 0; i < 40 && body.reply.kind !== 'done'; i++) {
        body = await (await call(`/api/consult/${sessionA}/answers`, { body: { text: '没有' }, token: tokenA })).json();
        expect(body.reply, JSON.stringify(body)).toBeDefined();
        expect(physicianOnly(body)).toEqual([]);
      }
      expect(body.reply.kind).toBe('done');
      // The principal now names the session (the page resumes from it).
      const me = await (await call('/api/patient-links/me', { token: tokenA })).json();
      expect(me.session).toBe(sessionA);
      const resumed = await (await call(`/api/consult/${sessionA}`, { token: tokenA })).json();
      expect(resumed.transcript.length).toBeGreaterThan(2);
      expect(physicianOnly(resumed)).toEqual([]);
      const report = await call(`/api/consult/${sessionA}/report?audience=patient`, { token: tokenA });
      expect(report.status).toBe(200);
      const copy = await report.json();
      expect(copy.chiefComplaint.value.zh).toContain('咳嗽');
      expect(physicianOnly(copy)).toEqual([]);
      expect(
        physicianOnly(
          await (await call(`/api/consult/${sessionA}/report?audience=patient&format=text`, { token: tokenA })).text(),
        ),
      ).toEqual([]);
      // The clinician's copy is not theirs.
      expect((await call(`/api/consult/${sessionA}/report`, { token: tokenA })).status).toBe(403);
      // One pre-consultation per link.
      expect((await call('/api/consult', { body: { complaint: '头痛', lang: 'zh' }, token: tokenA })).status).toBe(409);
    });

    it('never reaches another session, another patient’s, the queue or the draft', async () => {
      const sessionB = (
        await (await call('/api/consult', { body: { complaint: '咳嗽', lang: 'zh' }, token: tokenB })).json()
      ).session.id as string;
      for (const [token, id] of [
        [tokenB, sessionA],
        [tokenA, sessionB],
        [tokenA, kiosk],
      ] as const) {
        expect((await call(`/api/consult/${id}`, { token })).status).toBe(404);
        expect((await call(`/api/consult/${id}/answers`, { body: { text: '是' }, token })).status).toBe(404);
        expect((await call(`/api/consult/${id}/report?audience=patient`, { token })).status).toBe(404);
      }
      expect((await call('/api/consult', { token: tokenA })).status).toBe(403);
      expect((await call(`/api/consult/${sessionA}/draft`, { token: tokenA })).status).toBe(403);
      expect(
        (await call(`/api/consult/${sessionA}/accept`, { body: { text: 'x', patientId: 'pl-a' }, token: tokenA }))
          .status,
      ).toBe(403);
    });

    it('tells a patient in danger what to do and whom to call, in plain words, without triage', async () => {
      await resources.put({
        resourceType: 'Appointment',
        id: 'appt-a4',
        status: 'booked',
        start: new Date(Date.now() + hours(1)).toISOString(),
        participant: [{ actor: { reference: 'Patient/pl-a' } }],
      });
      const { token } = await issue('appt-a4');
      await consent(token, true);
      const body = await (
        await call('/api/consult', {
          body: { complaint: '胸痛两小时，出冷汗', lang: 'zh', age: 58, sex: 'male' },
          token,
        })
      ).json();
      expect(body.reply.kind).toBe('emergency');
      expect(body.reply.emergency).toMatchObject({ callNumber: '120', staffNotified: true });
      expect(body.reply.emergency.message).not.toMatch(/分诊|Ⅰ级|Ⅱ级|红区/);
      expect(physicianOnly(body)).toEqual([]);
    });

    it('does not tell a clinician outside the patient’s units of their emergency', async () => {
      const res = await call('/api/consult/events', { as: 'outsider' });
      expect(res.status).toBe(200);
      const events = eventReader(res.body!);
      try {
        expect((await events.next()).event).toBe('ready');
        await resources.put({
          resourceType: 'Appointment',
          id: 'appt-a5',
          status: 'booked',
          start: new Date(Date.now() + hours(1)).toISOString(),
          participant: [{ actor: { reference: 'Patient/pl-a' } }],
        });
        const { token } = await issue('appt-a5');
        await consent(token, true);
        const theirs = await (
          await call('/api/consult', { body: { complaint: '胸痛两小时，出冷汗', lang: 'zh', age: 60 }, token })
        ).json();
        expect(theirs.reply.kind).toBe('emergency');
        const kioskEmergency = await (
          await call('/api/consult', {
            body: { complaint: '胸痛两小时，出冷汗', lang: 'zh', age: 61, kb: 'fixture' },
            as: 'doctor',
          })
        ).json();
        // The next event this clinician gets is the kiosk's: the link patient's was held back.
        const next = await events.next();
        expect(JSON.parse(next.data).sessionId).toBe(kioskEmergency.session.id);
      } finally {
        await events.close();
      }
    });

    it('shows staff whose session it is, and hides it from a clinician outside that patient’s units', async () => {
      const queue = (await (await call('/api/consult', { as: 'doctor' })).json()).sessions as {
        id: string;
        patientId?: string;
        appointmentId?: string;
      }[];
      expect(queue.find((s) => s.id === sessionA)).toMatchObject({ patientId: 'pl-a', appointmentId: 'appt-a' });
      const theirs = (await (await call('/api/consult', { as: 'outsider' })).json()).sessions as { id: string }[];
      expect(theirs.map((s) => s.id)).not.toContain(sessionA);
      expect((await call(`/api/consult/${sessionA}`, { as: 'outsider' })).status).toBe(403);
      const full = await (await call(`/api/consult/${sessionA}/report`, { as: 'doctor' })).json();
      expect(full.differential.length).toBeGreaterThan(0);
      // Accepted only into the record of the patient who made it.
      const wrong = await call(`/api/consult/${sessionA}/accept`, {
        body: { text: '主诉：咳嗽3天', patientId: 'pl-b' },
        as: 'doctor',
      });
      expect(wrong.status).toBe(400);
      expect(JSON.stringify(await wrong.json())).toContain('Patient/pl-a');
    });
  });
});

/** Reads a server-sent event stream one event at a time. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<{ event: string; data: string }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const lines = buffer
            .slice(0, end)
            .split('\n')
            .filter((l) => !l.startsWith(':'));
          buffer = buffer.slice(end + 2);
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
    close: () => reader.cancel(),
  };
}

describe('link expiry', () => {
  const now = new Date('2026-05-01T08:00:00Z');
  it('is the appointment’s end plus 12 h, its start plus a day without an end, capped at 72 h', () => {
    expect(linkExpiry({ id: 'a', end: '2026-05-01T10:00:00Z' }, now).toISOString()).toBe('2026-05-01T22:00:00.000Z');
    expect(linkExpiry({ id: 'a', start: '2026-05-01T09:00:00Z' }, now).toISOString()).toBe('2026-05-02T09:00:00.000Z');
    expect(linkExpiry({ id: 'a', end: '2026-05-20T10:00:00Z' }, now).toISOString()).toBe('2026-05-04T08:00:00.000Z');
    expect(linkExpiry({ id: 'a' }, now, 24).toISOString()).toBe('2026-05-02T08:00:00.000Z');
  });
});
