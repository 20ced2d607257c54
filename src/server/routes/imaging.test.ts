import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { comprehensiveSr, ctImage, newTestStudy, SR_IMPRESSION, type TestStudy } from '../../../test/support/dicom.js';
import { type OrthancServer, orthancMissing, startOrthanc } from '../../../test/support/orthanc.js';
import { allFacts, loadConfig } from '../../core/index.js';
import { type OpenAiTestServer, startOpenAiTestServer } from '../../llm/index.js';
import { buildPatientState } from '../../fusion/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';
import { answeringRoutes, staleOperations, undocumentedRoutes } from '../openapi/coverage.js';
import { buildOpenApiDocument } from '../openapi/document.js';
import { imagingDoc } from '../openapi/modules/imaging.js';
import { structuralProblems } from '../openapi/structure.js';
import { imagingPolicies } from './imaging.js';

const KEY = 'imaging-route-test-key-0123';
const PATIENT = 'img-patient-1';
const MRN = 'MRN-IMG-0001';
type Json = Record<string, unknown>;

const missing = orthancMissing();
// Orthanc is required in CI (.ci/run installs orthanc and orthanc-dicomweb): there a missing binary fails.
describe.runIf(missing && process.env.CI)('imaging routes need Orthanc in CI', () => {
  it('has Orthanc and its DICOMweb plugin', () => {
    throw new Error(`${missing}`);
  });
});
if (missing && !process.env.CI) describe.skip(`imaging routes against Orthanc: skipped, ${missing}`, () => {});

