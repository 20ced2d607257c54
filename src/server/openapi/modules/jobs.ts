import { z } from 'zod';
import {
  extractNotesJobBody,
  federateJobBody,
  importJobBody,
  JOB_FILES_ENV,
  jobParams,
  jobsQuery,
  qcJobBody,
  summarizeJobBody,
} from '../../routes/jobs.js';
import { JOB_KINDS } from '../../jobs/index.js';
import type { ModuleDoc, OperationDoc } from '../operation.js';

/** A job as `medseek_jobs` records it (jobs/types.ts JobRecord). */
const Job = z
  .object({
    id: z.string(),
    kind: z.enum(JOB_KINDS as [string, ...string[]]),
    data: z.record(z.string(), z.unknown()).describe('What was submitted'),
    state: z.enum(['queued', 'active', 'retry', 'completed', 'dead']).describe('dead: its attempts are spent'),
    attempts: z.number().int().describe('Attempts begun so far'),
    maxAttempts: z.number().int(),
    progress: z
      .object({
        done: z.number(),
        total: z.number().optional(),
        items: z.number(),
        message: z.string().optional(),
      })
      .optional()
      .describe('What the running attempt last reported: encounters of a QC run, bytes of an import…'),
    result: z.unknown().optional().describe('The completed job’s result'),
    error: z.string().optional().describe('The last failed attempt’s error'),
    createdAt: z.string(),
    updatedAt: z.string(),
    completedAt: z.string().optional(),
    completedBy: z.string().optional().describe('The worker that completed it'),
  })
  .meta({ id: 'Job', description: 'A background job: state, progress, attempts, result or error.' });

const Submitted = Job.extend({ location: z.string().describe('Where to watch it: /api/jobs/{id}') });

const submitOp = (
  path: string,
  summary: string,
  description: string,
  schema: z.ZodType,
  who: string,
): OperationDoc => ({
  method: 'post',
  path: `/api/jobs/${path}`,
  summary,
  description: `${description} ${who} Answered at once: the job runs in a worker (on the embedded database, in the server). Audited.`,
  body: { schema },
  responses: {
    202: { description: 'Queued: `Location` is the job’s address; the body is its record.', schema: Submitted },
  },
});

const withNotFound = (op: OperationDoc, description: string): OperationDoc => ({
  ...op,
  responses: { ...op.responses, 404: { description } },
});

export const jobsDoc: ModuleDoc = {
  tag: 'Jobs',
  description:
    'Background jobs off the request path: QC runs, federated exports, imports, note extraction and model-written discharge summaries, with progress, retries and dead letters. Job state lives in the database, so any API replica answers for any job.',
  operations: [
    submitOp(
      'qc',
      'Run record QC as a job',
      'Quality control of the stays in progress of the whole hospital (the default), of every stay (`current: false`, optionally `since`), or of one encounter; progress per encounter; each report replaces the encounter’s last one.',
      qcJobBody,
      'Admins.',
    ),
    submitOp(
      'federate-export',
      'Export federated counts as a job',
      `The confirmed cases (a file under ${JOB_FILES_ENV}) as clipped, noised counts written to MEDSEEK_FEDERATED_DIR and charged once to its privacy ledger.`,
      federateJobBody,
      'Admins.',
    ),
    submitOp(
      'import',
      'Import FHIR as a job',
      `FHIR JSON or Bulk Data NDJSON from a file or folder under ${JOB_FILES_ENV}; the imported notes are then extracted by jobs it hands on.`,
      importJobBody,
      'Admins.',
    ),
    submitOp(
      'extract-notes',
      'Extract notes as a job',
      'Reads stored notes not yet read by the active extractor into facts: all, or these patients’.',
      extractNotesJobBody,
      'Admins.',
    ),
    withNotFound(
      submitOp(
        'summarize',
        'Compose a discharge summary as a job',
        'Composes and verifies the stay’s discharge summary with the model (under its batch deadline) and stores it as a workspace draft whose id is the job’s.',
        summarizeJobBody,
        'Staff, on a patient within their scope (refused 403 otherwise, audited).',
      ),
      'No such encounter.',
    ),
    {
      method: 'get',
      path: '/api/jobs',
      summary: 'List jobs',
      description: 'Jobs newest first, of one kind or state (`state=dead`: the dead letters). Admins. Audited.',
      query: jobsQuery,
      responses: {
        200: { description: '`{jobs, count}`.', schema: z.object({ jobs: z.array(Job), count: z.number() }) },
      },
    },
    {
      method: 'get',
      path: '/api/jobs/:id',
      summary: 'A job’s state',
      description:
        'State, progress, attempts, and the result or the last error. Admins see every job; clinicians the summary jobs they submitted, for patients they may still see. A summary job’s read is audited.',
      params: jobParams,
      responses: { 200: { description: 'The job.', schema: Job } },
    },
    {
      method: 'post',
      path: '/api/jobs/:id/retry',
      summary: 'Retry a dead job',
      description:
        'Queues a dead job (its attempts spent: state `dead`) again with fresh attempts: the same id, kind and ' +
        'input, its attempt history kept and the next attempt numbered after the last. Whoever may read the job ' +
        'may retry it: admins any job; clinicians the summary jobs they submitted, for patients they may still ' +
        'see. A job that is not dead is refused (409, naming its state). Audited (`retry-job`, who and when), ' +
        'the 409 too.',
      params: jobParams,
      responses: {
        202: {
          description: 'Queued again: `Location` is the job’s address; the body is its record.',
          schema: Submitted,
        },
        409: {
          description: 'The job is not dead (queued, active, waiting for its retry or completed): its state is named.',
        },
      },
      notFound: 'No such job.',
    },
  ],
};
