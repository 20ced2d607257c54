import type { Context } from 'hono';
import { Hono } from 'hono';
import QRCode from 'qrcode';
import { z } from 'zod';
import { type Lang, MedSeekError, newId, notFound, pick, stableId } from '../../core/index.js';
import {
  type AnyResource,
  buildPatientState,
  extractPatientNotes,
  isCurrentNote,
  noteText,
} from '../../fusion/index.js';
import {
  buildFollowUpPlan,
  checkReading,
  type FollowUpPlan,
  FollowUpStore,
  type HomeReading,
  activeFollowUpRules,
  type ReadingValue,
  toFhirBundle,
} from '../../followup/index.js';
import { activeSafetyRules, criticalValueRules, loadRuleConfiguration } from '../../reasoning/index.js';
import { auditEvents } from '../audit/request.js';
import { refusePatient, STAFF } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { followUpLinkExpiry } from '../patient-links/followup-link.js';
import { originOf } from '../patient-links/routes.js';
import { patientLinkStore } from '../patient-links/store.js';
import { body, params, query } from '../validate.js';

const PATIENT = { roles: ['patient'] } as const;

/**
 * `/api/followup/…`: follow-up after discharge (issue 21).
 * Clinicians (within their patient scope):
 * - POST /patients/:id/plan {encounter?} → 201 {plan, fhir}: built from the record and saved (reminders planned)
 * - GET  /patients/:id/plan → {plan, fhir}
 * - GET  /patients/:id/readings → {readings, alerts}: the patient's home readings and the alerts they raised
 * - GET  /patients/:id/reminders → {reminders}: planned, sent (when, by which channel) and failing
 * - POST /patients/:id/links → 201 {link, token, url, qrSvg}: a follow-up link for the latest plan, living
 *   until its last dated item + 14 days (at most 180), opening the follow-up pages only; the token only here
 * - GET  /patients/:id/links → {links}: the follow-up links issued (revoke one: DELETE /api/patient-links/:id)
 * - GET  /alerts?status= → {alerts, reminders}: the queue over every patient the caller may see, with the
 *   reminders sent in the last 7 days or failing
 * - POST /alerts/:alertId/acknowledge → {alert}
 * The patient (their own record only: a patient link, a follow-up link or a patient key):
 * - GET  /me?lang= → the plan in plain language, the symptoms to choose from, their readings, the
 *   reminders sent to them, and their link's expiry
 * - POST /me/readings {readings: […]} → 201 {stored, alertsRaised}: each reading checked, then the rules run
 * Every read of a patient is audited.
 */
export const followUpPolicies: RoutePolicies = {
  'POST /api/followup/patients/:id/plan': STAFF,
  'GET /api/followup/patients/:id/plan': STAFF,
  'GET /api/followup/patients/:id/readings': STAFF,
  'GET /api/followup/patients/:id/reminders': STAFF,
  'POST /api/followup/patients/:id/links': STAFF,
  'GET /api/followup/patients/:id/links': STAFF,
  'GET /api/followup/alerts': STAFF,
  'POST /api/followup/alerts/:alertId/acknowledge': STAFF,
  'GET /api/followup/me': PATIENT,
  'POST /api/followup/me/readings': PATIENT,
};

export const patientParams = z.object({ id: z.string().trim().min(1).max(64) });
export const alertParams = z.object({ alertId: z.string().trim().min(1).max(64) });
export const planBody = z.object({ encounter: z.string().trim().min(1).max(64).optional() });
export const queueQuery = z.object({ status: z.enum(['open', 'acknowledged']).optional() });
export const meQuery = z.object({ lang: z.enum(['zh', 'en']).default('zh') });

const when = {
  /** When it was measured (ISO-8601 with offset); default: now. */
  at: z.iso.datetime({ offset: true, error: 'at must be an ISO-8601 time with its offset' }).optional(),
  /** The page's own id for the reading: a retried post stores it once. */
  clientId: z.string().trim().min(1).max(64).optional(),
};
const finite = (field: string) => z.number({ error: `${field} must be a number` }).finite();
export const readingInput = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('blood-pressure'),
      systolic: finite('systolic'),
      diastolic: finite('diastolic'),
      pulse: finite('pulse').optional(),
      ...when,
    }),
    z.object({ kind: z.literal('weight'), kg: finite('kg'), ...when }),
    z.object({ kind: z.literal('glucose'), value: finite('value'), unit: z.enum(['mmol/L', 'mg/dL']), ...when }),
    z.object({
      kind: z.literal('symptom'),
      symptoms: z.array(z.string().min(1).max(40)).max(20),
      text: z.string().max(500).optional(),
      ...when,
    }),
    z.object({
      kind: z.literal('adherence'),
      drug: z.object({ atc: z.string().max(16).optional(), name: z.string().trim().min(1).max(100) }),
      taken: z.boolean({ error: 'taken must be true or false' }),
      ...when,
    }),
  ],
  { error: 'kind must be one of blood-pressure, weight, glucose, symptom, adherence' },
);
export const readingsBody = z.object({ readings: z.array(readingInput).min(1, 'send at least one reading').max(50) });

