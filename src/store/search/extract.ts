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
  const steps = firstSteps(resource);
  for (const def of searchParameterList(resource.resourceType)) {
    const paths = def.paths;
    if (paths) {
      let holds = false;
      for (let i = 0; i < paths.length && !holds; i++) {
        const path = paths[i]!;
        holds = path.length === 0 || (steps.has(path[0]!) && mayHold(resource, path));
      }
      if (!holds) continue;
    }
    let typed: TypedValue[];
    try {
      typed = def.evaluate(input);
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

function valuesOf(def: SearchParamDef, t: TypedValue): SearchValue[] {
  const param = def.code;
  const v = t.value as unknown;
  if (v === undefined || v === null) return [];
  switch (def.type) {
    case 'token':
      return tokens(param, t.type, v);
    case 'string':
      return strings(t).map((s) => ({ param, text: normalizeText(s), exact: s }));
    case 'date':
      return dates(v).map(([lo, hi]) => ({ param, lo, hi }));
    case 'reference':
      return reference(param, v);
    case 'quantity':
      return quantity(param, v);
    case 'number':
      return number(param, v);
    case 'uri':
      return typeof v === 'string' ? [{ param, code: v }] : [];
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function tokens(param: string, type: string, v: unknown): SearchValue[] {
  if (typeof v === 'boolean' || typeof v === 'number') return [{ param, code: String(v) }];
  if (typeof v === 'string') return [{ param, code: v }];
  if (typeof v !== 'object') return [];
  const o = v as Json;
  if (type === 'ContactPoint') return [{ param, system: str(o.system), code: str(o.value)?.toLowerCase() ?? null }];
  if (type === 'Identifier') {
    const base = { param, system: str(o.system), code: str(o.value) };
    const idType = (o.type as Json | undefined) ?? {};
    const rows: SearchValue[] = [{ ...base, text: str(idType.text) ? normalizeText(idType.text as string) : null }];
    // :of-type matches the identifier's type coding together with its value.
    for (const c of codings(idType)) rows.push({ ...base, qualifier: `${str(c.system) ?? ''}|${str(c.code) ?? ''}` });
    return rows;
  }
  const rows: SearchValue[] = [];
  for (const c of codings(o)) {
    const display = str(c.display);
    rows.push({ param, system: str(c.system), code: str(c.code), text: display ? normalizeText(display) : null });
  }
  const text = str(o.text);
  if (text) rows.push({ param, text: normalizeText(text) });
  return rows.filter((r) => r.system || r.code || r.text);
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
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
  return m ? { type: m[1]!, id: m[2]! } : undefined;
}

function reference(param: string, v: unknown): SearchValue[] {
  const ref = typeof v === 'string' ? v : v && typeof v === 'object' ? str((v as Json).reference) : null;
  if (!ref || ref.startsWith('#')) return [];
  const parsed = parseReference(ref);
  return [{ param, ref, ref_type: parsed?.type ?? null, ref_id: parsed?.id ?? null }];
}

function quantity(param: string, v: unknown): SearchValue[] {
  if (typeof v === 'number') return [{ param, num_lo: v, num_hi: v }];
  if (!v || typeof v !== 'object') return [];
  const o = v as Json;
  if (typeof o.value !== 'number') return [];
  return [
    {
      param,
      num_lo: o.value,
      num_hi: o.value,
      system: str(o.system),
      code: str(o.code) ?? str(o.unit),
      exact: str(o.unit),
    },
  ];
}

function number(param: string, v: unknown): SearchValue[] {
  if (typeof v === 'number') return [{ param, num_lo: v, num_hi: v }];
  if (!v || typeof v !== 'object') return [];
  const o = v as Json;
  if (typeof o.value === 'number') return [{ param, num_lo: o.value, num_hi: o.value }];
  // A Range: its low and high.
  const low = (o.low as Json | undefined)?.value;
  const high = (o.high as Json | undefined)?.value;
  if (typeof low !== 'number' && typeof high !== 'number') return [];
  return [{ param, num_lo: typeof low === 'number' ? low : null, num_hi: typeof high === 'number' ? high : null }];
}

/** `values` appended to `out` without repeats: rows are the same when their JSON is (keyOf is cheaper). */
function dedupeInto(out: SearchValue[], values: readonly SearchValue[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    const key = keyOf(v);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
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
