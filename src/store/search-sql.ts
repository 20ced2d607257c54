import { invalid } from '../core/index.js';
import { fhirDateRange } from './resource-index.js';
import type { SearchQuery } from './resource-store.js';

/**
 * Turns a SearchQuery into a parameterised WHERE clause over `fhir_resources`. Date comparisons
 * follow the R4 prefixes on ranges (https://hl7.org/fhir/R4/search.html#prefix): the resource's
 * [date_start, date_end) against the parameter's implicit range [lo, hi).
 */
export interface WhereClause {
  readonly text: string;
  readonly params: unknown[];
}

const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
type Prefix = (typeof PREFIXES)[number];

export function parseDateParam(value: string, field: string): { prefix: Prefix; lo: string; hi: string } {
  const p = value.slice(0, 2) as Prefix;
  const prefix: Prefix = PREFIXES.includes(p) && /^[a-z]{2}\d/.test(value) ? p : 'eq';
  const rest = prefix === p && /^[a-z]{2}\d/.test(value) ? value.slice(2) : value;
  const range = fhirDateRange(rest);
  if (!range) throw invalid(`'${value}' is not a FHIR date (e.g. ge2020-01-01)`, { field });
  return { prefix, lo: range[0], hi: range[1] };
}

export function buildWhere(resourceType: string, q: SearchQuery): WhereClause {
  const params: unknown[] = [resourceType];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const parts = ['resource_type = $1', 'not deleted'];
  if (q.patient !== undefined) parts.push(`patient_id = ${p(q.patient.replace(/^Patient\//, ''))}`);
  if (q.ids && q.ids.length > 0) parts.push(`id = any(${p([...q.ids])}::text[])`);
  if (q.codes && q.codes.length > 0) parts.push(`cardinality(codes) > 0 and codes && ${p([...q.codes])}::text[]`);
  if (q.identifiers && q.identifiers.length > 0)
    parts.push(`cardinality(identifiers) > 0 and identifiers && ${p([...q.identifiers])}::text[]`);
  for (const d of q.date ?? []) {
    const { prefix, lo, hi } = parseDateParam(d, 'date');
    parts.push(
      rangeCondition(
        prefix,
        () => p(lo),
        () => p(hi),
      ),
    );
  }
  for (const d of q.lastUpdated ?? []) {
    const { prefix, lo, hi } = parseDateParam(d, '_lastUpdated');
    parts.push(
      pointCondition(
        prefix,
        () => p(lo),
        () => p(hi),
      ),
    );
  }
  return { text: parts.join(' and '), params };
}

// Parameters are bound only when used: PostgreSQL refuses a parameter the text does not mention.
function rangeCondition(prefix: Prefix, lo: () => string, hi: () => string): string {
  const s = 'date_start';
  const e = 'date_end';
  const has = `${s} is not null`;
  switch (prefix) {
    case 'eq':
      return `(${has} and ${s} >= ${lo()}::timestamptz and ${e} <= ${hi()}::timestamptz)`;
    case 'ne':
      return `(${has} and not (${s} >= ${lo()}::timestamptz and ${e} <= ${hi()}::timestamptz))`;
    case 'gt':
      return `(${has} and ${e} > ${hi()}::timestamptz)`;
    case 'ge':
      return `(${has} and ${e} > ${lo()}::timestamptz)`;
    case 'lt':
      return `(${has} and ${s} < ${lo()}::timestamptz)`;
    case 'le':
      return `(${has} and ${s} < ${hi()}::timestamptz)`;
    case 'sa':
      return `(${has} and ${s} >= ${hi()}::timestamptz)`;
    case 'eb':
      return `(${has} and ${e} <= ${lo()}::timestamptz)`;
    case 'ap':
      return `(${has} and ${s} < ${hi()}::timestamptz and ${e} > ${lo()}::timestamptz)`;
  }
}

function pointCondition(prefix: Prefix, lo: () => string, hi: () => string): string {
  const t = 'last_updated';
  switch (prefix) {
    case 'eq':
    case 'ap':
      return `(${t} >= ${lo()}::timestamptz and ${t} < ${hi()}::timestamptz)`;
    case 'ne':
      return `not (${t} >= ${lo()}::timestamptz and ${t} < ${hi()}::timestamptz)`;
    case 'gt':
    case 'sa':
      return `${t} >= ${hi()}::timestamptz`;
    case 'ge':
      return `${t} >= ${lo()}::timestamptz`;
    case 'lt':
    case 'eb':
      return `${t} < ${lo()}::timestamptz`;
    case 'le':
      return `${t} < ${hi()}::timestamptz`;
  }
}

export function orderBy(sort: SearchQuery['sort']): string {
  switch (sort) {
    case '_lastUpdated':
      return 'last_updated asc, id asc';
    case '-_lastUpdated':
      return 'last_updated desc, id asc';
    case 'date':
      return 'date_start asc nulls last, id asc';
    case '-date':
      return 'date_start desc nulls last, id asc';
    default:
      return 'id asc';
  }
}
