import { z } from 'zod';
import { CONCEPT_TYPES, type ConceptType, RELATION_TYPES, type RelationType } from '../../../knowledge/index.js';
import { commaList, flag, lang, nonBlank, wholeNumber } from './common.js';

/** What `/api/kg` (routes/kg.ts) validates: the same objects describe it in the OpenAPI document. */

const release = wholeNumber('The knowledge release (default: the active one)').optional();

export const activateParams = z.object({ id: wholeNumber('The release id') });
export const importQuery = z.object({ activate: flag('true: make the imported release the active one').optional() });

export const findQuery = z.object({
  q: nonBlank('Text to look for (any language, synonyms)'),
  type: commaList<ConceptType>(CONCEPT_TYPES, `Concept types, comma-separated: ${CONCEPT_TYPES.join(', ')}`).optional(),
  limit: wholeNumber('How many (default 10)').optional(),
  release,
});
export const conceptQuery = z.object({ id: nonBlank('The concept id'), release });
export const neighboursQuery = z.object({
  id: nonBlank('The concept id'),
  type: commaList<RelationType>(
    RELATION_TYPES,
    `Relation types, comma-separated: ${RELATION_TYPES.join(', ')}`,
  ).optional(),
  direction: z.enum(['in', 'out', 'both'], 'must be in, out or both').optional().describe('Default both'),
  limit: wholeNumber('How many (default 1000)').optional(),
  release,
});
export const pathQuery = z.object({
  a: nonBlank('From: a concept id or name'),
  b: nonBlank('To: a concept id or name'),
  maxHops: wholeNumber('Longest path (default 3)').optional(),
  limit: wholeNumber('How many paths (default 5)').optional(),
  release,
});
export const diseaseQuery = z.object({ id: nonBlank('A disease: concept id or name'), release });
export const drugPairQuery = z.object({ a: nonBlank('First drug'), b: nonBlank('Second drug'), release });
export const releaseQuery = z.object({ release });

const curationSource = z.object({
  id: nonBlank('An id for the source'),
  name: nonBlank('Its name'),
  document: z.string().optional(),
  version: z.string().optional(),
  url: z.string().optional(),
  date: z.string().optional(),
  licence: z.string().optional(),
});

/** A curation edit (knowledge/curation.ts's CurationEdit): who, why, on what source, and what changes. */
export const curationBody = z.object({
  author: nonBlank('Who makes the edit'),
  reason: nonBlank('Why'),
  source: curationSource.describe('The local guideline or decision that asserts the change'),
  concepts: z
    .array(
      z.object({
        id: z.string(),
        type: z.enum(CONCEPT_TYPES as [ConceptType, ...ConceptType[]]),
        en: z.string().optional(),
        zh: z.string().optional(),
        synonyms: z.array(z.object({ term: z.string(), lang })).optional(),
      }),
    )
    .optional(),
  add: z
    .array(
      z.object({
        type: z.enum(RELATION_TYPES as [RelationType, ...RelationType[]]),
        from: z.string(),
        to: z.string().optional(),
        attrs: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
  override: z
    .array(
      z.object({
        relationId: z.string(),
        attrs: z.record(z.string(), z.unknown()).optional(),
        to: z.string().optional(),
      }),
    )
    .optional(),
  retract: z.array(z.string()).optional().describe('Relation ids to retract'),
});
