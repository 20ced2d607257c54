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

/**
 * The names a knowledge release gives the NLP stage, read once per release (releases never
 * change): its concepts' names and synonyms in Chinese and English, each with the concept (primary
 * coding, the MedSeek concept id among its codings) and its Fact category.
 */
export interface LexiconSnapshot {
  /** The knowledge release the entries come from (`kg_release.id`). */
  readonly releaseId: number;
  /**
   * A digest of the entries (terms, languages, categories, concepts): the NLP stage keys its built
   * automaton by it, and fusion names its note extractor after it (notes are read again only when
   * the names change, not for every release).
   */
  readonly digest: string;
  readonly entries: readonly LexiconEntry[];
}
