import { invalid } from '../core/index.js';
import { fhirDateRange } from './resource-index.js';
import type { SearchQuery } from './resource-store.js';
import type { SearchParamType } from './search/registry.js';
import type { Criterion, FhirSearch, NumberValue, SortKey, TokenValue } from './search/query.js';

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
function rangeCondition(prefix: Prefix, lo: () => string, hi: () => string, s = 'date_start', e = 'date_end'): string {
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

function pointCondition(prefix: Prefix, lo: () => string, hi: () => string, t = 'last_updated'): string {
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

/**
 * The WHERE clause and ORDER BY of a FHIR search (search/query.ts) over `fhir_resources r`, each
 * criterion an `exists` over the resource's rows in `fhir_search_values`. Values are bound
 * parameters; parameter names come from the registry, never from the caller.
 */
export function buildSearchWhere(resourceType: string, search: FhirSearch): WhereClause & { orderBy: string } {
  const params: unknown[] = [resourceType];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const parts = ['r.resource_type = $1', 'not r.deleted'];
  if (search.patient !== undefined) parts.push(`r.patient_id = ${p(search.patient)}`);
  if (search.onlyIds) parts.push(`r.id = any(${p([...search.onlyIds])}::text[])`);
  let depth = 0;
  const alias = () => `v${depth++}`;
  for (const c of search.criteria) {
    // `patient=X` when the search is already held to X's compartment: the compartment column says the same.
    if (search.patient !== undefined && namesOnly(c, search.patient)) continue;
    parts.push(criterionSql(c, 'r', p, alias));
  }
  const order = search.sort.map(sortSql);
  return { text: parts.join(' and '), params, orderBy: [...order, 'r.id asc'].join(', ') };
}

type Bind = (v: unknown) => string;

/** A `patient`/`subject` criterion naming only Patient `id` (the compartment column already holds it). */
function namesOnly(c: Criterion, id: string): boolean {
  if (c.kind !== 'reference' || (c.param !== 'patient' && c.param !== 'subject')) return false;
  return c.values.every(
    (v) => v.id === id && (v.type === 'Patient' || (v.type === undefined && c.param === 'patient')),
  );
}

/** A LIKE pattern matching `s` literally (PostgreSQL's default escape is the backslash). */
function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

function criterionSql(c: Criterion, r: string, p: Bind, alias: () => string): string {
  const v = alias();
  const on = (param: string) =>
    `from fhir_search_values ${v} where ${v}.resource_type = ${r}.resource_type and ${v}.id = ${r}.id ` +
    `and ${v}.param = ${p(param)}`;
  const any = (conds: readonly string[]) => `(${conds.join(' or ')})`;
  switch (c.kind) {
    case 'id': {
      const cond = `${r}.id = any(${p([...c.ids])}::text[])`;
      return c.not ? `not (${cond})` : cond;
    }
    case 'lastUpdated':
      return c.values
        .map((d) =>
          pointCondition(
            d.prefix,
            () => p(d.lo),
            () => p(d.hi),
            `${r}.last_updated`,
          ),
        )
        .join(' and ');
    case 'missing':
      return `${c.missing ? 'not ' : ''}exists (select 1 ${on(c.param)})`;
    case 'token': {
      const conds = c.values.map((t) => tokenSql(t, v, p));
      return `${c.not ? 'not ' : ''}exists (select 1 ${on(c.param)} and ${any(conds)})`;
    }
    case 'string': {
      const conds = c.values.map((s) =>
        c.match === 'exact'
          ? `${v}.exact = ${p(s)}`
          : c.match === 'contains'
            ? `${v}.text like ${p(`%${likeLiteral(s)}%`)}`
            : `${v}.text like ${p(`${likeLiteral(s)}%`)}`,
      );
      return `exists (select 1 ${on(c.param)} and ${any(conds)})`;
    }
    case 'date': {
      const conds = c.values.map((d) =>
        rangeCondition(
          d.prefix,
          () => p(d.lo),
          () => p(d.hi),
          `${v}.lo`,
          `${v}.hi`,
        ),
      );
      return `exists (select 1 ${on(c.param)} and ${any(conds)})`;
    }
    case 'number':
      return `exists (select 1 ${on(c.param)} and ${any(c.values.map((n) => numberSql(n, v, p)))})`;
    case 'reference': {
      const conds = c.values.map((ref) => {
        if (ref.url !== undefined) return `${v}.ref = ${p(ref.url)}`;
        const id = `${v}.ref_id = ${p(ref.id)}`;
        return ref.type ? `(${v}.ref_type = ${p(ref.type)} and ${id})` : id;
      });
      return `exists (select 1 ${on(c.param)} and ${any(conds)})`;
    }
    case 'uri': {
      const conds = c.values.map((u) =>
        c.below ? `${v}.code like ${p(`${likeLiteral(u)}%`)}` : `${v}.code = ${p(u)}`,
      );
      return `exists (select 1 ${on(c.param)} and ${any(conds)})`;
    }
    case 'chain': {
      const t = `${v}t`;
      return `exists (select 1 ${on(c.param)} and ${v}.ref_type = any(${p([...c.targets])}::text[])
        and exists (select 1 from fhir_resources ${t} where ${t}.resource_type = ${v}.ref_type
          and ${t}.id = ${v}.ref_id and not ${t}.deleted and ${criterionSql(c.inner, t, p, alias)}))`;
    }
    case 'has': {
      const s = `${v}s`;
      return `exists (select 1 from fhir_search_values ${v} join fhir_resources ${s}
          on ${s}.resource_type = ${v}.resource_type and ${s}.id = ${v}.id and not ${s}.deleted
        where ${v}.resource_type = ${p(c.source)} and ${v}.param = ${p(c.param)}
          and ${v}.ref_type = ${r}.resource_type and ${v}.ref_id = ${r}.id
          and ${criterionSql(c.inner, s, p, alias)})`;
    }
  }
}

function tokenSql(t: TokenValue, v: string, p: Bind): string {
  if ('text' in t) return `${v}.text like ${p(`%${likeLiteral(t.text)}%`)}`;
  if ('ofType' in t)
    return `(${v}.qualifier = ${p(`${t.ofType.system}|${t.ofType.code}`)} and ${v}.code = ${p(t.value)})`;
  const conds: string[] = [];
  if (t.system === null) conds.push(`${v}.system is null`);
  else if (t.system !== undefined) conds.push(`${v}.system = ${p(t.system)}`);
  if (t.code !== undefined) conds.push(`${v}.code = ${p(t.code)}`);
  return `(${conds.join(' and ')})`;
}

/** A stored number or range [num_lo, num_hi] against a searched value with its implicit range. */
function numberSql(n: NumberValue, v: string, p: Bind): string {
  const lo = `coalesce(${v}.num_lo, ${v}.num_hi)`;
  const hi = `coalesce(${v}.num_hi, ${v}.num_lo)`;
  const unit: string[] = [];
  if (n.system === null) unit.push(`${v}.system is null`);
  else if (n.system !== undefined) unit.push(`${v}.system = ${p(n.system)}`);
  if (n.code !== undefined) unit.push(`${v}.code = ${p(n.code)}`);
  const num = (x: number) => `${p(String(x))}::numeric`;
  const within = (a: number, b: number) => `(${lo} >= ${num(a)} and ${hi} < ${num(b)})`;
  let cond: string;
  switch (n.prefix) {
    case 'eq':
      cond = within(n.lo, n.hi);
      break;
    case 'ne':
      cond = `not ${within(n.lo, n.hi)}`;
      break;
    case 'gt':
    case 'sa':
      cond = `${hi} > ${num(n.value)}`;
      break;
    case 'lt':
    case 'eb':
      cond = `${lo} < ${num(n.value)}`;
      break;
    case 'ge':
      cond = `${hi} >= ${num(n.value)}`;
      break;
    case 'le':
      cond = `${lo} <= ${num(n.value)}`;
      break;
    case 'ap': {
      // "Approximately": within 10% of the value (https://hl7.org/fhir/R4/search.html#prefix).
      const d = Math.abs(n.value) * 0.1;
      cond = `(${lo} >= ${num(n.value - d)} and ${hi} <= ${num(n.value + d)})`;
    }
  }
  return `(${[cond, ...unit].join(' and ')})`;
}

const SORT_COLUMNS: Record<SearchParamType, string> = {
  date: 'lo',
  string: 'text',
  token: 'code',
  number: 'num_lo',
  quantity: 'num_lo',
  reference: 'ref',
  uri: 'code',
};

/**
 * The ORDER BY of a search. Parameter names are the registry's, checked here as plain names and
 * inlined rather than bound, so that a count query can share the WHERE's parameters.
 */
function sortSql(k: SortKey): string {
  if (!/^[A-Za-z0-9_-]+$/.test(k.param)) throw new Error(`not a search parameter name: ${k.param}`);
  const dir = k.descending ? 'desc' : 'asc';
  if (k.param === '_id') return `r.id ${dir}`;
  if (k.param === '_lastUpdated') return `r.last_updated ${dir}`;
  // Ascending sorts on a resource's least value, descending on its greatest (R4 search.html#_sort).
  const agg = k.descending ? 'max' : 'min';
  const column = SORT_COLUMNS[k.type ?? 'token'];
  const sub =
    `(select ${agg}(s.${column}) from fhir_search_values s ` +
    `where s.resource_type = r.resource_type and s.id = r.id and s.param = '${k.param}')`;
  return `${sub} ${dir} nulls last`;
}