// A CT image and a Comprehensive SR stored in a real Orthanc, pulled over DICOMweb through the API:
// ImagingStudy and DiagnosticReport in the store, the report's categories and lesions as facts with spans,
// the rendered key image through the server's proxy; staff only, patient scope, audited.
if (!missing)
  forEachBackend('imaging routes against Orthanc', (db) => {
    let orthanc: OrthancServer;
    let ctx: AppContext;
    let app: ReturnType<typeof createApp>;
    let study: TestStudy;
    let wardKey: string;
    const saved = { ...process.env };

    beforeAll(async () => {
      orthanc = await startOrthanc();
      study = newTestStudy(MRN);
      await orthanc.upload(ctImage(study));
      await orthanc.upload(comprehensiveSr(study));
      // Another patient's study, with a PatientID that a loose PACS match could confuse.
      await orthanc.upload(ctImage(newTestStudy(`${MRN}9`)));
      process.env.MEDSEEK_PACS_URL = orthanc.dicomWeb;
      process.env.MEDSEEK_PACS_USER = orthanc.user;
      process.env.MEDSEEK_PACS_PASSWORD = orthanc.password;
      process.env.MEDSEEK_PACS_VIEWER_URL =
        'https://viewer.example.org/ohif/viewer?StudyInstanceUIDs={StudyInstanceUID}';
      ctx = await openContext(loadConfig({}, { apiKeys: [KEY], logLevel: 'warn' }), {
        db: db(),
        llm: false,
        logger: createLogger('warn', { write: () => {} }),
      });
      app = createApp(ctx);
      await ctx.resources.put({
        resourceType: 'Patient',
        id: PATIENT,
        identifier: [
          {
            type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
            value: MRN,
          },
        ],
        name: [{ family: 'Imaging', given: ['Test'] }],
        gender: 'female',
      });
      wardKey = (await ctx.apiKeys.create('another ward', { role: 'clinician', units: ['no-such-ward'] })).key;
    }, 240_000);

    afterAll(async () => {
      for (const k of ['MEDSEEK_PACS_URL', 'MEDSEEK_PACS_USER', 'MEDSEEK_PACS_PASSWORD', 'MEDSEEK_PACS_VIEWER_URL'])
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      await orthanc?.stop();
    });

    const call = async (path: string, init: { body?: unknown; key?: string } = {}) =>
      app.request(path, {
        method: init.body === undefined ? 'GET' : 'POST',
        headers: {
          Authorization: `Bearer ${init.key ?? KEY}`,
          ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });

    it('answers 503 naming the PACS credentials when the PACS refuses them, and stores nothing', async () => {
      process.env.MEDSEEK_PACS_PASSWORD = 'not-the-password';
      const res = await call(`/api/patients/${PATIENT}/imaging/pull`, { body: {} });
      process.env.MEDSEEK_PACS_PASSWORD = orthanc.password;
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).toContain('PACS user and password');
      expect(text).not.toContain('not-the-password');
      expect((await ctx.resources.search('ImagingStudy', { patient: PATIENT })).entries).toEqual([]);
    });

    it('pulls the study and its SR report by the Patient’s MRN, and only that patient’s', async () => {
      const res = await call(`/api/patients/${PATIENT}/imaging/pull`, { body: {} });
      expect(res.status).toBe(200);
      const { summary } = (await res.json()) as { summary: Json & { studies: Json[] } };
      expect(summary.patientId).toBe(MRN);
      expect(summary.studies).toHaveLength(1);
      expect(summary.studies[0]).toMatchObject({
        studyUid: study.studyUid,
        series: 2,
        instances: 2,
        outcome: 'created',
      });

      const { entries } = await ctx.resources.search('ImagingStudy', { patient: PATIENT });
      expect(entries).toHaveLength(1);
      const is = entries[0]!.resource as unknown as Json & { series: Json[]; identifier: Json[] };
      expect(is.identifier[0]).toEqual({ system: 'urn:dicom:uid', value: `urn:oid:${study.studyUid}` });
      expect(is).toMatchObject({ status: 'available', numberOfSeries: 2, numberOfInstances: 2, started: '2024-03-15' });
      expect(is.series.map((s) => (s.modality as Json).code).sort()).toEqual(['CT', 'SR']);
      expect((is.endpoint as { reference: string }[])[0]!.reference).toMatch(/^Endpoint\//);

      const reports = await ctx.resources.search('DiagnosticReport', { patient: PATIENT });
      const dr = reports.entries[0]!.resource as unknown as Json & { presentedForm: { data: string }[] };
      expect(dr).toMatchObject({ status: 'final', conclusion: SR_IMPRESSION });
      expect((dr.imagingStudy as Json[])[0]).toEqual({ reference: `ImagingStudy/${entries[0]!.id}` });
      const text = Buffer.from(dr.presentedForm[0]!.data, 'base64').toString('utf8');
      expect(text).toContain('FINDINGS:\nThere is a 12 mm solid nodule in the right upper lobe.');
      expect(text).toContain('Length: 12 mm');
      expect(text).toContain(`IMPRESSION:\n${SR_IMPRESSION}`);

      // The report's text went through the NLP stage as a note (its DocumentReference twin).
      const read = await ctx.db.query<{ status: string }>(
        'select status from note_extractions where document_id = $1',
        [reports.entries[0]!.id],
      );
      expect(read.rows.map((r) => r.status)).toEqual(['ok']);

      // Pulling again changes nothing (ids from UIDs).
      const again = (await (await call(`/api/patients/${PATIENT}/imaging/pull`, { body: {} })).json()) as {
        summary: { studies: Json[] };
      };
      expect(again.summary.studies[0]!.outcome).toBe('unchanged');
    });

    it('puts the report’s laterality, measurement and Lung-RADS category in the patient state with spans', async () => {
      const state = await buildPatientState(ctx.db, ctx.resources, PATIENT);
      const facts = allFacts(state);
      const lungRads = facts.find((f) => f.concept.code === 'lung-rads');
      expect(lungRads?.valueText).toBe('4A');
      const nodules = facts.filter((f) => f.concept.code === 'nodule');
      expect(nodules.length).toBeGreaterThan(0);
      for (const n of nodules) {
        expect(n.value).toMatchObject({ value: 12, unit: 'mm' });
        expect(n.laterality).toBe('right');
      }
      const [dr] = (await ctx.resources.search('DiagnosticReport', { patient: PATIENT })).entries;
      const text = Buffer.from(
        ((dr!.resource as Json).presentedForm as { data: string }[])[0]!.data,
        'base64',
      ).toString('utf8');
      for (const f of [lungRads!, ...nodules]) {
        const src = f.sources[0]!;
        expect(src.kind).toBe('text');
        if (src.kind !== 'text') continue;
        expect(src.document).toBe(`DiagnosticReport/${dr!.id}`);
        expect(text.slice(src.start, src.end)).toBe(src.quote);
      }
      expect(nodules.map((n) => (n.sources[0] as { quote: string }).quote)).toContain('12 mm solid nodule');
    });

    it('lists the study with its report, facts, viewer link and key image served through the proxy', async () => {
      const res = await call(`/api/patients/${PATIENT}/imaging`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { configured: boolean; studies: (Json & { reports: Json[] })[] };
      expect(body.configured).toBe(true);
      const [s] = body.studies;
      expect(s).toMatchObject({ studyUid: study.studyUid, accession: 'ACC-0001', modalities: ['CT', 'SR'] });
      expect(s!.viewerUrl).toBe(`https://viewer.example.org/ohif/viewer?StudyInstanceUIDs=${study.studyUid}`);
      expect(s!.reports[0]).toMatchObject({ status: 'final', conclusion: SR_IMPRESSION });
      expect((s!.reports[0]!.facts as Json[]).map((f) => f.valueText)).toContain('4A');
      const key = s!.keyImage as { instance: string; url: string };
      // The SR's IMAGE item names the CT instance: that is the key image.
      expect(key.instance).toBe(study.ctInstanceUid);
      const image = await call(key.url);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
      const bytes = new Uint8Array(await image.arrayBuffer());
      expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
      const audit = await ctx.db.query<{ action: string; resource: string }>(
        'select action, resource from medseek_audit where patient_id = $1 and ' +
          "(resource like '%imaging%' or resource like '%rendered%') order by id",
        [PATIENT],
      );
      expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['create', 'read']));
      expect(JSON.stringify(body)).not.toContain(orthanc.password);
    });

    it('serves no image outside the patient’s stored study and refuses another ward’s clinician', async () => {
      const s = ((await (await call(`/api/patients/${PATIENT}/imaging`)).json()) as { studies: Json[] }).studies[0]!;
      const stranger = await call(
        `/api/patients/${PATIENT}/imaging/${s.id}/rendered?series=${study.ctSeriesUid}&instance=1.2.3.4`,
      );
      expect(stranger.status).toBe(404);
      const bad = await call(`/api/patients/${PATIENT}/imaging/${s.id}/rendered?series=x&instance=1.2`);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('series');
      expect((await call(`/api/patients/${PATIENT}/imaging`, { key: wardKey })).status).toBe(403);
      expect((await call(`/api/patients/${PATIENT}/imaging/pull`, { body: {}, key: wardKey })).status).toBe(403);
      const badDate = await call(`/api/patients/${PATIENT}/imaging/pull`, { body: { date: '2024-03-15' } });
      expect(badDate.status).toBe(400);
      expect(await badDate.text()).toContain('date');
    });

    it('gives a second reader’s suggestions checked against the report: off, refused, then judged', async () => {
      const s = ((await (await call(`/api/patients/${PATIENT}/imaging`)).json()) as { studies: Json[] }).studies[0]!;
      const path = `/api/patients/${PATIENT}/imaging/${s.id}/second-read`;
      const vision = ['MEDSEEK_VISION_BASE_URL', 'MEDSEEK_VISION_MODEL', 'MEDSEEK_VISION_TRUST'];
      const off = await call(path, { body: {} });
      expect(off.status).toBe(503);
      expect(await off.text()).toContain('MEDSEEK_VISION_BASE_URL');
      let model: OpenAiTestServer | undefined;
      try {
        model = await startOpenAiTestServer();
        process.env.MEDSEEK_VISION_BASE_URL = model.url;
        process.env.MEDSEEK_VISION_MODEL = 'qwen2.5-vl';
        const external = await call(path, { body: {} });
        expect(external.status).toBe(409);
        expect(await external.text()).toContain('cannot be de-identified');
        expect(model.requests).toHaveLength(0);

        process.env.MEDSEEK_VISION_TRUST = 'local';
        const none = { laterality: null, sizeMm: null, site: null, category: null };
        model.enqueue({
          kind: 'reply',
          content: JSON.stringify({
            findings: [
              { ...none, finding: 'solid nodule', laterality: 'right', sizeMm: 12, site: 'right upper lobe' },
              { ...none, finding: 'nodule', laterality: 'left', sizeMm: 12 },
              { ...none, finding: 'pleural effusion', laterality: 'left' },
            ],
          }),
        });
        const res = await call(path, { body: {} });
        expect(res.status).toBe(200);
        const out = (await res.json()) as { notice: string; suggestions: Json[] };
        expect(out.notice).toContain('not the report');
        expect(out.suggestions.map((x) => x.verdict)).toEqual(['agrees', 'contradicts', 'not-in-report']);
        const parts = (model.requests[0]!.body.messages as { content: unknown }[]).at(-1)!.content as Json[];
        expect(parts.map((p) => p.type)).toEqual(['text', 'image_url']);
        expect(String((parts[1]!.image_url as Json).url)).toMatch(/^data:image\/jpeg;base64,\/9j\//);
        // Suggestions are never facts of the patient.
        const facts = allFacts(await buildPatientState(ctx.db, ctx.resources, PATIENT));
        expect(facts.filter((f) => f.concept.code === 'nodule').every((f) => f.laterality === 'right')).toBe(true);
        const ledger = await ctx.db.query<{ status: string }>(
          "select status from llm_call where purpose = 'verify/second-read' order by at",
        );
        expect(ledger.rows.map((r) => r.status)).toEqual(['ok']);
        expect((await call(path, { body: {}, key: wardKey })).status).toBe(403);
      } finally {
        for (const k of vision) delete process.env[k];
        await model?.close();
      }
    });

    it('documents each imaging route', () => {
      const routes = answeringRoutes(app.routes).filter((r) => r.includes('/imaging'));
      expect(routes.length).toBe(Object.keys(imagingPolicies).length);
      const doc = buildOpenApiDocument([imagingDoc], imagingPolicies);
      expect(undocumentedRoutes(routes, doc)).toEqual([]);
      expect(staleOperations(routes, doc)).toEqual([]);
      expect(structuralProblems(doc)).toEqual([]);
    });
  });
