import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { invalid, MedSeekError, notFound } from '../../core/index.js';
import { refusePatient, STAFF } from '../auth/authorize.js';
import { refuse } from '../auth/middleware.js';
import { permits } from '../auth/smart-scopes.js';
import { cancelJob, createJob, type ExportJob, getJob, listFiles, readFile, runningJobs } from '../fhir/bulk/jobs.js';
import { type ExportRequest, parametersBody, parseExportRequest } from '../fhir/bulk/request.js';
import { ExportRunner } from '../fhir/bulk/run.js';
import { auditFhir, baseOf } from '../fhir/http.js';
import { FHIR_JSON, operationOutcome } from '../fhir/operation-outcome.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';

/** Jobs one caller may have running at once; beyond that a kick-off is answered 429 (Bulk Data 2.0). */
const MAX_RUNNING = 2;

/** Clinicians and admins export; what they may include is decided by their patient scope at kick-off. */
export const fhirBulkPolicies: RoutePolicies = {
  'GET /fhir/$export': STAFF,
  'POST /fhir/$export': STAFF,
  'GET /fhir/Patient/$export': STAFF,
  'POST /fhir/Patient/$export': STAFF,
  'GET /fhir/Group/:id/$export': STAFF,
  'POST /fhir/Group/:id/$export': STAFF,
  'GET /fhir/$export-status/:job': STAFF,
  'DELETE /fhir/$export-status/:job': STAFF,
  'GET /fhir/$export-file/:job/:file': STAFF,
};

const runners = new WeakMap<AppContext, ExportRunner>();

/** The context's export runner, started (and its unfinished jobs resumed) on first use. */
export function exportRunner(ctx: AppContext): ExportRunner {
  let runner = runners.get(ctx);
  if (!runner) {
    runner = new ExportRunner(ctx.db, ctx.log);
    runners.set(ctx, runner);
    runner.resume().catch((e: Error) => ctx.log.warn({ err: e.message }, 'bulk export: could not resume jobs'));
  }
  return runner;
}

/**
 * FHIR Bulk Data Access 2.0 export (https://hl7.org/fhir/uv/bulkdata/export.html): system, Patient
 * and Group level `$export` with `_type`, `_since` and `_typeFilter`; asynchronous kick-off (202 and
 * Content-Location), status polling with `X-Progress` and `Retry-After`, a manifest of NDJSON files
 * that need the caller's credential, cancellation by DELETE. The kick-off and every file download
 * are audited, the download once per patient whose data the file holds.
 */
