import type { SearchParamType } from './registry.js';

/**
 * A FHIR search as the store runs it (https://hl7.org/fhir/R4/search.html), already parsed and
 * checked by the FHIR API: criteria are ANDed, the values of one criterion ORed.
 */
export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** A date value at its precision: [lo, hi). */
export interface DateValue {
  readonly prefix: Prefix;
  readonly lo: string;
  readonly hi: string;
}

/** A number or quantity: the value, its implicit range [lo, hi) by significant figures, an optional unit. */
export interface NumberValue {
  readonly prefix: Prefix;
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
  /** Quantity units: `system|code`, `|code` (system null) or `code` (system undefined: any). */
  readonly system?: string | null;
  readonly code?: string;
}

/** `system|code` (system null: `|code`, no system), `code` (any system), `system|` (any code). */
export type TokenValue =
  | { readonly system?: string | null; readonly code?: string }
  | { readonly text: string }
  | { readonly ofType: { readonly system: string; readonly code: string }; readonly value: string };

/** `Type/id`, a bare `id` (any type), or an absolute/canonical URL kept as written. */
export interface ReferenceValue {
  readonly type?: string;
  readonly id?: string;
  readonly url?: string;
}

export type Criterion =
  | { readonly kind: 'missing'; readonly param: string; readonly missing: boolean }
  | { readonly kind: 'token'; readonly param: string; readonly not?: boolean; readonly values: readonly TokenValue[] }
  | {
      readonly kind: 'string';
      readonly param: string;
      readonly match: 'start' | 'exact' | 'contains';
      readonly values: readonly string[];
    }
  | { readonly kind: 'date'; readonly param: string; readonly values: readonly DateValue[] }
  | { readonly kind: 'number'; readonly param: string; readonly values: readonly NumberValue[] }
  | { readonly kind: 'reference'; readonly param: string; readonly values: readonly ReferenceValue[] }
  | { readonly kind: 'uri'; readonly param: string; readonly below?: boolean; readonly values: readonly string[] }
  /** `subject:Patient.name=x`: the resource's `param` points at a `targets` resource matching `inner`. */
  | {
      readonly kind: 'chain';
      readonly param: string;
      readonly targets: readonly string[];
      readonly inner: Criterion;
    }
  /** `_has:Observation:patient:code=x`: a `source` resource whose `param` points here matches `inner`. */
  | { readonly kind: 'has'; readonly source: string; readonly param: string; readonly inner: Criterion }
  | { readonly kind: 'id'; readonly not?: boolean; readonly ids: readonly string[] }
  | { readonly kind: 'lastUpdated'; readonly values: readonly DateValue[] };

export interface SortKey {
  /** `_id`, `_lastUpdated` or a parameter of the type. */
  readonly param: string;
  readonly descending: boolean;
  /** The parameter's type (which column orders it); absent for `_id` and `_lastUpdated`. */
  readonly type?: SearchParamType;
}

/**
 * `_include=Encounter:subject[:Patient]` (source Encounter) and `_revinclude=Observation:patient`
 * (source Observation).
 */
export interface IncludeSpec {
  readonly source: string;
  readonly param: string;
  readonly target?: string;
  readonly iterate: boolean;
}

export interface FhirSearch {
  readonly criteria: readonly Criterion[];
  /** The patient compartment the search is held to (roles and patient scopes). */
  readonly patient?: string;
  /** Only these ids (a caller who sees some patients searching Patient). */
  readonly onlyIds?: readonly string[];
  readonly sort: readonly SortKey[];
  readonly count: number;
  readonly offset: number;
  /** `none`: no count query. */
  readonly total: 'none' | 'estimate' | 'accurate';
  readonly include: readonly IncludeSpec[];
  readonly revinclude: readonly IncludeSpec[];
}
