import type { Concept, Lang } from './concept.js';
import type { FactCategory } from './fact.js';

/**
 * One name of a concept, as the NLP stage matches it. The knowledge graph exports these;
 * the NLP stage also ships a small built-in set so it works without a knowledge release.
 */
export interface LexiconEntry {
  readonly term: string;
  readonly lang: Lang;
  readonly concept: Concept;
  readonly category: FactCategory;
}
