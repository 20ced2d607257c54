import type { DiagnosticReport, ImagingStudy } from 'fhir/r4.js';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { type Fact, MedSeekError, notFound } from '../../core/index.js';
import { decodeAttachment, extractPatientNotes } from '../../fusion/index.js';
import {
  checkUid,
  dicomWebClient,
  KEY_IMAGE_TITLE,
  type PacsSettings,
  pacsPatientId,
  pacsSettings,
  pullImaging,
  viewerLink,
} from '../../ingest/index.js';
import { imagePart, VisionReader } from '../../llm/index.js';
import { extractImagingFindings } from '../../nlp/index.js';
import { secondRead } from '../../verify/index.js';
import { auditEvents } from '../audit/request.js';
import { refusePatient, STAFF } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { storeSink } from '../store-sink.js';
import { body, params, query } from '../validate.js';

/** Staff within their patient scope, as the other patient routes (routes/patients.ts). */
export const imagingPolicies: RoutePolicies = {
  'POST /api/patients/:id/imaging/pull': STAFF,
  'GET /api/patients/:id/imaging': STAFF,
  'GET /api/patients/:id/imaging/:study/rendered': STAFF,
  'POST /api/patients/:id/imaging/:study/second-read': STAFF,
};

export const imagingParams = z.object({ id: z.string().trim().min(1).max(64).describe('The Patient id') });
export const renderedParams = imagingParams.extend({
  study: z.string().trim().min(1).max(64).describe('The ImagingStudy id'),
});
export const pullBody = z.object({
  mrn: z.string().trim().min(1).max(64).optional().describe('The PACS Patient ID (default: the Patient’s MRN)'),
  date: z
    .string()
    .regex(/^(\d{8})?-?(\d{8})?$/, 'date must be YYYYMMDD or a range YYYYMMDD-YYYYMMDD')
    .optional()
    .describe('Study date or range'),
  modality: z
    .string()
    .trim()
    .regex(/^[A-Z]{2,4}$/, 'modality must be a DICOM modality code such as CT')
    .optional(),
  limit: z.number().int().min(1).max(200).optional(),
});
export const renderedQuery = z.object({
  series: z.string().regex(/^[0-9.]{1,64}$/, 'series must be a Series Instance UID'),
  instance: z.string().regex(/^[0-9.]{1,64}$/, 'instance must be a SOP Instance UID'),
  frame: z.coerce.number().int().min(1).max(10_000).default(1),
});

/** What the second reader (a vision model) suggests for a study's key image, each checked against the report. */
export const SECOND_READ_NOTICE =
  'AI second reader: suggestions checked against the radiologist’s report; not the report, not stored in the record';

/** One study as the workspace shows it: the study, its key image (through the proxy) and its reports. */
export interface ImagingStudyView {
  readonly id: string;
  readonly studyUid: string;
  readonly accession?: string;
  readonly started?: string;
  readonly description?: string;
  readonly modalities: readonly string[];
  readonly series: number;
  readonly instances: number;
  readonly viewerUrl?: string;
  readonly keyImage?: { readonly series: string; readonly instance: string; readonly url: string };
  readonly reports: readonly {
    readonly id: string;
    readonly status: string;
    readonly title: string;
    readonly conclusion?: string;
    readonly text?: string;
    /** What the text states (categories, sized lesions), with spans into `text`. */
    readonly facts: readonly Fact[];
  }[];
}

/**
 * `/api/patients/:id/imaging…`: the patient's imaging from the PACS (issue 19).
 * - POST /:id/imaging/pull {mrn?, date?, modality?, limit?} → {summary}: studies and SR reports pulled
 *   over DICOMweb into the store; the reports' text is then read by the NLP stage
 * - GET /:id/imaging → {configured, studies}: the stored studies with their reports, key images, viewer links
 * - GET /:id/imaging/:study/rendered?series&instance&frame → the rendered frame (JPEG), fetched by the
 *   server: the browser never talks to the PACS, and only images of this patient's stored studies are served
 * - POST /:id/imaging/:study/second-read → {notice, report, model, suggestions}: the key image read by the vision
 *   model (MEDSEEK_VISION_*), each finding checked against the radiologist's report; 503 when no vision model is
 *   configured, 409 when images may not go to it or the study has no image or no report. Nothing is stored.
 * Every read and pull is audited.
 */
