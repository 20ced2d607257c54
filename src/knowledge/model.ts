import type { Authority, Bilingual, Lang } from '../core/index.js';

/**
 * The knowledge graph's vocabulary. A concept has a stable id (`icd10cn:J18.900`, `drug:warfarin`,
 * `zh:disease:肺炎`, `ddxplus:E_91`), a type, names in Chinese and English with synonyms, and codes
 * in as many systems as its source gives. A relation is typed, has attributes, and names the
 * source that asserts it.
 */
export type ConceptType =
  | 'disease'
  | 'finding'
  | 'risk-factor'
  | 'lab'
  | 'imaging'
  | 'drug'
  | 'drug-class'
  | 'gene'
  | 'phenotype'
  | 'procedure'
  | 'department'
  | 'therapy'
  | 'food'
  | 'body-site'
  | 'population'
  | 'qc-rule'
  | 'followup-rule';

/**
 * Relation types and what their attributes hold.
 * - `has-finding` disease → finding: probability / sensitivity, onset, severity
 * - `risk-factor-of` risk factor → disease: relativeRisk or probability
 * - `prior` disease (no target): probability, sex, ageMin, ageMax
 * - `indication` drug → disease; `treated-by` disease → therapy
 * - `interacts-with` drug | class → drug | class: severity, risk, mechanism, management
 * - `contraindicated-in` drug → condition or phenotype
 * - `dose-range` drug (no target): min, max, unit; `renal-adjustment` drug (no target): function, bands
 * - `pgx-recommendation` phenotype → drug: action, text, doseFactor
 * - `cross-reactive-with` drug | class → drug | class: an allergy to the first warns on the second (level, note)
 * - `pgx-rule` drug | class (no target): the PGx rule's card (title, severity, named judge, verdict texts)
 * - `reference-range`, `critical-range` lab (no target): value(s), unit, population, inclusive
 * - `department` disease → department; `complication` disease → disease
 * - `needs-test` disease → lab | imaging; `member-of` drug → drug class; `is-a` child → parent
 * - `phenotype-of` phenotype → gene; `value-of` answer → question (DDXPlus)
 * - `located-in` disease → body site; `avoid-food`, `good-food`, `recipe` disease → food
 * - `maps-to` a code of one system → the concept of another source it falls under (crosswalk)
 * - `qc-rule` a record-QC rule (no target): the whole rule as data (importers/qc.ts)
 * - `followup-rule`, `reading-rule` a follow-up / home-reading rule (no target): the whole rule as data
 *   (importers/followup.ts)
 * - `pgx-allele-definition` gene (no target): one gene's CPIC / PharmVar star-allele definitions, allele
 *   functions and phenotype table as data (importers/pgx-alleles.ts), read by the VCF caller
 * - `duplicate-therapy` drug class (no target: two members; or → class: one of each): rule, title, severity
 */
export type RelationType =
  | 'has-finding'
  | 'risk-factor-of'
  | 'prior'
  | 'indication'
  | 'treated-by'
  | 'interacts-with'
  | 'contraindicated-in'
  | 'dose-range'
  | 'renal-adjustment'
  | 'pgx-recommendation'
  | 'pgx-rule'
  | 'cross-reactive-with'
  | 'reference-range'
  | 'critical-range'
  | 'department'
  | 'complication'
  | 'needs-test'
  | 'member-of'
  | 'is-a'
  | 'phenotype-of'
  | 'value-of'
  | 'located-in'
  | 'avoid-food'
  | 'good-food'
  | 'recipe'
  | 'maps-to'
  | 'qc-rule'
  | 'followup-rule'
  | 'reading-rule'
  | 'pgx-allele-definition'
  | 'duplicate-therapy';

export const RELATION_TYPES: readonly RelationType[] = [
  'has-finding',
  'risk-factor-of',
  'prior',
  'indication',
  'treated-by',
  'interacts-with',
  'contraindicated-in',
  'dose-range',
  'renal-adjustment',
  'pgx-recommendation',
  'pgx-rule',
  'cross-reactive-with',
  'reference-range',
  'critical-range',
  'department',
  'complication',
  'needs-test',
  'member-of',
  'is-a',
  'phenotype-of',
  'value-of',
  'located-in',
  'avoid-food',
  'good-food',
  'recipe',
  'maps-to',
  'qc-rule',
  'followup-rule',
  'reading-rule',
  'pgx-allele-definition',
  'duplicate-therapy',
];

export const CONCEPT_TYPES: readonly ConceptType[] = [
  'disease',
  'finding',
  'risk-factor',
  'lab',
  'imaging',
  'drug',
  'drug-class',
  'gene',
  'phenotype',
  'procedure',
  'department',
  'therapy',
  'food',
  'body-site',
  'population',
  'qc-rule',
  'followup-rule',
];

/** Where a name came from: the preferred name, a synonym or alias, or a question (DDXPlus; not for the lexicon). */
export type TermKind = 'name' | 'synonym' | 'question';

export interface KgTerm {
  readonly term: string;
  readonly lang: Lang | 'fr';
  readonly kind: TermKind;
}

export interface KgCode {
  readonly system: string;
  readonly code: string;
}

/** A source entry: core's Authority plus a stable id and whether it may ship in a default release. */
export interface KgSource extends Authority {
  readonly id: string;
  readonly note?: string;
  /** false: a crawl with no licence; research and benchmarks only, never a default release. */
  readonly shippable: boolean;
}

export interface KgConcept {
  readonly id: string;
  readonly type: ConceptType;
  readonly name: { readonly en?: string; readonly zh?: string };
  readonly terms: readonly KgTerm[];
  readonly codes: readonly KgCode[];
  readonly attrs: Readonly<Record<string, unknown>>;
}

export interface KgRelation {
  /** Stable: the same assertion from the same source has the same id in every release. */
  readonly id: string;
  readonly type: RelationType;
  readonly from: string;
  readonly to?: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly source: KgSource;
  /** A curator's relation: the id it replaces (or withdraws, when `retracted`). */
  readonly overrides?: string;
  readonly retracted?: boolean;
  /** The release it was read from. */
  readonly releaseId?: number;
}

export type ImportKind =
  | 'ddxplus'
  | 'icd10cn'
  | 'icd9cm3'
  | 'cds'
  | 'xywy'
  | '39health'
  | 'local'
  | 'curation'
  | 'crosswalk'
  | 'results-evidence'
  | 'qc'
  | 'hpo'
  | 'doid'
  | 'disease-priors'
  | 'followup'
  | 'pgx-alleles';

export const IMPORT_KINDS: readonly ImportKind[] = [
  'ddxplus',
  'icd10cn',
  'icd9cm3',
  'cds',
  'qc',
  'hpo',
  'doid',
  'xywy',
  '39health',
  'local',
];

export interface ReleaseInfo {
  readonly id: number;
  readonly label: string;
  readonly batches: readonly {
    readonly id: number;
    readonly kind: string;
    readonly key: string;
    readonly path?: string;
    readonly counts: Record<string, number>;
    readonly createdAt: string;
    readonly author?: string;
    readonly reason?: string;
  }[];
  readonly baseRelease?: number;
  /** false when any batch comes from a source with no licence. */
  readonly shippable: boolean;
  readonly active: boolean;
  readonly createdAt: string;
}

/** A concept's names in both languages (English falls back to Chinese, then the id). */
export function conceptName(c: Pick<KgConcept, 'id' | 'name'>): Bilingual {
  const en = c.name.en ?? c.name.zh ?? c.id;
  return c.name.zh ? { en, zh: c.name.zh } : { en };
}
