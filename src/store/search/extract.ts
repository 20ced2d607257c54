import { type TypedValue, toTypedValue, typedValueToString } from '@medplum/core';
import { dateRangeOf, fhirDateRange } from '../resource-index.js';
import type { FhirResource } from '../resource-store.js';
import { type SearchParamDef, searchParameterList } from './registry.js';
import { firstSteps, mayHold } from './roots.js';

/**
 * One value of one search parameter of one resource: a row of `fhir_search_values` (see its
 * migration for the columns). Only the columns of the parameter's type are set.
 */
export interface SearchValue {
  readonly param: string;
  readonly system?: string | null;
  readonly code?: string | null;
  readonly text?: string | null;
  readonly exact?: string | null;
  readonly qualifier?: string | null;
  readonly lo?: string | null;
  readonly hi?: string | null;
  readonly num_lo?: number | null;
  readonly num_hi?: number | null;
  readonly ref?: string | null;
  readonly ref_type?: string | null;
  readonly ref_id?: string | null;
}

type Json = Record<string, unknown>;

/** Lower case without accents: `José` and `jose` match (https://hl7.org/fhir/R4/search.html#string). */
export function normalizeText(s: string): string {
  let n = normalized.get(s);
  if (n === undefined) {
    n = s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
    // Resources written together share their displays (an encounter's observations): a small memo of short ones.
    if (s.length <= 256) {
      if (normalized.size >= 4096) normalized.clear();
      normalized.set(s, n);
    }
  }
  return n;
}

const normalized = new Map<string, string>();

/** Every search value of a resource, for every parameter its type has (values a parameter cannot read are skipped). */
export function searchValuesOf(resource: FhirResource): SearchValue[] {
  const out: SearchValue[] = [];
  const input = [toTypedValue(resource)];
  const plan = planOf(resource.resourceType);
  const { defs, marks } = plan;
  if (plan.generation === 0xffffffff) {
    plan.marks.fill(0);
    plan.generation = 0;
  }
  const mark = ++plan.generation;
  for (const key in resource) {
    const { shallow, deep } = paramsOfKey(plan, key);
    // mayHold of a one-step path: the key holds something other than an empty array.
    const value = (resource as Record<string, unknown>)[key];
    if (!Array.isArray(value) || value.length > 0) for (const i of shallow) marks[i] = mark;
    for (const i of deep) marks[i] = mark;
  }
  for (let d = 0; d < defs.length; d++) {
    const def = defs[d]!;
    const paths = def.paths;
    if (paths) {
      // No path can hold anything: none starts at a key of the resource (or, one step long, at a filled one).
      if (marks[d] !== mark) continue;
      if (plan.deep[d]) {
        let holds = false;
        for (let i = 0; i < paths.length && !holds; i++) holds = mayHold(resource, paths[i]!);
        if (!holds) continue;
      }
    }
    let typed: TypedValue[];
    try {
      typed = def.read(input);
    } catch {
      // An expression this engine cannot evaluate on this content indexes nothing rather than failing the write.
      continue;
    }
    // Rows of two parameters differ in `param`: repeats are looked for within one parameter's rows only.
    if (typed.length === 1) {
      const rows = valuesOf(def, typed[0]!);
      if (rows.length === 1) out.push(rows[0]!);
      else if (rows.length > 1) dedupeInto(out, rows);
    } else if (typed.length > 1) {
      const rows: SearchValue[] = [];
      for (const t of typed) for (const r of valuesOf(def, t)) rows.push(r);
      dedupeInto(out, rows);
    }
  }
  return out;
}

/**
 * A type's parameters as extraction walks them. Most parameters of a type read elements a given
 * resource does not have (Observation.focus, meta.security…): a parameter is looked at only when a
 * key of the resource is the first step of one of its paths, found from the key itself, and when
 * `mayHold` (roots.ts) finds its path's steps in the resource. Where every path of a parameter is one
 * step long, that is the key alone, and its value (see searchValuesOf).
 */
