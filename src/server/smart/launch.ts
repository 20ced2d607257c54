import type { Context } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { errorPage } from './approval-page.js';
import { AuthzStore } from './authz-store.js';
import { loginRedirect, oauthCaller, prefersChinese } from './caller.js';
import { resolveUri, SmartClientStore } from './clients.js';
import { patientChoice } from './patient-choices.js';
import { issuerOf } from './tokens.js';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * EHR launch from MedSeek (`GET /oauth2/launch?patient=<id>&client_id=<app>`): a clinician or admin
 * opens a registered app on a patient they may see; the app's launch URL receives `iss` (MedSeek's
 * FHIR base) and `launch` (an opaque, short-lived context bound to this app and this user).
 */
export async function launchGet(ctx: AppContext, c: Context<AppEnv>): Promise<Response> {
  const zh = prefersChinese(c);
  // The access middleware has authenticated the caller (clinician or admin); elsewhere, find them here.
  const set = c.get('principal');
  const caller = set ? { principal: set } : await oauthCaller(ctx, c);
  if (!caller) return c.redirect(loginRedirect(c), 302);
  if (!('principal' in caller)) return c.html(errorPage(caller.refused.reason, zh), 401);
  const principal = caller.principal;
  if (principal.role !== 'clinician' && principal.role !== 'admin')
    return c.html(errorPage('only clinicians and administrators launch apps', zh), 403);
  const q = new URL(c.req.url).searchParams;
  const clientId = q.get('client_id') ?? '';
  const patientId = q.get('patient') ?? '';
  if (!ID.test(patientId)) return c.html(errorPage('patient must be a FHIR Patient id', zh), 400);
  const client = clientId ? await new SmartClientStore(ctx.db).get(clientId) : undefined;
  if (!client) return c.html(errorPage(`client_id '${clientId}' is not a registered app`, zh), 400);
  if (!client.launchUrl) return c.html(errorPage(`${client.name} has no launch URL registered`, zh), 400);
  const audit = (outcome: number) =>
    ctx.audit.record([
      {
        principal: principal.id,
        principalKind: principal.kind,
        action: 'smart-launch',
        resource: `client/${client.clientId}`,
        patientId,
        purpose: 'TREAT',
        outcome,
        requestId: c.get('requestId'),
      },
    ]);
  if (!(await ctx.patientScope.allows(principal, patientId))) {
    await audit(403);
    return c.html(errorPage(`patient '${patientId}' is not one you may open`, zh), 403);
  }
  if (!(await patientChoice(ctx, patientId))) return c.html(errorPage(`Patient/${patientId} is not known`, zh), 404);
  const launch = await new AuthzStore(ctx.db).createLaunch(client.clientId, patientId, principal.id);
  await audit(302);
  const issuer = issuerOf(c.req.url);
  const url = new URL(resolveUri(client.launchUrl, issuer.origin));
  url.searchParams.set('iss', issuer.fhirBase);
  url.searchParams.set('launch', launch);
  return c.redirect(url.toString(), 302);
}