export function imagingRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const audit = (c: Context<AppEnv>, action: string, resource: string, patient: string, outcome = 200) =>
    ctx.audit.record(auditEvents(c, { action, resource, outcome, patients: [patient] }));
  const scoped = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const id = c.req.param('id');
    if (id && !(await ctx.patientScope.allows(c.get('principal'), id))) return refusePatient(ctx, c, id);
    await next();
  };
  app.use('/:id/imaging', scoped);
  app.use('/:id/imaging/*', scoped);
  const settings = (): PacsSettings => {
    const s = pacsSettings(process.env);
    if (!s) throw new MedSeekError('unavailable', 'no PACS is configured: set MEDSEEK_PACS_URL', { field: 'pacs' });
    return s;
  };

  app.post('/:id/imaging/pull', params(imagingParams), body(pullBody, { jsonOnly: true }), async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const pacs = settings();
    const patient = await ctx.resources.read('Patient', id);
    if (!patient || patient.deleted) {
      await audit(c, 'create', `Patient/${id}/imaging`, id, 404);
      throw notFound(`no Patient/${id}`, { field: 'id' });
    }
    const mrn = input.mrn ?? pacsPatientId(patient.resource);
    if (!mrn)
      throw new MedSeekError('invalid', 'the Patient has no identifier: give its PACS Patient ID', { field: 'mrn' });
    const summary = await pullImaging(dicomWebClient(pacs), storeSink(ctx.db, ctx.resources), {
      patient: id,
      patientId: mrn,
      ...(input.date ? { studyDate: input.date } : {}),
      ...(input.modality ? { modality: input.modality } : {}),
      ...(input.limit ? { limit: input.limit } : {}),
    });
    // The reports' text through the NLP stage now, as for any new note.
    await extractPatientNotes(ctx.db, ctx.resources, id);
    await audit(c, 'create', `Patient/${id}/imaging`, id);
    return c.json({ summary });
  });

  app.get('/:id/imaging', params(imagingParams), async (c) => {
    const { id } = c.req.valid('param');
    const pacs = pacsSettings(process.env);
    const [studies, reports] = await Promise.all([
      ctx.resources.search('ImagingStudy', { patient: id, count: 200 }),
      ctx.resources.search('DiagnosticReport', { patient: id, count: 500 }),
    ]);
    const reportsOf = new Map<string, DiagnosticReport[]>();
    for (const e of reports.entries) {
      const r = e.resource as unknown as DiagnosticReport;
      if (e.deleted) continue;
      for (const ref of r.imagingStudy ?? []) {
        const key = ref.reference ?? '';
        reportsOf.set(key, [...(reportsOf.get(key) ?? []), r]);
      }
    }
    const views = studies.entries
      .filter((e) => !e.deleted)
      .map((e) => studyView(e.resource as unknown as ImagingStudy & { id: string }, id, reportsOf, pacs?.viewerUrl))
      .sort((a, b) => (b.started ?? '').localeCompare(a.started ?? ''));
    await audit(c, 'search', `ImagingStudy?patient=${id}`, id);
    return c.json({ configured: !!pacs, viewer: !!pacs?.viewerUrl, studies: views });
  });

  app.get('/:id/imaging/:study/rendered', params(renderedParams), query(renderedQuery), async (c) => {
    const { id, study } = c.req.valid('param');
    const { series, instance, frame } = c.req.valid('query');
    const pacs = settings();
    const stored = await ctx.resources.read('ImagingStudy', study);
    const r = stored && !stored.deleted ? (stored.resource as unknown as ImagingStudy) : undefined;
    // Only an instance of this patient's stored study: the proxy is not a door to the whole PACS.
    const known = r?.series?.find((s) => s.uid === series)?.instance?.some((i) => i.uid === instance);
    if (!r || r.subject?.reference !== `Patient/${id}` || !known) {
      await audit(c, 'read', `ImagingStudy/${study}/rendered`, id, 404);
      throw notFound(`no such image in ImagingStudy/${study} of Patient/${id}`, { field: 'instance' });
    }
    const studyUid = r.identifier?.find((i) => i.value?.startsWith('urn:oid:'))?.value?.slice(8) ?? '';
    const image = await dicomWebClient(pacs).rendered(checkUid(studyUid, 'study'), series, instance, {
      frame,
      accept: 'image/jpeg',
    });
    await audit(c, 'read', `ImagingStudy/${study}/rendered`, id);
    return c.body(image.bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': image.contentType,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  app.post('/:id/imaging/:study/second-read', params(renderedParams), async (c) => {
    const { id, study } = c.req.valid('param');
    const resource = `ImagingStudy/${study}/second-read`;
    const refuse = async (status: 404 | 409 | 503, error: MedSeekError) => {
      await audit(c, 'read', resource, id, status);
      throw error;
    };
    const reader = VisionReader.fromEnv(process.env, ctx.db);
    if (!reader)
      return refuse(
        503,
        new MedSeekError(
          'unavailable',
          'no vision model is configured: set MEDSEEK_VISION_BASE_URL and MEDSEEK_VISION_MODEL',
          {
            field: 'vision',
          },
        ),
      );
    if (!reader.status.imagesAllowed)
      return refuse(
        409,
        new MedSeekError(
          'conflict',
          `the vision model '${reader.status.provider}' is not trusted-local and an image cannot be de-identified: ` +
            'set MEDSEEK_VISION_TRUST=local for a server inside the hospital, or MEDSEEK_LLM_IMAGES=allow-external',
          { field: 'vision' },
        ),
      );
    const pacs = settings();
    const stored = await ctx.resources.read('ImagingStudy', study);
    const r = stored && !stored.deleted ? (stored.resource as unknown as ImagingStudy) : undefined;
    if (!r || r.subject?.reference !== `Patient/${id}`)
      return refuse(404, notFound(`no ImagingStudy/${study} of Patient/${id}`, { field: 'study' }));
    const key = keyImageOf(r);
    if (!key) return refuse(409, new MedSeekError('conflict', 'the study has no image to read', { field: 'study' }));
    const reports = await ctx.resources.search('DiagnosticReport', { patient: id, count: 500 });
    const report = reports.entries
      .filter((e) => !e.deleted)
      .map((e) => e.resource as unknown as DiagnosticReport)
      .filter((d) => d.imagingStudy?.some((x) => x.reference === `ImagingStudy/${study}`))
      .map((d) => ({ d, text: reportText(d) }))
      .sort((a, b) => Number(b.d.status === 'final') - Number(a.d.status === 'final'))
      .find((x) => x.text);
    if (!report)
      return refuse(
        409,
        new MedSeekError('conflict', 'the study has no report to check a second reader against', { field: 'study' }),
      );
    const studyUid = r.identifier?.find((i) => i.value?.startsWith('urn:oid:'))?.value?.slice(8) ?? '';
    const image = await dicomWebClient(pacs).rendered(checkUid(studyUid, 'study'), key.series, key.instance, {
      frame: 1,
      accept: 'image/jpeg',
    });
    const context = [
      (r.modality ?? [])
        .map((m) => m.code)
        .filter((m) => m && m !== 'SR')
        .join('/'),
      r.series?.find((s) => s.uid === key.series)?.bodySite?.display,
      r.description,
    ]
      .filter(Boolean)
      .join(', ');
    const result = await secondRead(reader, {
      image: imagePart(image.bytes),
      reportText: report.text!,
      reportDocument: `DiagnosticReport/${report.d.id}`,
      ...(context ? { context } : {}),
      patient: { key: id },
    });
    await reader.close();
    if (!result.ok)
      return refuse(
        result.reason === 'refused' ? 409 : 503,
        new MedSeekError(result.reason === 'refused' ? 'conflict' : 'unavailable', result.message, { field: 'vision' }),
      );
    await audit(c, 'read', resource, id);
    return c.json({
      notice: SECOND_READ_NOTICE,
      report: `DiagnosticReport/${report.d.id}`,
      image: key,
      model: result.model,
      suggestions: result.suggestions,
    });
  });

  return app;
}

