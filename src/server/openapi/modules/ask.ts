import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';
import { askBody, askParams } from '../../routes/ask.js';

/** `POST /api/patients/:id/ask` (routes/ask.ts) for the OpenAPI document. */
export const askDoc: ModuleDoc = {
  tag: 'Ask the record',
  description:
    'A clinician’s question (zh or en) answered from one patient’s record through MedSeek’s tools; every ' +
    'sentence cites its facts and was verified before it is shown (docs/ask.md).',
  operations: [
    {
      method: 'post',
      path: '/api/patients/:id/ask',
      summary: 'Ask the record',
      description:
        'Without a model the deterministic reader answers lab values, drug starts/stops/holds and their recorded ' +
        'reasons, current drugs, problems, allergies and genotypes, and says plainly what it cannot; with a ' +
        'configured model an agent loop over the MCP tools answers (bounded steps, trace stored). Audited as ' +
        '`ask`; each tool read as well.',
      params: askParams,
      body: { schema: askBody },
      responses: {
        200: {
          description:
            '`{sentences: [{text, kind, status, factIds, sources}], removed, refused, answeredBy, model, text, ' +
            'citations}`.',
          schema: JsonObject,
        },
      },
    },
  ],
};
