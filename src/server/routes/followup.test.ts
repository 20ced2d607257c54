import { beforeAll, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { FollowUpStore, PageNotifier, sendDueReminders } from '../../followup/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';
import { answeringRoutes, staleOperations, undocumentedRoutes } from '../openapi/coverage.js';
import { buildOpenApiDocument } from '../openapi/document.js';
import { followUpDoc } from '../openapi/modules/followup.js';
import { structuralProblems } from '../openapi/structure.js';
import { followUpPolicies } from './followup.js';

const KEY = 'followup-test-key-0123456';
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26';
type Json = Record<string, unknown>;

// The follow-up API over the shipped demo: a clinician makes 李秀英's plan, she sends a week of readings
// through her patient link, the clinicians' queue shows the alerts with the readings as evidence.
forEachBackendWithDemoRelease('follow-up API', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let token: string;
  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: true, logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = createApp(ctx);
    const soon = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    await ctx.resources.put({
      resourceType: 'Appointment',
      id: 'fu-visit-1',
      status: 'booked',
      description: '心衰门诊随访',
      start: soon(24),
      end: soon(25),
      participant: [{ actor: { reference: `Patient/${WARFARIN}` }, status: 'accepted' }],
    });
    const issued = await call('/api/patient-links', { body: { appointmentId: 'fu-visit-1', ttlHours: 72 } });
    expect(issued.status).toBe(201);
    token = issued.body.token as string;
  }, 240_000);

  const call = async (path: string, init: { body?: unknown; token?: string; method?: string } = {}) => {
    const res = await app.request(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        Authorization: `Bearer ${init.token ?? KEY}`,
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it('keys its policies by the mounted path: staff plan and triage, the patient reads and reports', () => {
    expect(followUpPolicies['POST /api/followup/patients/:id/plan']).toEqual({ roles: ['admin', 'clinician'] });
    expect(followUpPolicies['POST /api/followup/me/readings']).toEqual({ roles: ['patient'] });
  });

  it('documents each follow-up route (the module description that openapi/index.ts is to list)', () => {
    const routes = answeringRoutes(app.routes).filter((r) => r.includes(' /api/followup'));
    expect(routes.length).toBe(Object.keys(followUpPolicies).length);
    const doc = buildOpenApiDocument([followUpDoc], followUpPolicies);
    expect(undocumentedRoutes(routes, doc)).toEqual([]);
    expect(staleOperations(routes, doc)).toEqual([]);
    expect(structuralProblems(doc)).toEqual([]);
  });

  it('makes the plan from the stored record (INR, K, creatinine, review, visit, weight, rehabilitation) and audits it', async () => {
    expect((await call(`/api/followup/patients/${WARFARIN}/plan`)).status).toBe(404);
    const made = await call(`/api/followup/patients/${WARFARIN}/plan`, { body: {} });
    expect(made.status).toBe(201);
    const plan = made.body.plan as { items: { ruleIds: string[]; reasons: { kind: string }[] }[] };
    const ruleIds = plan.items.flatMap((i) => i.ruleIds);
    for (const id of [
      'FU-INR-WARFARIN',
      'FU-K-RAAS-DIURETIC',
      'FU-CR-RAAS-DIURETIC',
      'FU-VISIT-HF-EARLY',
      'FU-SELF-WEIGHT-HF',
    ])
      expect(ruleIds).toContain(id);
    expect(
      plan.items.every((i) => i.reasons.some((r) => r.kind === 'record') && i.reasons.some((r) => r.kind !== 'record')),
    ).toBe(true);
    const fhir = made.body.fhir as { entry: { resource: { resourceType: string } }[] };
    expect(fhir.entry[0]!.resource.resourceType).toBe('CarePlan');
    expect((await call(`/api/followup/patients/${WARFARIN}/plan`)).status).toBe(200);
    const audit = await ctx.db.query<{ action: string }>(
      "select action from medseek_audit where patient_id = $1 and resource like 'CarePlan%' order by action",
      [WARFARIN],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['create', 'read']));
  });

  it('shows the patient their plan in plain words, and takes their readings through the link', async () => {
    const me = await call('/api/followup/me?lang=zh', { token });
    expect(me.status).toBe(200);
    const plan = me.body.plan as { items: { text: string }[]; readings: string[] };
    expect(plan.items.some((i) => i.text.includes('INR'))).toBe(true);
    expect(plan.readings).toContain('weight');
    const at = (d: number) => new Date(Date.now() - (5 - d) * 86_400_000).toISOString();
    const sent = await call('/api/followup/me/readings', {
      token,
      body: {
        readings: [
          { kind: 'weight', kg: 64.5, at: at(1), clientId: 'w1' },
          { kind: 'weight', kg: 65.0, at: at(2), clientId: 'w2' },
          { kind: 'weight', kg: 66.9, at: at(3), clientId: 'w3' },
          { kind: 'blood-pressure', systolic: 124, diastolic: 70, at: at(3), clientId: 'bp1' },
        ],
      },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.alertsRaised).toBe(1);
    // A retry of the same post stores nothing twice and raises nothing again.
    const again = await call('/api/followup/me/readings', {
      token,
      body: { readings: [{ kind: 'weight', kg: 66.9, at: at(3), clientId: 'w3' }] },
    });
    expect(again.body.alertsRaised).toBe(0);
    const bad = await call('/api/followup/me/readings', {
      token,
      body: { readings: [{ kind: 'blood-pressure', systolic: 80, diastolic: 95 }] },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('diastolic must be below systolic');
  });

  it('puts the alert in the clinicians’ queue with the readings as evidence; the patient cannot read the queue', async () => {
    const queue = await call('/api/followup/alerts?status=open');
    const alerts = queue.body.alerts as {
      id: string;
      ruleId: string;
      conclusion: { evidence: { statement: { en: string } }[] };
    }[];
    expect(alerts.map((a) => a.ruleId)).toEqual(['HR-WEIGHT-GAIN-HF']);
    expect(alerts[0]!.conclusion.evidence.map((e) => e.statement.en).slice(0, 2)).toEqual([
      expect.stringContaining('66.9 kg'),
      expect.stringContaining('64.5 kg'),
    ]);
    expect((await call('/api/followup/alerts', { token })).status).toBe(403);
    expect((await call(`/api/followup/patients/${WARFARIN}/readings`, { token })).status).toBe(403);
    const ack = await call(`/api/followup/alerts/${alerts[0]!.id}/acknowledge`, { body: {} });
    expect(ack.body.alert).toMatchObject({ status: 'acknowledged' });
    expect(((await call('/api/followup/alerts?status=open')).body.alerts as unknown[]).length).toBe(0);
    const audit = await ctx.db.query<{ n: string | number }>(
      "select count(*) as n from medseek_audit where patient_id = $1 and resource like 'followup%'",
      [WARFARIN],
    );
    expect(Number(audit.rows[0]!.n)).toBeGreaterThanOrEqual(4);
  });

  it('delivers due reminders to the patient’s page and the clinicians’ queue (the page notifier)', async () => {
    const report = await sendDueReminders(new FollowUpStore(ctx.db), new PageNotifier());
    // The demo stay is in 2024: every dated item's reminder is due.
    expect(report.sent.length).toBeGreaterThan(2);
    const mine = await call('/api/followup/me?lang=en', { token });
    const shown = mine.body.reminders as { id: string; text: string; sentAt: string }[];
    expect(shown.map((r) => r.id).sort()).toEqual([...report.sent].sort());
    expect(shown.some((r) => r.text.startsWith('Reminder: ') && r.text.includes('INR'))).toBe(true);
    const staff = await call(`/api/followup/patients/${WARFARIN}/reminders`);
    const all = staff.body.reminders as { id: string; channel?: string; sentAt?: string }[];
    expect(all.filter((r) => r.sentAt).every((r) => r.channel === 'page')).toBe(true);
    const queue = await call('/api/followup/alerts');
    expect((queue.body.reminders as { patientId: string }[]).map((r) => r.patientId)).toEqual(
      report.sent.map(() => WARFARIN),
    );
    expect((await call(`/api/followup/patients/${WARFARIN}/reminders`, { token })).status).toBe(403);
  });

  it('issues a follow-up link that covers the plan and opens only the follow-up pages, until revoked', async () => {
    const issued = await call(`/api/followup/patients/${WARFARIN}/links`, { body: {} });
    expect(issued.status).toBe(201);
    const link = issued.body.link as { id: string; scope: string; planId: string; expiresAt: string };
    const followUp = issued.body.token as string;
    expect(followUp).toMatch(/^mpf1\./);
    expect(link.scope).toBe('follow-up');
    expect(issued.body.url).toContain(`/#/p/${followUp}`);
    // Far beyond the 72 h of a pre-consultation link (the 2024 plan is over: the 14 days' floor), within 180 days.
    const days = (Date.parse(link.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(180);

    const me = await call('/api/followup/me?lang=zh', { token: followUp });
    expect(me.status).toBe(200);
    expect(me.body.link).toEqual({ scope: 'follow-up', expiresAt: link.expiresAt });
    const reading = await call('/api/followup/me/readings', {
      token: followUp,
      body: { readings: [{ kind: 'blood-pressure', systolic: 122, diastolic: 72, clientId: 'fu-link-bp' }] },
    });
    expect(reading.status).toBe(201);
    // Nothing else: not the pre-consultation, not the record.
    for (const path of ['/api/patient-links/me', `/fhir/Patient/${WARFARIN}`, '/api/consult/some-session']) {
      const r = await call(path, { token: followUp });
      expect([path, r.status]).toEqual([path, 401]);
      expect(JSON.stringify(r.body)).toContain('a follow-up link opens only the follow-up pages');
    }

    const listed = await call(`/api/followup/patients/${WARFARIN}/links`);
    expect((listed.body.links as { id: string }[]).map((l) => l.id)).toContain(link.id);
    const preConsult = await call(`/api/patient-links?patient=${WARFARIN}`);
    expect((preConsult.body.links as { id: string }[]).map((l) => l.id)).not.toContain(link.id);

    const revoked = await call(`/api/patient-links/${link.id}`, { method: 'DELETE' });
    expect(revoked.body.link).toMatchObject({ id: link.id, revokedBy: expect.any(String) });
    const after = await call('/api/followup/me', { token: followUp });
    expect(after.status).toBe(401);
    expect(JSON.stringify(after.body)).toContain('revoked');
  });
});