function studyView(
  r: ImagingStudy & { id: string },
  patient: string,
  reportsOf: ReadonlyMap<string, readonly DiagnosticReport[]>,
  viewerTemplate: string | undefined,
): ImagingStudyView {
  const studyUid = r.identifier?.find((i) => i.value?.startsWith('urn:oid:'))?.value?.slice(8) ?? '';
  const accession = r.identifier?.find((i) => i.type?.coding?.some((c) => c.code === 'ACSN'))?.value;
  const key = keyImageOf(r);
  const reports = (reportsOf.get(`ImagingStudy/${r.id}`) ?? []).map((d) => {
    const text = reportText(d);
    return {
      id: d.id ?? '',
      status: d.status,
      title: d.code.text ?? d.code.coding?.[0]?.display ?? 'Imaging report',
      ...(d.conclusion ? { conclusion: d.conclusion } : {}),
      ...(text ? { text } : {}),
      facts: text ? extractImagingFindings(text, { patientId: patient, document: `DiagnosticReport/${d.id}` }) : [],
    };
  });
  return {
    id: r.id,
    studyUid,
    ...(accession ? { accession } : {}),
    ...(r.started ? { started: r.started } : {}),
    ...(r.description ? { description: r.description } : {}),
    modalities: (r.modality ?? []).map((m) => m.code ?? '').filter(Boolean),
    series: r.numberOfSeries ?? r.series?.length ?? 0,
    instances: r.numberOfInstances ?? 0,
    ...(viewerTemplate && studyUid ? { viewerUrl: viewerLink(viewerTemplate, studyUid, accession) } : {}),
    ...(key
      ? {
          keyImage: {
            ...key,
            url:
              `/api/patients/${encodeURIComponent(patient)}/imaging/${encodeURIComponent(r.id)}/rendered` +
              `?series=${key.series}&instance=${key.instance}`,
          },
        }
      : {}),
    reports,
  };
}

/** The image to show: one the report points at, else the middle instance of the first image series. */
function keyImageOf(r: ImagingStudy): { series: string; instance: string } | undefined {
  const series = r.series ?? [];
  for (const s of series) {
    const i = s.instance?.find((x) => x.title === KEY_IMAGE_TITLE);
    if (i) return { series: s.uid, instance: i.uid };
  }
  const images = series.find((s) => s.modality.code !== 'SR' && s.modality.code !== 'PR' && s.instance?.length);
  if (!images?.instance) return undefined;
  const sorted = [...images.instance].sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
  const middle = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { series: images.uid, instance: middle.uid };
}

function reportText(d: DiagnosticReport): string | undefined {
  const form = (d.presentedForm ?? []).find((a) => (a.contentType ?? 'text/plain').startsWith('text/') && !!a.data);
  if (!form) return d.conclusion;
  try {
    return decodeAttachment(form, `DiagnosticReport/${d.id}`);
  } catch {
    return d.conclusion;
  }
}
