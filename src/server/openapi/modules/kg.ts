import { z } from 'zod';
import { CONCEPT_TYPES, RELATION_TYPES } from '../../../knowledge/index.js';
import { JsonObject } from '../components.js';
import type { ModuleDoc } from '../operation.js';

/**
 * `/api/kg` (routes/kg.ts) checks its queries by hand (`required`, `whole`, `list`) and the curation
 * body in knowledge/curation.ts: these schemas describe those checks for the document.
 */
const whole = (what: string) => z.string().regex(/^\d{1,9}$/).optional().describe(what);
const release = whole('The knowledge release (default: the active one)');
const activate = z.object({ activate: z.enum(['true', 'false']).optional().describe('true: make the imported release the active one') });

const findQuery = z.object({ q: z.string().min(1).describe('Text to look for (any language, synonyms)'), type: z.string().optional().describe(`Concept types, comma-separated: ${CONCEPT_TYPES.join(', ')}`), limit: whole('How many (default 10)'), release });
const conceptQuery = z.object({ id: z.string().min(1).describe('The concept id'), release });
const neighboursQuery = z.object({
  id: z.string().min(1).describe('The concept id'),
  type: z.string().optional().describe(`Relation types, comma-separated: ${RELATION_TYPES.join(', ')}`),
  direction: z.enum(['in', 'out', 'both']).optional().describe('Default both'),
  limit: whole('How many (default 1000)'),
  release,
});
const pathQuery = z.object({ a: z.string().min(1).describe('From: a concept id or name'), b: z.string().min(1).describe('To: a concept id or name'), maxHops: whole('Longest path (default 3)'), limit: whole('How many paths (default 5)'), release });
const diseaseQuery = z.object({ id: z.string().min(1).describe('A disease: concept id or name'), release });
const drugPairQuery = z.object({ a: z.string().min(1).describe('First drug'), b: z.string().min(1).describe('Second drug'), release });
const releaseQuery = z.object({ release });

const source = z.object({ id: z.string(), name: z.string(), document: z.string().optional(), version: z.string().optional(), url: z.string().optional(), date: z.string().optional(), licence: z.string().optional() });
const curationBody = z.object({
  author: z.string().min(1),
  reason: z.string().min(1),
  source: source.describe('The local guideline or decision that asserts the change'),
  concepts: z.array(z.object({ id: z.string(), type: z.enum(CONCEPT_TYPES as [string, ...string[]]), en: z.string().optional(), zh: z.string().optional(), synonyms: z.array(z.object({ term: z.string(), lang: z.enum(['zh', 'en']) })).optional() })).optional(),
  add: z.array(z.object({ type: z.enum(RELATION_TYPES as [string, ...string[]]), from: z.string(), to: z.string().optional(), attrs: z.record(z.string(), z.unknown()).optional() })).optional(),
  override: z.array(z.object({ relationId: z.string(), attrs: z.record(z.string(), z.unknown()).optional(), to: z.string().optional() })).optional(),
  retract: z.array(z.string()).optional().describe('Relation ids to retract'),
});

const ok = (description: string) => ({ description, schema: JsonObject });

export const kgDoc: ModuleDoc = {
  tag: 'Knowledge graph',
  description: 'The knowledge graph (the same as `medseek kg …`): releases, imports, queries and curation. Every query takes `release` (default: the active release) and answers with the release it used.',
  operations: [
    { method: 'get', path: '/api/kg/releases', summary: 'Releases', description: 'Every knowledge release and which is active.', responses: { 200: ok('`{releases}`.') } },
    { method: 'post', path: '/api/kg/releases/:id/activate', summary: 'Activate a release', description: 'Makes a release the one every query and diagnosis uses.', params: z.object({ id: z.string().regex(/^\d{1,9}$/).describe('The release id') }), responses: { 200: ok('`{active}`.') } },
    { method: 'post', path: '/api/kg/import/cds', summary: 'Import the bundled rules', description: 'Imports the CDS rules shipped with MedSeek as a new release.', query: activate, responses: { 201: ok('The import summary.') } },
    {
      method: 'post',
      path: '/api/kg/import/local',
      summary: 'Import a hospital’s knowledge',
      description: 'A hospital’s own knowledge as JSON or CSV (Content-Type text/csv), as a new release. The large public sources are imported with `medseek kg import`.',
      query: activate,
      body: { schema: JsonObject, description: 'The knowledge batch as JSON, or the same as text/csv.' },
      responses: { 201: ok('The import summary.') },
    },
    { method: 'get', path: '/api/kg/find', summary: 'Find concepts', description: 'Concepts whose names or synonyms match `q`.', query: findQuery, responses: { 200: ok('`{release, matches}`.') } },
    { method: 'get', path: '/api/kg/concept', summary: 'One concept', description: 'A concept with its names and codes.', query: conceptQuery, responses: { 200: ok('`{release, concept}`.') } },
    { method: 'get', path: '/api/kg/neighbours', summary: 'Neighbours', description: 'The relations of a concept, in, out or both.', query: neighboursQuery, responses: { 200: ok('`{release, neighbours}`.') } },
    { method: 'get', path: '/api/kg/path', summary: 'Paths between two concepts', description: 'The shortest relation paths from `a` to `b`.', query: pathQuery, responses: { 200: ok('`{release, from, to, paths}`.') } },
    { method: 'get', path: '/api/kg/disease', summary: 'Disease profile', description: 'A disease’s findings, risk factors and treatments with their weights and sources.', query: diseaseQuery, responses: { 200: ok('`{release, …profile}`.') } },
    { method: 'get', path: '/api/kg/drug-pair', summary: 'Drug pair', description: 'What the graph knows about two drugs together (interactions, shared contraindications).', query: drugPairQuery, responses: { 200: ok('`{release, …}`.') } },
    { method: 'get', path: '/api/kg/lexicon', summary: 'Lexicon', description: 'Every term the extractor recognises, with its concept.', query: releaseQuery, responses: { 200: ok('`{release, count, entries}`.') } },
    { method: 'get', path: '/api/kg/network', summary: 'Causal network', description: 'The disease–finding network the diagnosis uses.', query: releaseQuery, responses: { 200: ok('The network with its concepts.') } },
    { method: 'get', path: '/api/kg/curation', summary: 'Curation history', description: 'Every local edit: who, why, on what source.', responses: { 200: ok('`{edits}`.') } },
    { method: 'post', path: '/api/kg/curation', summary: 'Curate', description: 'Adds, overrides or retracts relations on top of the active release, naming the author, reason and source; the result is a new release.', body: { schema: curationBody }, responses: { 201: ok('`{releaseId, batchId, relationIds}`.') } },
  ],
};
