import {
  activateParams,
  conceptQuery,
  curationBody,
  diseaseQuery,
  drugPairQuery,
  findQuery,
  importQuery,
  neighboursQuery,
  pathQuery,
  releaseQuery,
} from '../../routes/schemas/kg.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

/** `/api/kg` (routes/kg.ts): the schemas are the ones the routes validate with (routes/schemas/kg.ts). */
const ok = (description: string) => ({ description, schema: JsonObject });

export const kgDoc: ModuleDoc = {
  tag: 'Knowledge graph',
  description:
    'The knowledge graph (the same as `medseek kg …`): releases, imports, queries and curation. Every query takes `release` (default: the active release) and answers with the release it used.',
  operations: [
    {
      method: 'get',
      path: '/api/kg/releases',
      summary: 'Releases',
      description:
        'Every knowledge release and which is active, with the active release’s rule-book problems ' +
        '(edges the safety engines cannot use, each with why).',
      responses: { 200: ok('`{releases, ruleBook?: {release, problems}}`.') },
    },
    {
      method: 'post',
      path: '/api/kg/releases/:id/activate',
      summary: 'Activate a release',
      description: 'Makes a release the one every query and diagnosis uses.',
      params: activateParams,
      responses: { 200: ok('`{active}`.') },
    },
    {
      method: 'post',
      path: '/api/kg/import/cds',
      summary: 'Import the bundled rules',
      description: 'Imports the CDS rules shipped with MedSeek as a new release.',
      query: importQuery,
      responses: { 201: ok('The import summary.') },
    },
    {
      method: 'post',
      path: '/api/kg/import/local',
      summary: 'Import a hospital’s knowledge',
      description:
        'A hospital’s own knowledge as JSON or CSV (Content-Type text/csv), as a new release. The large public sources are imported with `medseek kg import`.',
      query: importQuery,
      body: { schema: JsonObject, description: 'The knowledge batch as JSON, or the same as text/csv.' },
      responses: { 201: ok('The import summary.') },
    },
    {
      method: 'get',
      path: '/api/kg/find',
      summary: 'Find concepts',
      description: 'Concepts whose names or synonyms match `q`.',
      query: findQuery,
      responses: { 200: ok('`{release, matches}`.') },
    },
    {
      method: 'get',
      path: '/api/kg/concept',
      summary: 'One concept',
      description: 'A concept with its names and codes.',
      query: conceptQuery,
      responses: { 200: ok('`{release, concept}`.') },
    },
    {
      method: 'get',
      path: '/api/kg/neighbours',
      summary: 'Neighbours',
      description: 'The relations of a concept, in, out or both.',
      query: neighboursQuery,
      responses: { 200: ok('`{release, neighbours}`.') },
    },
    {
      method: 'get',
      path: '/api/kg/path',
      summary: 'Paths between two concepts',
      description: 'The shortest relation paths from `a` to `b`.',
      query: pathQuery,
      responses: { 200: ok('`{release, from, to, paths}`.') },
    },
    {
      method: 'get',
      path: '/api/kg/disease',
      summary: 'Disease profile',
      description: 'A disease’s findings, risk factors and treatments with their weights and sources.',
      query: diseaseQuery,
      responses: { 200: ok('`{release, …profile}`.') },
    },
    {
      method: 'get',
      path: '/api/kg/drug-pair',
      summary: 'Drug pair',
      description: 'What the graph knows about two drugs together (interactions, shared contraindications).',
      query: drugPairQuery,
      responses: { 200: ok('`{release, …}`.') },
    },
    {
      method: 'get',
      path: '/api/kg/lexicon',
      summary: 'Lexicon',
      description: 'Every term the extractor recognises, with its concept.',
      query: releaseQuery,
      responses: { 200: ok('`{release, count, entries}`.') },
    },
    {
      method: 'get',
      path: '/api/kg/network',
      summary: 'Causal network',
      description: 'The disease–finding network the diagnosis uses.',
      query: releaseQuery,
      responses: { 200: ok('The network with its concepts.') },
    },
    {
      method: 'get',
      path: '/api/kg/curation',
      summary: 'Curation history',
      description: 'Every local edit: who, why, on what source.',
      responses: { 200: ok('`{edits}`.') },
    },
    {
      method: 'post',
      path: '/api/kg/curation',
      summary: 'Curate',
      description:
        'Adds, overrides or retracts relations on top of the active release, naming the author, reason and source; the result is a new release.',
      body: { schema: curationBody },
      responses: { 201: ok('`{releaseId, batchId, relationIds}`.') },
    },
  ],
};