export function fhirBulkRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const runner = exportRunner(ctx);

  const kickoff = (level: ExportRequest['level']) => async (c: Context<AppEnv>) => {
    const p = c.get('principal');
    const prefer = c.req.header('prefer') ?? '';
    if (!/\brespond-async\b/i.test(prefer)) {
      throw invalid('a Bulk Data export runs asynchronously: send the header Prefer: respond-async', {
        field: 'Prefer',
      });
    }
    const accept = c.req.header('accept');
    if (accept && !/fhir\+json|application\/json|\*\/\*/i.test(accept)) {
      throw new MedSeekError('unsupported', `the kick-off answers in application/fhir+json, not '${accept}'`, {
        field: 'Accept',
      });
    }
    const post = c.req.method === 'POST';
    const group = c.req.param('id');
    const pairs = post ? parametersBody(await jsonBody(c)) : [...new URL(c.req.url).searchParams.entries()];
    const request = parseExportRequest(level, pairs, {
      ...(group ? { group } : {}),
      lenient: /\bhandling=lenient\b/i.test(prefer),
      post,
    });
    if (p.scopes) {
      const unreadable = request.types?.find((t) => !permits(p.scopes!, t, 'r'));
      if (unreadable) return refuse(ctx, c, 403, `the token's scopes do not allow reading ${unreadable}`, p.id);
    }
    const visible = await ctx.patientScope.visible(p);
    const notes: string[] = [];
    let allowed: readonly string[] | undefined;
    if (level === 'system') {
      if (visible !== undefined) {
        const why = 'a system-level export holds every patient and the resources outside them';
        return refuse(ctx, c, 403, `${why}: it needs a credential that sees all patients (try Patient/$export)`, p.id);
      }
    } else if (level === 'patient') {
      const outside = request.patients?.find((id) => visible && !visible.has(id));
      if (outside) return refusePatient(ctx, c, outside);
      allowed = request.patients ?? (visible ? [...visible] : undefined);
    } else {
      const members = await groupMembers(ctx, group!, notes);
      const outside = members.find((id) => visible && !visible.has(id));
      if (outside) return refusePatient(ctx, c, outside);
      const stranger = request.patients?.find((id) => !members.includes(id));
      if (stranger) throw invalid(`Patient/${stranger} is not a member of Group/${group}`, { field: 'patient' });
      allowed = request.patients ?? members;
    }
    if ((await runningJobs(ctx.db, p.id)) >= MAX_RUNNING) {
      c.header('Retry-After', '30');
      const message = `you have ${MAX_RUNNING} exports running: wait for one to finish or cancel it (DELETE its status URL)`;
      return c.body(JSON.stringify(operationOutcome('throttled', message)), 429, { 'Content-Type': FHIR_JSON });
    }
    const id = randomUUID();
    await createJob(ctx.db, {
      id,
      request: {
        ...request,
        ...(allowed ? { allowedPatients: allowed } : {}),
        ...(p.scopes ? { scopes: [...p.scopes] } : {}),
        notes,
      },
      requestUrl: c.req.url,
      principal: p.id,
    });
    await auditFhir(
      ctx,
      c,
      'export-kickoff',
      `${level === 'group' ? `Group/${group}/` : level === 'patient' ? 'Patient/' : ''}$export`,
      202,
      [],
    );
    runner.enqueue(id);
    c.header('Content-Location', `${baseOf(c)}/$export-status/${id}`);
    const accepted = operationOutcome(
      'informational',
      `export ${id} accepted: poll the Content-Location for its status`,
      {
        severity: 'information',
      },
    );
    return c.body(JSON.stringify(accepted), 202, { 'Content-Type': FHIR_JSON });
  };

  for (const [path, level] of [
    ['/$export', 'system'],
    ['/Patient/$export', 'patient'],
    ['/Group/:id/$export', 'group'],
  ] as const) {
    app.get(path, kickoff(level));
    app.post(path, kickoff(level));
  }

  app.get('/$export-status/:job', async (c) => {
    const job = await ownJob(ctx, c);
    if (job.status === 'in-progress') {
      c.header('X-Progress', job.progress ?? 'in progress');
      c.header('Retry-After', '2');
      return c.body(null, 202);
    }
    if (job.status === 'failed') {
      const outcome = operationOutcome('exception', job.error ?? 'the export failed');
      return c.body(JSON.stringify(outcome), 500, { 'Content-Type': FHIR_JSON });
    }
    const base = baseOf(c);
    const files = await listFiles(ctx.db, job.id);
    const entry = (f: (typeof files)[number]) => ({
      type: f.type,
      url: `${base}/$export-file/${job.id}/${f.seq}`,
      count: f.count,
    });
    if (job.expiresAt) c.header('Expires', new Date(job.expiresAt).toUTCString());
    return c.json({
      transactionTime: job.transactionTime,
      request: job.requestUrl,
      requiresAccessToken: true,
      output: files.filter((f) => f.type !== 'OperationOutcome').map(entry),
      error: files.filter((f) => f.type === 'OperationOutcome').map(entry),
    });
  });

  app.delete('/$export-status/:job', async (c) => {
    const job = await ownJob(ctx, c);
    await cancelJob(ctx.db, job.id);
    await auditFhir(ctx, c, 'export-cancel', `$export-status/${job.id}`, 202, []);
    const outcome = operationOutcome('informational', `export ${job.id} cancelled; its files are deleted`, {
      severity: 'information',
    });
    return c.body(JSON.stringify(outcome), 202, { 'Content-Type': FHIR_JSON });
  });

  app.get('/$export-file/:job/:file', async (c) => {
    const job = await ownJob(ctx, c);
    const seq = c.req.param('file');
    const file =
      job.status === 'completed' && /^\d{1,9}$/.test(seq) ? await readFile(ctx.db, job.id, Number(seq)) : undefined;
    if (!file) throw notFound(`export ${job.id} has no file ${seq}`, { field: 'file' });
    await auditFhir(ctx, c, 'export-download', `$export-file/${job.id}/${seq}`, 200, file.patients);
    return c.body(file.body, 200, { 'Content-Type': 'application/fhir+ndjson' });
  });

  return app;
}

/** The caller's own job; another caller's, a cancelled or an expired one is not found (nothing leaks). */
async function ownJob(ctx: AppContext, c: Context<AppEnv>): Promise<ExportJob> {
  const id = c.req.param('job') ?? '';
  const job = /^[0-9a-f-]{36}$/.test(id) ? await getJob(ctx.db, id) : undefined;
  const expired = job?.expiresAt !== undefined && Date.parse(job.expiresAt) < Date.now();
  if (!job || job.principal !== c.get('principal').id || job.status === 'cancelled' || expired) {
    throw notFound(`no export ${id} of yours`, { field: 'job' });
  }
  return job;
}

/** A Group's active Patient members (a member of another kind is noted for the manifest and skipped). */
async function groupMembers(ctx: AppContext, id: string, notes: string[]): Promise<string[]> {
  const stored = await ctx.resources.read('Group', id);
  if (!stored || stored.deleted) throw notFound(`Group/${id} is not known`, { field: 'id' });
  const members = (stored.resource.member ?? []) as { entity?: { reference?: string }; inactive?: boolean }[];
  const patients: string[] = [];
  for (const m of members) {
    if (m.inactive) continue;
    const ref = m.entity?.reference ?? '';
    const patient = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(ref)?.[1];
    if (patient) patients.push(patient);
    else notes.push(`Group/${id} member '${ref}' is not a Patient reference: left out`);
  }
  return [...new Set(patients)];
}

async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(fhir\+)?json\b/i.test(type)) {
    throw new MedSeekError('unsupported', `a POST $export takes application/fhir+json, got '${type || 'none'}'`, {
      field: 'Content-Type',
    });
  }
  try {
    return JSON.parse(await c.req.text());
  } catch (e) {
    throw invalid(`the body is not valid JSON: ${(e as Error).message}`, { where: 'body' });
  }
}