interface Plan {
  readonly defs: readonly SearchParamDef[];
  /** Per parameter: whether one of its paths has more than one step. */
  readonly deep: readonly boolean[];
  /** The parameters whose paths start with each first step. */
  readonly byStep: ReadonlyMap<string, readonly number[]>;
  /** The parameters a key may lead to (its steps as `firstSteps` gives them), made as keys are met. */
  readonly byKey: Map<string, KeyParams>;
  /** `marks[i] === generation`: parameter i may hold values in the resource at hand. */
  readonly marks: Uint32Array;
  generation: number;
}

interface KeyParams {
  readonly shallow: readonly number[];
  readonly deep: readonly number[];
}

const plans = new Map<string, Plan>();

function planOf(resourceType: string): Plan {
  let plan = plans.get(resourceType);
  if (!plan) {
    const defs = searchParameterList(resourceType);
    const byStep = new Map<string, number[]>();
    defs.forEach((def, i) => {
      for (const path of def.paths ?? []) {
        const list = byStep.get(path[0]!) ?? [];
        if (!list.includes(i)) list.push(i);
        byStep.set(path[0]!, list);
      }
    });
    const deep = defs.map((def) => (def.paths ?? []).some((path) => path.length > 1));
    plan = { defs, deep, byStep, byKey: new Map(), marks: new Uint32Array(defs.length), generation: 0 };
    plans.set(resourceType, plan);
  }
  return plan;
}

const NONE: KeyParams = { shallow: [], deep: [] };

function paramsOfKey(plan: Plan, key: string): KeyParams {
  let params = plan.byKey.get(key);
  if (params === undefined) {
    const found = new Set<number>();
    for (const step of firstSteps({ [key]: true })) for (const i of plan.byStep.get(step) ?? []) found.add(i);
    const all = [...found];
    params = found.size ? { shallow: all.filter((i) => !plan.deep[i]), deep: all.filter((i) => plan.deep[i]) } : NONE;
    // Keys come from the resource definitions; a flood of made-up ones starts the memo over.
    if (plan.byKey.size >= 4096) plan.byKey.clear();
    plan.byKey.set(key, params);
  }
  return params;
}

