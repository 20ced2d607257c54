import type { Context } from 'hono';
import { z } from 'zod';
import { invalid, MedSeekError } from '../../core/index.js';
import { effectiveFhirSource } from '../settings/index.js';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../env.js';
import { pullFromFhir } from '../fhir-pull.js';
import { issuerOf } from './tokens.js';

/**
 * `POST /api/smart/pull {iss, patient, accessToken}`: after an EHR launched the workspace, copies the
 * launch patient from the EHR's FHIR server with the token the EHR gave the app. Only from trusted
 * issuers (the FHIR source an administrator configured, or `MEDSEEK_SMART_ISSUERS`): the server
 * fetches what the browser names, so the list keeps it from being pointed anywhere else.
 */
export const pullBody = z
  .object({
    iss: z.string().url('must be a URL'),
    patient: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'is not a FHIR id'),
    accessToken: z.string().min(1, 'is required').max(16_384),
  })
  .strict();

/** The route's context once `body(pullBody)` (validate.ts) has checked the body. */
type PullContext = Context<AppEnv, string, { out: { json: z.output<typeof pullBody> } }>;

export async function pullPost(ctx: AppContext, c: PullContext): Promise<Response> {
  const principal = c.get('principal');
  // The route's policy admits only these roles; checked again here as defence in depth.
  if (principal.role !== 'clinician' && principal.role !== 'admin')
    throw new MedSeekError('forbidden', 'only clinicians and administrators pull patients', { field: 'role' });
  const { patient, accessToken } = c.req.valid('json');
  const iss = c.req.valid('json').iss.replace(/\/+$/, '');
  if (iss === issuerOf(c.req.url).fhirBase)
    throw invalid('this is MedSeek itself: open the patient directly', { field: 'iss' });
  const trusted = await trustedIssuers(ctx);
  const audit = (outcome: number, detail?: Record<string, unknown>) =>
    ctx.audit.record([
      {
        principal: principal.id,
        principalKind: principal.kind,
        action: 'smart-pull',
        resource: `${iss}/Patient/${patient}`,
        patientId: patient,
        purpose: 'TREAT',
        outcome,
        requestId: c.get('requestId'),
        ...(detail ? { detail } : {}),
      },
    ]);
  if (!trusted.includes(iss)) {
    await audit(403);
    throw new MedSeekError(
      'forbidden',
      `${iss} is not a trusted FHIR server: an administrator sets it as the FHIR source or in MEDSEEK_SMART_ISSUERS`,
      { field: 'iss' },
    );
  }
  const summary = await pullFromFhir(ctx.db, ctx.resources, {
    base: iss,
    bearer: accessToken,
    patients: [patient],
    timeoutMs: 30_000,
  });
  await audit(200, { resources: summary.resources });
  return c.json({
    patient,
    resources: summary.resources,
    created: summary.created,
    updated: summary.updated,
    unchanged: summary.unchanged,
  });
}

/** The issuers the workspace may pull from: MEDSEEK_SMART_ISSUERS and the configured FHIR source. */
export async function trustedIssuers(ctx: AppContext, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const out = (env.MEDSEEK_SMART_ISSUERS ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((u) => u.replace(/\/+$/, ''));
  // The FHIR source an administrator set (its base URL is not a secret), else MEDSEEK_PULL_FHIR.
  const base = (await effectiveFhirSource(ctx.db, env, ctx.config))?.baseUrl;
  if (base) out.push(base.replace(/\/+$/, ''));
  return out;
}
