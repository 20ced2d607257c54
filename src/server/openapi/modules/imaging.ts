import { z } from 'zod';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';
import { imagingParams, pullBody, renderedParams, renderedQuery } from '../../routes/imaging.js';

const ok = (description: string) => ({ description, schema: JsonObject });

/** The imaging routes' OpenAPI description (routes/imaging.ts), listed in `openapi/index.ts` MODULE_DOCS. */
export const imagingDoc: ModuleDoc = {
  tag: 'Imaging',
  description:
    'A patient’s imaging from the PACS over DICOMweb (MEDSEEK_PACS_URL): studies as FHIR ImagingStudy, SR reports as DiagnosticReport read by the NLP stage, and the rendered key image served through MedSeek so the browser never talks to the PACS. See docs/imaging.md.',
  operations: [
    {
      method: 'post',
      path: '/api/patients/:id/imaging/pull',
      summary: 'Pull the patient’s studies from the PACS',
      description:
        'QIDO-RS search by the PACS Patient ID (default: the Patient’s MR identifier), then series, instances and SR metadata (WADO-RS); each study is validated and stored atomically, and the reports’ text is read by the NLP stage. 503 when no PACS is configured or it cannot be reached. Staff within their patient scope. Audited.',
      params: imagingParams,
      body: { schema: pullBody },
      responses: {
        200: ok('`{summary}`: the studies stored (created, updated or unchanged) and those skipped, with why.'),
        503: ok('No PACS configured, or the PACS did not answer.'),
      },
    },
    {
      method: 'get',
      path: '/api/patients/:id/imaging',
      summary: 'The patient’s imaging studies',
      description:
        'The stored studies, newest first, each with its reports (text, impression, and the categories and sized lesions the text states, with spans), its key image’s proxy URL and the viewer link when MEDSEEK_PACS_VIEWER_URL is set. Audited.',
      params: imagingParams,
      responses: { 200: ok('`{configured, viewer, studies}`.') },
    },
    {
      method: 'get',
      path: '/api/patients/:id/imaging/:study/rendered',
      summary: 'A rendered frame of the patient’s study',
      description:
        'The frame rendered by the PACS (WADO-RS rendered, JPEG), fetched by the server; only instances of this patient’s stored study are served. Audited.',
      params: renderedParams,
      query: renderedQuery,
      responses: {
        200: { description: 'The image.', contentType: 'image/jpeg', schema: z.string().meta({ format: 'binary' }) },
        503: ok('No PACS configured, or the PACS did not answer.'),
      },
    },
    {
      method: 'post',
      path: '/api/patients/:id/imaging/:study/second-read',
      summary: 'A second reader’s (AI) suggestions for the study’s key image',
      description:
        'The key image is read by the vision model (MEDSEEK_VISION_BASE_URL, MEDSEEK_VISION_MODEL) through the ' +
        'OpenAI-compatible image input, without the report; each finding it lists is a claim checked against the ' +
        'radiologist’s report (agrees, contradicts: other side, size, site or category, or not in the report), ' +
        'with the report’s spans as evidence. Suggestions only: never the report, never stored as a fact of the ' +
        'patient. Images go only to a trusted-local model unless MEDSEEK_LLM_IMAGES=allow-external. Audited; the ' +
        'model call is in the model-use ledger.',
      params: renderedParams,
      responses: {
        200: ok(
          '`{notice, report, image, model, suggestions}`: each suggestion with its verdict, conflicts and evidence.',
        ),
        409: ok('Images may not go to the configured vision model, or the study has no image or no report.'),
        503: ok('No vision model configured, no PACS, or the model did not answer.'),
      },
    },
  ],
};