function valuesOf(def: SearchParamDef, t: TypedValue): SearchValue[] {
  const param = def.code;
  const v = t.value as unknown;
  if (v === undefined || v === null) return [];
  switch (def.type) {
    case 'token':
      return tokens(param, t.type, v);
    case 'string':
      return strings(t).map((s) => row(param, undefined, undefined, normalizeText(s), s));
    case 'date':
      return dates(v).map(([lo, hi]) => dateRow(param, lo, hi));
    case 'reference':
      return reference(param, v);
    case 'quantity':
      return quantity(param, v);
    case 'number':
      return number(param, v);
    case 'uri':
      return typeof v === 'string' ? [row(param, undefined, v)] : [];
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function tokens(param: string, type: string, v: unknown): SearchValue[] {
  if (typeof v === 'boolean' || typeof v === 'number') return [row(param, undefined, String(v))];
  if (typeof v === 'string') return [row(param, undefined, v)];
  if (typeof v !== 'object') return [];
  const o = v as Json;
  if (type === 'ContactPoint') return [row(param, str(o.system), str(o.value)?.toLowerCase() ?? null)];
  if (type === 'Identifier') {
    const system = str(o.system);
    const code = str(o.value);
    const idType = (o.type as Json | undefined) ?? {};
    const rows = [row(param, system, code, str(idType.text) ? normalizeText(idType.text as string) : null)];
    // :of-type matches the identifier's type coding together with its value.
    for (const c of codings(idType))
      rows.push(row(param, system, code, undefined, undefined, `${str(c.system) ?? ''}|${str(c.code) ?? ''}`));
    return rows;
  }
  // The codings (or the Coding itself) and the text; a row with none of system, code and text is left out.
  const rows: SearchValue[] = [];
  if (Array.isArray(o.coding)) {
    for (const c of o.coding) if (c && typeof c === 'object') codingRow(rows, param, c as Json);
  } else if ('code' in o || 'system' in o) codingRow(rows, param, o);
  const text = str(o.text);
  if (text) {
    const normal = normalizeText(text);
    if (normal) rows.push(row(param, undefined, undefined, normal));
  }
  return rows;
}

function codingRow(rows: SearchValue[], param: string, c: Json): void {
  const display = str(c.display);
  const system = str(c.system);
  const code = str(c.code);
  const text = display ? normalizeText(display) : null;
  if (system || code || text) rows.push(row(param, system, code, text));
}

/** The codings of a CodeableConcept, or the Coding itself. */
function codings(o: Json): Json[] {
  if (Array.isArray(o.coding)) return o.coding.filter((c): c is Json => !!c && typeof c === 'object');
  if ('code' in o || 'system' in o) return [o];
  return [];
}

/** A name or address matches on any of its parts as well as on its whole text. */
function strings(t: TypedValue): string[] {
  const v = t.value as unknown;
  if (typeof v === 'string') return [v];
  if (!v || typeof v !== 'object') return [];
  const o = v as Json;
  const parts: string[] = [];
  const add = (x: unknown) => {
    if (typeof x === 'string' && x) parts.push(x);
    else if (Array.isArray(x)) for (const y of x) add(y);
  };
  if (t.type === 'HumanName' || 'family' in o || 'given' in o) {
    for (const k of ['family', 'given', 'prefix', 'suffix', 'text']) add(o[k]);
  } else if (t.type === 'Address' || 'line' in o || 'city' in o || 'postalCode' in o) {
    for (const k of ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text']) add(o[k]);
  }
  const whole = typedValueToString(t);
  if (whole) parts.push(whole);
  return [...new Set(parts)];
}

function dates(v: unknown): [string, string][] {
  if (typeof v === 'string') {
    const r = fhirDateRange(v);
    return r ? [r] : [];
  }
  if (!v || typeof v !== 'object') return [];
  const o = v as Json;
  // A Timing: each event, and the bounds of its repeat.
  if ('event' in o || 'repeat' in o) {
    const out: [string, string][] = [];
    for (const e of Array.isArray(o.event) ? o.event : []) {
      const r = typeof e === 'string' ? fhirDateRange(e) : null;
      if (r) out.push(r);
    }
    const bounds = dateRangeOf((o.repeat as Json | undefined)?.boundsPeriod);
    if (bounds) out.push(bounds);
    return out;
  }
  const r = dateRangeOf(o);
  return r ? [r] : [];
}

/** `Patient/1`, `http://h/fhir/Patient/1/_history/2` → Patient, 1; a canonical or URN keeps only `ref`. */
export function parseReference(ref: string): { type: string; id: string } | undefined {
  // `Type/id`, most references of an import: matched once from the start instead of tried at every slash.
  const m = RELATIVE.exec(ref) ?? REFERENCE.exec(ref);
  return m ? { type: m[1]!, id: m[2]! } : undefined;
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;
const REFERENCE = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

function reference(param: string, v: unknown): SearchValue[] {
  const ref = typeof v === 'string' ? v : v && typeof v === 'object' ? str((v as Json).reference) : null;
  if (!ref || ref.startsWith('#')) return [];
  const parsed = parseReference(ref);
  return [referenceRow(param, ref, parsed?.type ?? null, parsed?.id ?? null)];
}

function quantity(param: string, v: unknown): SearchValue[] {
  if (typeof v === 'number') return [numberRow(param, v, v)];
  if (!v || typeof v !== 'object') return [];
  const o = v as Json;
  if (typeof o.value !== 'number') return [];
  const unit = str(o.unit);
  return [row(param, str(o.system), str(o.code) ?? unit, _, unit, _, _, _, o.value, o.value)];
}

function number(param: string, v: unknown): SearchValue[] {
  if (typeof v === 'number') return [numberRow(param, v, v)];
  if (!v || typeof v !== 'object') return [];
  const o = v as Json;
  if (typeof o.value === 'number') return [numberRow(param, o.value, o.value)];
  // A Range: its low and high.
  const low = (o.low as Json | undefined)?.value;
  const high = (o.high as Json | undefined)?.value;
  if (typeof low !== 'number' && typeof high !== 'number') return [];
  return [numberRow(param, typeof low === 'number' ? low : null, typeof high === 'number' ? high : null)];
}

/**
 * A row with every column as a property (undefined where the parameter's type sets none), in one order:
 * rows of one shape keep the loops that write them (copy.ts) and compare them (dedupeInto) monomorphic.
 * Undefined drops out of the JSON as a missing key does, so which rows are the same is unchanged.
 */
function row(
  param: string,
  system?: string | null,
  code?: string | null,
  text?: string | null,
  exact?: string | null,
  qualifier?: string | null,
  lo?: string | null,
  hi?: string | null,
  num_lo?: number | null,
  num_hi?: number | null,
  ref?: string | null,
  ref_type?: string | null,
  ref_id?: string | null,
): SearchValue {
  return { param, system, code, text, exact, qualifier, lo, hi, num_lo, num_hi, ref, ref_type, ref_id };
}

/** A column a row of its type does not set (no key in its JSON). */
const _ = undefined;

function numberRow(param: string, lo: number | null, hi: number | null): SearchValue {
  return row(param, _, _, _, _, _, _, _, lo, hi);
}

function dateRow(param: string, lo: string, hi: string): SearchValue {
  return row(param, _, _, _, _, _, lo, hi);
}

function referenceRow(param: string, ref: string, type: string | null, id: string | null): SearchValue {
  return row(param, _, _, _, _, _, _, _, _, _, ref, type, id);
}

/** `values` appended to `out` without repeats: rows are the same when their JSON is. */
function dedupeInto(out: SearchValue[], values: readonly SearchValue[]): void {
  // A few rows (a CodeableConcept's codings and text): compared pairwise, no key made.
  if (values.length <= 8) {
    const start = out.length;
    for (const v of values) {
      let seen = false;
      for (let i = start; i < out.length && !seen; i++) seen = sameJson(out[i]!, v);
      if (!seen) out.push(v);
    }
    return;
  }
  const seen = new Set<string>();
  for (const v of values) {
    const key = keyOf(v);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
}

/**
 * Whether two rows have the same JSON.stringify. Every row has every column in one order (see `row`),
 * undefined where its JSON has no key: the same JSON is the same columns defined, with equal values.
 */
function sameJson(a: SearchValue, b: SearchValue): boolean {
  return (
    sameColumn(a.param, b.param) &&
    sameColumn(a.system, b.system) &&
    sameColumn(a.code, b.code) &&
    sameColumn(a.text, b.text) &&
    sameColumn(a.exact, b.exact) &&
    sameColumn(a.qualifier, b.qualifier) &&
    sameColumn(a.lo, b.lo) &&
    sameColumn(a.hi, b.hi) &&
    sameColumn(a.num_lo, b.num_lo) &&
    sameColumn(a.num_hi, b.num_hi) &&
    sameColumn(a.ref, b.ref) &&
    sameColumn(a.ref_type, b.ref_type) &&
    sameColumn(a.ref_id, b.ref_id)
  );
}

function sameColumn(u: unknown, v: unknown): boolean {
  return u === v || (u !== undefined && v !== undefined && sameJsonValue(u, v));
}

/** Whether two values give the same JSON text (a number that is not finite reads as null). */
function sameJsonValue(u: unknown, v: unknown): boolean {
  if (u === v) return true;
  const nullU = u === null || (typeof u === 'number' && !Number.isFinite(u));
  const nullV = v === null || (typeof v === 'number' && !Number.isFinite(v));
  if (nullU || nullV) return nullU && nullV;
  if (typeof u === 'object' && typeof v === 'object') return JSON.stringify(u) === JSON.stringify(v);
  return false;
}

/**
 * A key equal for two rows exactly when their JSON.stringify is: the keys in order with their values,
 * strings length-prefixed so no two rows share a key; as in JSON, an undefined value drops its key
 * and a number that is not finite reads as null.
 */
function keyOf(v: SearchValue): string {
  let key = '';
  for (const k in v) {
    const x = (v as unknown as Record<string, unknown>)[k];
    if (x === undefined) continue;
    if (typeof x === 'string') key += `${k}:s${x.length}:${x}`;
    else if (typeof x === 'number' && Number.isFinite(x)) key += `${k}:d${x};`;
    else if (typeof x === 'boolean') key += `${k}:b${x};`;
    else if (x === null || typeof x === 'number') key += `${k}:n;`;
    else key += `${k}:j${JSON.stringify(x)};`;
  }
  return key;
}
