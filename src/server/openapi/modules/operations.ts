import { z } from 'zod';
import { auditQuery } from '../../routes/audit.js';
import { llmCallsQuery } from '../../routes/llm.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

/**
 * `/health`, `/api/audit`, `/api/llm`: small operational routes. The audit and llm routes check their
 * query parameters by hand (routes/audit.ts `wholeNumber`, routes/llm.ts); these schemas describe them.
 */
const health = z.object({
  status: z.enum(['ok', 'unavailable']),
  version: z.string(),
  database: z.string(),
  demo: z.boolean().optional(),
});

export const operationsDoc: ModuleDoc = {
  tag: 'Operations',
  description: 'Liveness, the audit log, database backups, and the use of language models.',
  operations: [
    {
      method: 'get',
      path: '/health',
      summary: 'Liveness',
      description: 'Whether the server and its database answer. No credential needed; no patient data.',
      responses: {
        200: { description: 'Up.', schema: health },
        503: { description: 'The database does not answer.', schema: health },
      },
    },
    {
      method: 'get',
      path: '/api/audit',
      summary: 'The audit log',
      description:
        'Who read or changed what, and every refusal, newest first, for privacy officers and patients’ access requests. Unknown parameters are refused.',
      query: auditQuery,
      responses: { 200: { description: '`{entries, count}`.', schema: JsonObject } },
    },
    {
      method: 'get',
      path: '/api/backup',
      summary: 'Back up the database',
      description:
        'A consistent copy of the embedded database, taken while the server keeps answering: a gzipped tarball of its data directory, which `medseek restore FILE` loads into a new directory. On a PostgreSQL server the answer is 409: back up with pg_dump. Audited.',
      responses: {
        200: {
          description: 'The backup (Content-Disposition: attachment).',
          contentType: 'application/gzip',
          schema: z.string().meta({ format: 'binary' }),
        },
        409: { description: 'The database is a PostgreSQL server: use pg_dump.' },
      },
    },
    {
      method: 'get',
      path: '/api/llm/calls',
      summary: 'Model use',
      description:
        'Which models are configured and which answered what, with whether the text sent was de-identified. Prompts and answers are not returned.',
      query: llmCallsQuery,
      responses: { 200: { description: '`{providers, calls}`.', schema: JsonObject } },
    },
  ],
};
