import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { invalid, isMedSeekError, notFound } from '../../core/index.js';
import { auditEvents } from '../audit/request.js';
import { ADMIN, refusePatient, STAFF } from '../auth/authorize.js';
import { refuse } from '../auth/middleware.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { getJob, JOB_KINDS, type JobData, type JobKind, type JobRecord, listJobs } from '../jobs/index.js';
import { body, params, query } from '../validate.js';
import { apiJobQueue, resumeJobs } from './jobs-queue.js';

/**
 * `/api/jobs`: background jobs submitted over the workspace API (issue 20) and watched there. One route
 * per kind, so each carries its own access policy: a QC run, a federated export, an import and a note
 * extraction are admin work; a discharge summary is a clinician's, on a patient they may see. A submit is
 * answered 202 with `Location: /api/jobs/{id}`; the job's state, progress, attempts and result (or error)
 * are read from `medseek_jobs`, so any API replica answers for any job. A dead job (its attempts spent) is
 * queued again, same id, kind and input, by `POST /api/jobs/{id}/retry`.
 */
const P = '/api/jobs';
export const jobPolicies: RoutePolicies = {
  [`POST ${P}/qc`]: ADMIN,
  [`POST ${P}/federate-export`]: ADMIN,
  [`POST ${P}/import`]: ADMIN,
  [`POST ${P}/extract-notes`]: ADMIN,
  [`POST ${P}/summarize`]: STAFF,
  [`GET ${P}`]: ADMIN,
  // Clinicians see the summary jobs they submitted, for patients they still may see; admins every job.
  [`GET ${P}/:id`]: STAFF,
  // Admins retry any dead job; a clinician only a job they may read (their own summary job), checked below.
  [`POST ${P}/:id/retry`]: STAFF,
};

/**
 * The setting naming the folder under which job bodies name files (imports, federated cases), on storage every
 * worker shares: read and checked by loadConfig (`Config.jobFilesDir`); named here in messages.
 */
export const JOB_FILES_ENV = 'MEDSEEK_JOB_FILES_DIR';

const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'is not a FHIR id');
const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}/.test(s) && Number.isFinite(Date.parse(s));
const filePath = z
  .string()
  .min(1, 'is required')
  .max(1024)
  .describe(`A file or folder under ${JOB_FILES_ENV}, relative to it`);
const positive = z.number().positive('must be greater than 0');
const fraction = z.number().gt(0, 'must be greater than 0').lt(1, 'must be less than 1');

// Request bodies and queries (exported for the OpenAPI document).
export const qcJobBody = z
  .object({
    encounterId: fhirId.optional().describe('Only this encounter, whatever its class'),
    current: z
      .boolean()
      .optional()
      .describe('Only the stays in progress (default true unless `encounterId` is given; false: every stay)'),
    since: z
      .string()
      .refine(isDate, 'is not a date (YYYY-MM-DD or an ISO time)')
      .optional()
      .describe('Only stays that started on or after this date'),
    all: z.boolean().optional().describe('Every encounter class, not only inpatient stays'),
    hospital: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'is not a hospital id (letters, digits, . _ -)')
      .optional()
      .describe('Whose rule configuration (default: default)'),
  })
  .strict()
  .refine((b) => !b.encounterId || (b.current === undefined && !b.since && b.all === undefined), {
    message: 'names one encounter: leave out current, since and all',
    path: ['encounterId'],
  });

export const federateJobBody = z
  .object({
    kb: z.string().min(1, 'is required').max(100).describe('The network: release, release:<id>, ddxplus, dxy'),
    cases: filePath.describe(`Confirmed cases, JSON lines, under ${JOB_FILES_ENV}`),
    site: z.string().trim().min(1, 'is required').max(100).describe('This hospital’s name in the package'),
    epsilon: positive.default(1).describe('ε of this release'),
    delta: fraction.default(1e-5).describe('δ of this release'),
    clip: z.number().int('must be a whole number').positive('must be greater than 0').default(44),
    closedWorld: z.boolean().optional(),
    budget: z
      .object({ epsilon: positive, delta: fraction })
      .strict()
      .optional()
      .describe('The hospital’s total ε and δ: only when the folder has no ledger yet'),
  })
  .strict();

export const importJobBody = z
  .object({
    path: filePath.describe(`FHIR JSON / Bulk Data NDJSON, a file or folder under ${JOB_FILES_ENV}`),
    batchSize: z.number().int('must be a whole number').min(1).max(10_000).optional(),
    extractNotes: z.boolean().optional().describe('Extract the imported notes after (default true)'),
  })
  .strict();

