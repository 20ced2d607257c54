import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';
import {
  teachingAnswerBody,
  teachingCaseParams,
  teachingCaseQuery,
  teachingCasesQuery,
  teachingChoiceBody,
  teachingQuestionParams,
  teachingQuestionsQuery,
  teachingStepParams,
} from '../../routes/teaching.js';

/** `/api/teaching` (routes/teaching.ts) for the OpenAPI document: the schemas the routes validate with. */
const ok = (description: string) => ({ description, schema: JsonObject });

export const teachingDoc: ModuleDoc = {
  tag: 'Teaching',
  description:
    'Medical education: teaching cases from de-identified records, revealed step by step and ' +
    'compared with MedSeek’s reasoning; practice questions generated from the knowledge release, ' +
    'each checked against it before it is shown. No patient of this hospital is read.',
  operations: [
    {
      method: 'get',
      path: '/api/teaching/cases',
      summary: 'Teaching cases',
      description: 'The cases (presenting complaint only), each with its data set and licence.',
      query: teachingCasesQuery,
      responses: { 200: ok('`{cases, skipped}`.') },
    },
    {
      method: 'get',
      path: '/api/teaching/cases/:id',
      summary: 'A case, revealed up to a step',
      description:
        'The de-identified case up to `step` (0 presenting complaint … 4 diagnosis); later steps are not' +
        ' sent. With `prose=model` and a configured model, the newest step is rewritten and kept only ' +
        'when the verifier finds every claim in the record text.',
      params: teachingCaseParams,
      query: teachingCaseQuery,
      responses: { 200: ok('`{id, lang, total, steps: [{key, title, text, by, refused?}]}`.') },
    },
    {
      method: 'post',
      path: '/api/teaching/cases/:id/steps/:step/answer',
      summary: 'Check a learner’s answer at a step',
      description:
        'The learner’s differential and next tests against MedSeek’s differential on the same revealed ' +
        'text (each disease with its explanation, evidence and knowledge sources) and against what the ' +
        'record shows.',
      params: teachingStepParams,
      body: { schema: teachingAnswerBody },
      responses: {
        200: ok('The feedback: `{medseek, differential, missed, tests, recordTests, diagnoses?, summary}`.'),
      },
    },
    {
      method: 'get',
      path: '/api/teaching/questions',
      summary: 'Practice questions',
      description:
        'Questions generated from the active knowledge release (interactions, contraindications, ' +
        'findings, monitoring, pharmacogenomics), without their keys; each carries its source.',
      query: teachingQuestionsQuery,
      responses: { 200: ok('`{release, total, counts, questions}`.') },
    },
    {
      method: 'post',
      path: '/api/teaching/questions/:id/answer',
      summary: 'Answer a practice question',
      description:
        'Whether the choice is right, the keyed answer, its explanation and its source (the release ' +
        'entry and citation).',
      params: teachingQuestionParams,
      body: { schema: teachingChoiceBody },
      responses: { 200: ok('`{id, correct, answer, explanation, source}`.') },
    },
  ],
};