export function followUpRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const store = new FollowUpStore(ctx.db);
  // The active knowledge release's rules (cached per release; the bundled files where no release has them).
  const rules = () => activeFollowUpRules(ctx.db);
  const audit = (c: Context<AppEnv>, action: string, resource: string, patients: readonly string[], outcome = 200) =>
    ctx.audit.record(auditEvents(c, { action, resource, outcome, patients }));

  const scoped = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const id = c.req.param('id');
    if (id && !(await ctx.patientScope.allows(c.get('principal'), id))) return refusePatient(ctx, c, id);
    await next();
  };
  app.use('/patients/:id/*', scoped);

  /** The plan from the stored record: the state at the stay's end and the record's current notes. */
  const planFromRecord = async (id: string, encounterId: string | undefined): Promise<FollowUpPlan> => {
    const patient = await ctx.resources.read('Patient', id);
    if (!patient || patient.deleted) throw notFound(`no Patient/${id}`, { field: 'id' });
    await extractPatientNotes(ctx.db, ctx.resources, id);
    const stored = await ctx.resources.everything(id);
    const state = await buildPatientState(
      ctx.db,
      { everything: async () => stored },
      id,
      encounterId ? { encounterId } : {},
    );
    const notes = stored.flatMap((e) => {
      const r = e.resource as AnyResource;
      if (e.deleted || r.resourceType !== 'DocumentReference' || !isCurrentNote(r)) return [];
      const n = noteText(r);
      return n ? [n] : [];
    });
    return buildFollowUpPlan({ state, notes, rules: await rules(), now: new Date().toISOString() });
  };

  app.post('/patients/:id/plan', params(patientParams), body(planBody), async (c) => {
    const { id } = c.req.valid('param');
    const { encounter } = c.req.valid('json');
    const plan = await planFromRecord(id, encounter);
    await store.savePlan(plan, c.get('principal').id);
    await audit(c, 'create', `CarePlan/${plan.id}`, [id], 201);
    return c.json({ plan, fhir: toFhirBundle(plan) }, 201);
  });

  app.get('/patients/:id/plan', params(patientParams), async (c) => {
    const { id } = c.req.valid('param');
    const plan = await store.latestPlan(id);
    await audit(c, 'read', `CarePlan?patient=${id}`, [id], plan ? 200 : 404);
    if (!plan) throw notFound(`no follow-up plan for Patient/${id}: create one first`, { field: 'id' });
    return c.json({ plan, fhir: toFhirBundle(plan) });
  });

  app.get('/patients/:id/readings', params(patientParams), async (c) => {
    const { id } = c.req.valid('param');
    const [readings, alerts] = await Promise.all([store.readings(id), store.alerts({ patientId: id })]);
    await audit(c, 'read', `followup-readings?patient=${id}`, [id]);
    return c.json({ readings, alerts });
  });

  app.get('/patients/:id/reminders', params(patientParams), async (c) => {
    const { id } = c.req.valid('param');
    const reminders = await store.reminders(id);
    await audit(c, 'read', `followup-reminders?patient=${id}`, [id]);
    return c.json({ reminders });
  });

  app.post('/patients/:id/links', params(patientParams), async (c) => {
    const { id } = c.req.valid('param');
    const plan = await store.latestPlan(id);
    if (!plan) throw notFound(`no follow-up plan for Patient/${id}: make the plan before its link`, { field: 'id' });
    const expiresAt = followUpLinkExpiry(
      plan.items.flatMap((i) => (i.due ? [i.due] : [])),
      new Date(),
    );
    const { link, token } = await patientLinkStore(ctx).createFollowUp(
      { patientId: id, planId: plan.id, expiresAt },
      c.get('principal').id,
    );
    const url = `${originOf(c)}/#/p/${token}`;
    const qrSvg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    await audit(c, 'create', `patient-link/${link.id}`, [id], 201);
    return c.json({ link, token, url, qrSvg }, 201);
  });

  app.get('/patients/:id/links', params(patientParams), async (c) => {
    const { id } = c.req.valid('param');
    const links = await patientLinkStore(ctx).list(id, 'follow-up');
    await audit(c, 'search', `patient-link?patient=${id}&scope=follow-up`, [id]);
    return c.json({ links });
  });

  app.get('/alerts', query(queueQuery), async (c) => {
    const { status } = c.req.valid('query');
    const visible = await ctx.patientScope.visible(c.get('principal'));
    const [alerts, reminders] = await Promise.all([
      store.alerts({ ...(visible ? { visible } : {}), ...(status ? { status } : {}) }),
      store.recentReminders({
        since: new Date(Date.now() - 7 * 86_400_000).toISOString(),
        ...(visible ? { visible } : {}),
      }),
    ]);
    await audit(c, 'search', `followup-alerts${status ? `?status=${status}` : ''}`, [
      ...new Set([...alerts.map((a) => a.patientId), ...reminders.map((r) => r.patientId)]),
    ]);
    return c.json({ alerts, reminders });
  });

  app.post('/alerts/:alertId/acknowledge', params(alertParams), async (c) => {
    const { alertId } = c.req.valid('param');
    const found = await store.alert(alertId);
    if (!found) throw notFound(`no follow-up alert '${alertId}'`, { field: 'alertId' });
    if (!(await ctx.patientScope.allows(c.get('principal'), found.patientId)))
      return refusePatient(ctx, c, found.patientId);
    const alert = await store.acknowledge(alertId, c.get('principal').id);
    await audit(c, 'acknowledge', `followup-alert/${alertId}`, [found.patientId]);
    return c.json({ alert });
  });

  /** The patient a patient principal is bound to (a link or a patient key); anyone else is refused. */
  const ownPatient = (c: Context<AppEnv>): string => {
    const p = c.get('principal');
    if (p.role !== 'patient' || !p.patientId)
      throw new MedSeekError('forbidden', 'only the patient can use their follow-up page', { field: 'Authorization' });
    return p.patientId;
  };

  app.get('/me', query(meQuery), async (c) => {
    const patientId = ownPatient(c);
    const { lang } = c.req.valid('query');
    const principal = c.get('principal');
    const [plan, readings, alerts, reminders, link] = await Promise.all([
      store.latestPlan(patientId),
      store.readings(patientId),
      store.alerts({ patientId }),
      store.reminders(patientId),
      principal.kind === 'patient-link' ? patientLinkStore(ctx).get(principal.id.replace(/^link:/, '')) : undefined,
    ]);
    await audit(c, 'read', `followup/me`, [patientId]);
    return c.json({
      patientId,
      plan: plan ? plainPlan(plan, lang) : undefined,
      symptoms: (await rules()).symptoms.map((s) => ({ id: s.id, label: pick(s.label, lang) })),
      readings: readings.slice(-50),
      // The patient sees that their team was told, not the clinical wording of the alert.
      teamToldAt: alerts
        .map((a) => a.at)
        .sort()
        .at(-1),
      // What the reminder notifier delivered (the page notifier delivers here only), newest first.
      reminders: reminders
        .filter((r) => r.sentAt)
        .reverse()
        .slice(0, 20)
        .map((r) => ({
          id: r.id,
          itemId: r.itemId,
          remindAt: r.remindAt,
          sentAt: r.sentAt,
          text: pick(r.message, lang),
        })),
      ...(link ? { link: { scope: link.scope, expiresAt: link.expiresAt } } : {}),
    });
  });

  app.post('/me/readings', body(readingsBody, { jsonOnly: true }), async (c) => {
    const patientId = ownPatient(c);
    const symptomIds = new Set((await rules()).symptoms.map((s) => s.id));
    const now = Date.now();
    const readings: HomeReading[] = c.req.valid('json').readings.map((input, i) => {
      const { at, clientId, ...value } = input;
      const reading: HomeReading = {
        id: clientId ? stableId('home-reading', patientId, clientId) : newId(),
        patientId,
        at: at ? new Date(at).toISOString() : new Date(now).toISOString(),
        value: value as ReadingValue,
      };
      if (Date.parse(reading.at) > now + 5 * 60_000)
        throw new MedSeekError('invalid', 'at is in the future', { field: `readings[${i}].at` });
      try {
        checkReading(reading, symptomIds);
      } catch (e) {
        if (e instanceof MedSeekError)
          throw new MedSeekError('invalid', e.message, { field: `readings[${i}].${e.location.field ?? ''}` });
        throw e;
      }
      return reading;
    });
    const [book, config] = await Promise.all([activeSafetyRules(ctx.db), loadRuleConfiguration(ctx.db)]);
    const raised = await store.recordReadings(await rules(), patientId, readings, c.get('principal').id, {
      criticalRules: criticalValueRules(book),
      criticalConfig: config,
    });
    await audit(c, 'create', 'followup/me/readings', [patientId], 201);
    return c.json({ stored: readings.map((r) => r.id), alertsRaised: raised.length }, 201);
  });

  return app;
}

/** The plan as the patient reads it: plain words in their language, what to do and by when. */
function plainPlan(plan: FollowUpPlan, lang: Lang) {
  return {
    id: plan.id,
    dischargedAt: plan.dischargedAt,
    items: plan.items.map((i) => ({
      id: i.id,
      kind: i.kind,
      title: pick(i.title, lang),
      text: pick(i.patientText, lang),
      ...(i.due ? { due: i.due } : {}),
      ...(i.reading ? { reading: i.reading } : {}),
      ...(i.measure ? { measure: pick(i.measure.name, lang) } : {}),
      why: i.reasons.filter((r) => r.kind !== 'record').map((r) => pick(r.statement, lang)),
    })),
    readings: [...new Set(plan.items.flatMap((i) => (i.reading ? [i.reading] : [])))],
    medications: plan.medications.map((m) => ({ name: pick(m.name, lang), ...(m.atc ? { atc: m.atc } : {}) })),
  };
}