export const extractNotesJobBody = z
  .object({
    patientIds: z.array(fhirId).min(1, 'is empty').max(10_000).optional().describe('Only these patients'),
    force: z.boolean().optional().describe('Read notes again even when already read'),
  })
  .strict();

export const summarizeJobBody = z
  .object({
    encounterId: fhirId.describe('The stay to summarize'),
    lang: z.enum(['zh', 'en']).default('zh'),
  })
  .strict();

export const jobParams = z.object({ id: z.string().min(1).max(200).describe('The job id') });

export const jobsQuery = z
  .object({
    kind: z.enum(JOB_KINDS as [JobKind, ...JobKind[]]).optional(),
    state: z.enum(['queued', 'active', 'retry', 'completed', 'dead']).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a whole number')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 200, 'must be 1 to 200')
      .optional(),
    offset: z
      .string()
      .regex(/^\d{1,9}$/, 'must be a whole number')
      .transform(Number)
      .optional(),
  })
  .strict();

export function jobRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  resumeJobs(ctx);

  /** Queues the job, audits the submit, answers 202 with its Location and record. */
  const submit = async <K extends JobKind>(c: Context<AppEnv>, kind: K, data: JobData[K], patientId?: string) => {
    const id = await (await apiJobQueue(ctx)).submit(kind, data);
    const location = `${P}/${encodeURIComponent(id)}`;
    await ctx.audit.record(
      auditEvents(c, {
        action: 'submit-job',
        resource: patientId
          ? `Patient/${patientId}/summary?encounter=${(data as JobData['summarize']).encounterId}`
          : location,
        outcome: 202,
        patients: [patientId],
        detail: { job: id, kind },
      }),
    );
    const job = await getJob(ctx.db, id);
    c.header('Location', location);
    return c.json({ ...job, location }, 202);
  };

  app.post('/qc', body(qcJobBody, { jsonOnly: true }), async (c) => {
    const b = c.req.valid('json');
    const current = b.current ?? !b.encounterId;
    return submit(c, 'qc', {
      ...(b.encounterId ? { encounterId: b.encounterId } : {}),
      ...(current ? { current: true } : {}),
      ...(b.since ? { since: b.since } : {}),
      ...(b.all ? { all: true } : {}),
      hospital: b.hospital ?? 'default',
    });
  });

  app.post('/federate-export', body(federateJobBody, { jsonOnly: true }), async (c) => {
    const b = c.req.valid('json');
    return submit(c, 'federate-export', {
      kb: b.kb,
      cases: sharedFile(ctx.config.jobFilesDir, b.cases, 'cases'),
      site: b.site,
      epsilon: b.epsilon,
      delta: b.delta,
      clip: b.clip,
      ...(b.closedWorld ? { closedWorld: true } : {}),
      ...(b.budget ? { budget: b.budget } : {}),
    });
  });

  app.post('/import', body(importJobBody, { jsonOnly: true }), async (c) => {
    const b = c.req.valid('json');
    return submit(c, 'import', {
      path: sharedFile(ctx.config.jobFilesDir, b.path, 'path'),
      ...(b.batchSize ? { batchSize: b.batchSize } : {}),
      ...(b.extractNotes === false ? { extractNotes: false } : {}),
    });
  });

  app.post('/extract-notes', body(extractNotesJobBody, { jsonOnly: true }), async (c) => {
    const b = c.req.valid('json');
    return submit(c, 'extract-notes', {
      ...(b.patientIds ? { patientIds: b.patientIds } : {}),
      ...(b.force ? { force: true } : {}),
    });
  });

  app.post('/summarize', body(summarizeJobBody, { jsonOnly: true }), async (c) => {
    const { encounterId, lang } = c.req.valid('json');
    const p = c.get('principal');
    const stored = await ctx.resources.read('Encounter', encounterId);
    if (!stored || stored.deleted) throw notFound(`no Encounter/${encounterId}`, { field: 'encounterId' });
    const patientId = stored.patientId;
    if (!patientId) throw invalid(`Encounter/${encounterId} names no patient`, { field: 'encounterId' });
    if (!(await ctx.patientScope.allows(p, patientId))) return refusePatient(ctx, c, patientId);
    return submit(
      c,
      'summarize',
      { encounterId, lang, patientId, requestedBy: { principal: p.id, kind: p.kind } },
      patientId,
    );
  });

  app.get('/', query(jobsQuery), async (c) => {
    const q = c.req.valid('query');
    const jobs = await listJobs(ctx.db, {
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.state ? { state: q.state } : {}),
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
    const search = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
    await ctx.audit.record(
      auditEvents(c, {
        action: 'search',
        resource: `${P}?${search}`,
        outcome: 200,
        patients: jobs.map(patientOf).filter((id) => id !== undefined),
      }),
    );
    return c.json({ jobs, count: jobs.length });
  });

  /**
   * Who may read job `job`: admins every job; anyone else only the summary jobs they submitted, for
   * patients they still may see. Returns the refusal (403, audited) or undefined.
   */
  const refuseRead = async (c: Context<AppEnv>, job: JobRecord): Promise<Response | undefined> => {
    const p = c.get('principal');
    if (p.role === 'admin') return undefined;
    const patientId = patientOf(job);
    const mine = job.kind === 'summarize' && (job.data as JobData['summarize']).requestedBy?.principal === p.id;
    if (!mine) return refuse(ctx, c, 403, `${p.name} (${p.role}) may see only the summary jobs they submitted`, p.id);
    if (!patientId) return refuse(ctx, c, 403, `job ${job.id} names no patient`, p.id);
    if (!(await ctx.patientScope.allows(p, patientId))) return refusePatient(ctx, c, patientId);
    return undefined;
  };

  /** Job `id` (404 when unknown) with the refusal, if any, to read it. */
  const readableJob = async (c: Context<AppEnv>, id: string) => {
    const job = await getJob(ctx.db, id);
    if (!job) throw notFound(`no job ${id}`, { field: 'id' });
    return { job, refused: await refuseRead(c, job) };
  };

  app.get('/:id', params(jobParams), async (c) => {
    const { id } = c.req.valid('param');
    const { job, refused } = await readableJob(c, id);
    if (refused) return refused;
    const patientId = patientOf(job);
    if (patientId)
      await ctx.audit.record(
        auditEvents(c, { action: 'read', resource: `${P}/${id}`, outcome: 200, patients: [patientId] }),
      );
    return c.json(job);
  });

  /**
   * A dead job queued again with fresh attempts: the same id (its attempt history kept), kind and input.
   * Whoever may read the job may retry it: admins any job; a clinician only a summary job they submitted,
   * for a patient they still may see, which they could as well submit again. The retry, and a refusal
   * because the job is not dead (409, naming its state), are audited like a submit.
   */
  app.post('/:id/retry', params(jobParams), async (c) => {
    const { id } = c.req.valid('param');
    const { job, refused } = await readableJob(c, id);
    if (refused) return refused;
    const patientId = patientOf(job);
    const location = `${P}/${encodeURIComponent(id)}`;
    const audit = (outcome: number, detail: Record<string, unknown>) =>
      ctx.audit.record(
        auditEvents(c, {
          action: 'retry-job',
          resource: `${location}/retry`,
          outcome,
          patients: [patientId],
          detail: { job: id, kind: job.kind, ...detail },
        }),
      );
    let retried: JobRecord;
    try {
      retried = await (await apiJobQueue(ctx)).retry(id);
    } catch (e) {
      // Not dead (any more): say so with the state it is in now; two retries at once, one is refused here.
      if (isMedSeekError(e) && e.code === 'conflict') await audit(409, { reason: e.message });
      throw e;
    }
    await audit(202, { attemptsBefore: job.attempts });
    c.header('Location', location);
    return c.json({ ...((await getJob(ctx.db, id)) ?? retried), location }, 202);
  });

  return app;
}

/** The patient a job is about (a summary's), for scope checks and the audit log. */
function patientOf(job: JobRecord): string | undefined {
  return job.kind === 'summarize' ? (job.data as JobData['summarize']).patientId : undefined;
}

/**
 * A file a job body names, as the absolute path workers read: it must lie under `root`, the folder
 * MEDSEEK_JOB_FILES_DIR names (config `jobFilesDir`), so that a caller can make the server read nothing else.
 */
function sharedFile(root: string | undefined, path: string, field: string): string {
  if (!root)
    throw invalid(`jobs over the API read files only under a folder the server names: set ${JOB_FILES_ENV}`, {
      field,
    });
  const base = resolve(root);
  const full = resolve(base, path);
  const inside = (p: string, dir: string) => {
    const r = relative(dir, p);
    return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
  };
  if (!inside(full, base)) throw invalid(`'${path}' is not under ${JOB_FILES_ENV}`, { field });
  // A link inside the folder must not lead out of it.
  const real = realOrSelf(full);
  if (!inside(real, realOrSelf(base))) throw invalid(`'${path}' leads out of ${JOB_FILES_ENV}`, { field });
  return full;
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
