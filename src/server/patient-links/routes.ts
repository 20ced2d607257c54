import type { Context } from 'hono';
import { Hono } from 'hono';
import QRCode from 'qrcode';
import { z } from 'zod';
import { MedSeekError, notFound } from '../../core/index.js';
import { auditEvents } from '../audit/request.js';
import type { AppContext } from '../context.js';
import type { AppEnv, Principal, RoutePolicies } from '../env.js';
import { readAppointment } from './appointment.js';
import { CONSENT_TEXT, CONSENT_VERSION, consentId, consentResource } from './consent.js';
import { type PatientLink, patientLinkStore } from './store.js';
import { body as jsonBody, params, query } from '../validate.js';

const STAFF = { roles: ['admin', 'clinician'] } as const;
const PATIENT = { roles: ['patient'] } as const;

/**
 * `/api/patient-links/…`: pre-consultation links bound to one appointment, and the patient's consent.
 * - POST   /          {appointmentId, ttlHours?} (staff) → 201 {link, token, url, qrSvg}: the token only here
 * - GET    /?patient= (staff) → {links, appointments}: the patient's links and the appointments to issue them for
 * - DELETE /:id       (staff) → {link}: revoked at once (a follow-up link too; those are issued and listed
 *   under /api/followup/patients/:id/links)
 * - GET    /me        (the link's patient) → the appointment, the consent text and answer, the session
 * - POST   /consent   (the link's patient) {agree, lang} → 201 {status, consent}: a FHIR Consent in their record
 */
export const patientLinkPolicies: RoutePolicies = {
  'POST /api/patient-links': STAFF,
  'GET /api/patient-links': STAFF,
  'DELETE /api/patient-links/:id': STAFF,
  'GET /api/patient-links/me': PATIENT,
  'POST /api/patient-links/consent': PATIENT,
};

export const createBody = z.object({
  appointmentId: z
    .string()
    .trim()
    .min(1, 'name the Appointment the link is for')
    .max(64)
    .regex(/^[A-Za-z0-9\-.]+$/, 'a FHIR id'),
  ttlHours: z.number().min(1).max(72).optional(),
});
export const listQuery = z.object({
  patient: z.string('name the patient: ?patient=<Patient id>').trim().min(1, 'name the patient: ?patient=<Patient id>'),
});
export const linkParams = z.object({ id: z.string().min(1) });
export const consentBody = z.object({
  agree: z.boolean({ error: 'agree must be true or false' }),
  lang: z.enum(['zh', 'en']).default('zh'),
});

export function patientLinkRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const links = patientLinkStore(ctx);
  const audit = (c: Context<AppEnv>, action: string, resource: string, outcome: number, patient?: string) =>
    ctx.audit.record(auditEvents(c, { action, resource, outcome, patients: patient ? [patient] : [] }));

  /** Staff may act on a patient's links only within their patient scope (a patient never: defence in depth beside the policy); refusals are audited. */
  const requireScope = async (c: Context<AppEnv>, patientId: string, action: string, resource: string) => {
    if (c.get('principal').role !== 'patient' && (await ctx.patientScope.allows(c.get('principal'), patientId))) return;
    await audit(c, action, resource, 403, patientId);
    throw new MedSeekError('forbidden', `you may not manage links for Patient/${patientId}`, { field: 'patient' });
  };

  app.post('/', jsonBody(createBody), async (c) => {
    const body = c.req.valid('json');
    const appointment = await links.appointment(body.appointmentId);
    if (appointment.patientId)
      await requireScope(c, appointment.patientId, 'create', `patient-link?appointment=${appointment.id}`);
    const { link, token } = await links.create(appointment, c.get('principal').id, body.ttlHours);
    const url = `${originOf(c)}/#/p/${token}`;
    const qrSvg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    await audit(c, 'create', `patient-link/${link.id}`, 201, link.patientId);
    return c.json({ link, token, url, qrSvg }, 201);
  });

  app.get('/', query(listQuery), async (c) => {
    const { patient } = c.req.valid('query');
    await requireScope(c, patient, 'search', `patient-link?patient=${patient}`);
    const [list, appointments] = await Promise.all([links.list(patient), links.appointmentsOf(patient)]);
    await audit(c, 'search', `patient-link?patient=${patient}`, 200, patient);
    return c.json({ links: list, appointments });
  });

  app.delete('/:id', params(linkParams), async (c) => {
    const { id } = c.req.valid('param');
    const found = await links.get(id);
    if (!found) throw notFound(`no patient link '${id}'`, { field: 'id' });
    await requireScope(c, found.patientId, 'revoke', `patient-link/${id}`);
    const link = await links.revoke(id, c.get('principal').id);
    await audit(c, 'revoke', `patient-link/${id}`, 200, link.patientId);
    return c.json({ link });
  });

  app.get('/me', async (c) => {
    const link = await linkOf(c.get('principal'));
    const [appointment, consent] = await Promise.all([
      readAppointment(ctx.resources, link.appointmentId),
      ctx.resources.read('Consent', consentId(link.id)),
    ]);
    const answer =
      consent && !consent.deleted ? (consent.resource as { status?: string; dateTime?: string }) : undefined;
    await audit(c, 'read', `patient-link/${link.id}`, 200, link.patientId);
    return c.json({
      linkId: link.id,
      patientId: link.patientId,
      expiresAt: link.expiresAt,
      appointment: appointment
        ? { id: appointment.id, ...pick(appointment, ['start', 'end', 'description', 'status']) }
        : { id: link.appointmentId },
      consentText: { version: CONSENT_VERSION, ...CONSENT_TEXT },
      ...(answer ? { consent: { status: answer.status, dateTime: answer.dateTime, version: CONSENT_VERSION } } : {}),
      ...(link.consultSession ? { session: link.consultSession } : {}),
    });
  });

  app.post('/consent', jsonBody(consentBody), async (c) => {
    const link = await linkOf(c.get('principal'));
    const body = c.req.valid('json');
    const resource = consentResource({
      linkId: link.id,
      patientId: link.patientId,
      appointmentId: link.appointmentId,
      agree: body.agree,
      lang: body.lang,
      at: new Date().toISOString(),
    });
    const { stored } = await ctx.resources.put(resource);
    await audit(c, 'consent', `Consent/${stored.id}`, 201, link.patientId);
    return c.json(
      { status: body.agree ? 'active' : 'rejected', consent: `Consent/${stored.id}`, version: CONSENT_VERSION },
      201,
    );
  });

  /** The link behind a patient principal, as stored now (the session it opened may be newer than the token). */
  const linkOf = async (p: Principal): Promise<PatientLink & { readonly appointmentId: string }> => {
    const id = p.kind === 'patient-link' ? p.id.replace(/^link:/, '') : undefined;
    const link = id ? await links.get(id) : undefined;
    // A follow-up link never reaches here (link-auth.ts); checked again, as the consent is an appointment's.
    if (!link || link.patientId !== p.patientId || link.scope !== 'pre-consultation' || !link.appointmentId)
      throw new MedSeekError('forbidden', 'only a patient who opened a pre-consultation link can do this', {
        field: 'Authorization',
      });
    return { ...link, appointmentId: link.appointmentId };
  };
  return app;
}

/**
 * The workspace's origin for the link: the browser's `Origin` (the public address behind a proxy),
 * else the request's own.
 */
export function originOf(c: Context): string {
  const origin = c.req.header('origin');
  if (origin && /^https?:\/\/[^/\s]+$/.test(origin)) return origin;
  return new URL(c.req.url).origin;
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Partial<Pick<T, K>>;
}
