import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { shown } from '../../../core/index.js';
import {
  type Criterion,
  type DateValue,
  type FhirSearch,
  fhirDateRange,
  type IncludeSpec,
  type NumberValue,
  normalizeText,
  parseReference,
  type ReferenceValue,
  type SearchParamDef,
  type SortKey,
  searchParameterOf,
  searchParametersOf,
  type TokenValue,
} from '../../../store/index.js';
import { FhirInvalid } from '../validate.js';
import type { Summary } from './summary.js';

/**
 * A FHIR search query string (https://hl7.org/fhir/R4/search.html) as the store's FhirSearch.
 * Parameters and their types come from the registry (store/search/registry.ts), the same one that
 * indexes values and that the CapabilityStatement advertises. An unknown parameter or modifier is a
 * 400 naming it (`not-supported`) unless the client asked for `Prefer: handling=lenient`, when it
 * is ignored and reported; a malformed value is always a 400 (`value`).
 */
export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;
/** Deepest chain (`subject:Patient.organization.name`) or `_has` nesting accepted. */
const MAX_DEPTH = 3;

/** Result parameters (https://hl7.org/fhir/R4/search.html#return) and the other `_` parameters taken on every type. */
export const CONTROL_PARAMS = [
  '_count',
  '_offset',
  '_sort',
  '_total',
  '_summary',
  '_elements',
  '_include',
  '_revinclude',
  '_format',
  '_pretty',
] as const;
/** Parameters on every type, beyond the registry's: the store answers `_id`/`_lastUpdated` from its columns. */
export const RESOURCE_PARAMS = ['_id', '_lastUpdated'] as const;

export interface ParsedFhirSearch {
  readonly search: Omit<FhirSearch, 'patient' | 'onlyIds'>;
  /** The one patient the search names (patient=, subject=Patient/…), for compartment scoping and audit. */
  readonly patient?: string;
  /** Every patient the search names, ORed: a caller limited to some patients must see them all. */
  readonly patients: readonly string[];
  /** `_id` values, for a limited caller's Patient search. */
  readonly ids?: readonly string[];
  readonly summary?: Summary;
  readonly elements?: readonly string[];
  /** The parameters used, in a stable order, for paging links (no `_count`/`_offset`). */
  readonly echo: readonly [string, string][];
  /** Parameters ignored under `Prefer: handling=lenient`, each with why. */
  readonly ignored: readonly { readonly name: string; readonly reason: string }[];
}

export interface ParseOptions {
  /** `Prefer: handling=lenient`. */
  readonly lenient?: boolean;
  /** The server's FHIR base, to read absolute references to its own resources. */
  readonly base?: string;
  readonly defaultCount?: number;
}

type Issue = { name: string; message: string; code: 'not-supported' | 'value' };

class Problems {
  readonly issues: Issue[] = [];
  readonly ignored: { name: string; reason: string }[] = [];
  constructor(private readonly lenient: boolean) {}
  /** An unknown parameter or modifier: refused, or ignored when lenient. */
  unsupported(name: string, message: string): void {
    if (this.lenient) this.ignored.push({ name, reason: message });
    else this.issues.push({ name, message, code: 'not-supported' });
  }
  value(name: string, message: string): void {
    this.issues.push({ name, message, code: 'value' });
  }
  throwIfAny(): void {
    if (this.issues.length === 0) return;
    const issue = this.issues.map(
      (i): OperationOutcomeIssue => ({
        severity: 'error',
        code: i.code,
        diagnostics: i.message,
        expression: [i.name],
        location: ['query'],
      }),
    );
    const first = this.issues[0]!;
    throw new FhirInvalid(first.message, first.name, 'query', { resourceType: 'OperationOutcome', issue });
  }
}

/** Raised inside value parsers; reported as a `value` issue on the parameter. */
class BadValue extends Error {}
/** Raised for an unknown parameter/modifier deep in a chain; reported as `not-supported`. */
class Unsupported extends Error {}

/** Comma-separated OR values; `\,` is a literal comma (https://hl7.org/fhir/R4/search.html#escaping). */
export function splitOr(value: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length && /[,$|\\]/.test(value[i + 1]!)) {
      current += ch + value[i + 1]!;
      i++;
    } else if (ch === ',') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim());
}

/** Splits on `|` not escaped, then unescapes each part. */
function splitPipe(value: string): string[] {
  return value.split(/(?<!\\)\|/).map(unescapeValue);
}
const unescapeValue = (s: string) => s.replace(/\\([,$|\\])/g, '$1');

const PREFIX = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const TYPE = /^[A-Z][A-Za-z]+$/;

function datePrefixed(v: string): DateValue {
  const m = PREFIX.exec(v);
  const prefix = (m?.[1] ?? 'eq') as DateValue['prefix'];
  const rest = m && /^\d/.test(v.slice(2)) ? v.slice(2) : v;
  const range = fhirDateRange(rest);
  if (!range)
    throw new BadValue(
      `'${shown(v)}' is not a FHIR date search value ` +
        '(prefix eq|ne|gt|lt|ge|le|sa|eb|ap, then YYYY[-MM[-DD[Thh:mm[:ss][zone]]]])',
    );
  return { prefix, lo: range[0], hi: range[1] };
}

/** A number with its implicit range at its precision: `100` is [99.5, 100.5), `1e2` the same. */
function numberPrefixed(v: string): Omit<NumberValue, 'system' | 'code'> {
  const m = PREFIX.exec(v);
  const prefix = (m && !/^\d/.test(v) ? m[1] : 'eq') as NumberValue['prefix'];
  const text = m && !/^\d/.test(v) ? v.slice(2) : v;
  if (!/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) throw new BadValue(`'${shown(v)}' is not a number search value`);
  const value = Number(text);
  const [mantissa, exponent] = text.toLowerCase().split('e');
  const decimals = (mantissa!.split('.')[1] ?? '').length - Number(exponent ?? 0);
  const half = 0.5 * 10 ** -decimals;
  return { prefix, value, lo: value - half, hi: value + half };
}

function tokenValue(v: string, modifier: string | undefined): TokenValue {
  if (modifier === 'text') return { text: normalizeText(unescapeValue(v)) };
  const parts = splitPipe(v);
  if (modifier === 'of-type') {
    if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2])
      throw new BadValue(`'${shown(v)}' is not an :of-type value (type-system|type-code|identifier-value)`);
    return { ofType: { system: parts[0], code: parts[1] }, value: parts[2] };
  }
  if (parts.length === 1) {
    if (!parts[0]) throw new BadValue('an empty token');
    return { code: parts[0] };
  }
  if (parts.length !== 2 || (!parts[0] && !parts[1]))
    throw new BadValue(`'${shown(v)}' is not a token (system|code, code, |code or system|)`);
  const [system, code] = parts as [string, string];
  return { system: system === '' ? null : system, ...(code !== '' ? { code } : {}) };
}

function referenceValue(
  v: string,
  def: SearchParamDef,
  typeModifier: string | undefined,
  base?: string,
): ReferenceValue {
  const value = base && v.startsWith(`${base}/`) ? v.slice(base.length + 1) : v;
  if (typeModifier) {
    if (!ID.test(value)) throw new BadValue(`'${shown(v)}' is not a resource id (with :${typeModifier})`);
    return { type: typeModifier, id: value };
  }
  if (ID.test(value)) return { id: value };
  const local = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/\S+)?$/.exec(value);
  if (local) {
    const [, type, id] = local as unknown as [string, string, string];
    if (def.target.length > 0 && !def.target.includes(type))
      throw new BadValue(`${def.code} refers to ${def.target.join(', ')}, not ${type}`);
    return { type, id };
  }
  if (/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) return { url: value };
  throw new BadValue(`'${shown(v)}' is not a reference (Type/id, id or an absolute URL)`);
}

function quantityValue(v: string): NumberValue {
  const parts = splitPipe(v);
  if (parts.length !== 1 && parts.length !== 3)
    throw new BadValue(`'${shown(v)}' is not a quantity (number, or number|system|code, number||code)`);
  const n = numberPrefixed(parts[0]!);
  if (parts.length === 1) return n;
  const [, system, code] = parts as [string, string, string];
  return { ...n, ...(system !== '' ? { system } : {}), ...(code !== '' ? { code } : {}) };
}

const MODIFIERS: Record<SearchParamDef['type'], readonly string[]> = {
  token: ['not', 'text', 'of-type', 'missing'],
  string: ['exact', 'contains', 'missing'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  reference: ['missing'],
  uri: ['below', 'missing'],
};

/**
 * One parameter (name possibly with a modifier or a chain) and its value, on one type, as a
 * criterion. Throws Unsupported for an unknown name or modifier, BadValue for a bad value.
 */
function criterion(type: string, name: string, value: string, base: string | undefined, depth: number): Criterion {
  if (depth > MAX_DEPTH) throw new Unsupported(`chains and _has deeper than ${MAX_DEPTH} are not supported`);
  if (name.startsWith('_has:')) return hasCriterion(type, name, value, base, depth);
  const dot = name.indexOf('.');
  if (dot > 0) return chainCriterion(type, name.slice(0, dot), name.slice(dot + 1), value, base, depth);
  const [code, modifier, ...extra] = name.split(':') as [string, string | undefined];
  if (extra.length > 0) throw new Unsupported(`'${name}' is not a search parameter`);
  const values = splitOr(value);
  if (code === '_id') {
    if (modifier && modifier !== 'not') throw new Unsupported(`search modifier '${name}' is not supported on ${type}`);
    for (const id of values) if (!ID.test(id)) throw new BadValue(`'${shown(id)}' is not a valid resource id`);
    return { kind: 'id', ids: values, ...(modifier === 'not' ? { not: true } : {}) };
  }
  if (code === '_lastUpdated') {
    if (modifier) throw new Unsupported(`search modifier '${name}' is not supported on ${type}`);
    return { kind: 'lastUpdated', values: values.map(datePrefixed) };
  }
  const def = searchParameterOf(type, code);
  if (!def) throw new Unsupported(`unknown search parameter '${code}' for ${type}`);
  const typeModifier = def.type === 'reference' && modifier && TYPE.test(modifier) ? modifier : undefined;
  if (typeModifier && def.target.length > 0 && !def.target.includes(typeModifier))
    throw new Unsupported(`${code} does not refer to ${typeModifier} (it refers to ${def.target.join(', ')})`);
  if (modifier && !typeModifier && !MODIFIERS[def.type].includes(modifier))
    throw new Unsupported(`search modifier '${name}' is not supported on ${type}`);
  if (modifier === 'of-type' && code !== 'identifier')
    throw new Unsupported(`:of-type applies to identifier, not '${code}'`);
  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') throw new BadValue(':missing takes true or false');
    return { kind: 'missing', param: code, missing: value === 'true' };
  }
  if (values.some((v) => v === '')) throw new BadValue(`an empty value for '${name}'`);
  const param = code;
  switch (def.type) {
    case 'token':
      return {
        kind: 'token',
        param,
        ...(modifier === 'not' ? { not: true } : {}),
        values: values.map((v) => tokenValue(v, modifier)),
      };
    case 'string':
      return {
        kind: 'string',
        param,
        match: modifier === 'exact' ? 'exact' : modifier === 'contains' ? 'contains' : 'start',
        values: values.map((v) => (modifier === 'exact' ? unescapeValue(v) : normalizeText(unescapeValue(v)))),
      };
    case 'date':
      return { kind: 'date', param, values: values.map(datePrefixed) };
    case 'number':
      return { kind: 'number', param, values: values.map(numberPrefixed) };
    case 'quantity':
      return { kind: 'number', param, values: values.map(quantityValue) };
    case 'reference':
      return { kind: 'reference', param, values: values.map((v) => referenceValue(v, def, typeModifier, base)) };
    case 'uri':
      return {
        kind: 'uri',
        param,
        ...(modifier === 'below' ? { below: true } : {}),
        values: values.map(unescapeValue),
      };
  }
}

/** `subject:Patient.name=x`, `patient.identifier=x`: the reference's targets that have the chained parameter. */
function chainCriterion(
  type: string,
  head: string,
  rest: string,
  value: string,
  base: string | undefined,
  depth: number,
): Criterion {
  const [code, typeModifier, ...extra] = head.split(':') as [string, string | undefined];
  const def = searchParameterOf(type, code);
  if (def?.type !== 'reference' || extra.length > 0)
    throw new Unsupported(`'${head}' is not a reference parameter of ${type} to chain from`);
  const restCode = rest.split(/[.:]/)[0]!;
  const candidates = typeModifier ? [typeModifier] : def.target;
  if (typeModifier && def.target.length > 0 && !def.target.includes(typeModifier))
    throw new Unsupported(`${code} does not refer to ${typeModifier}`);
  const targets = candidates.filter(
    (t) => restCode === '_id' || restCode === '_lastUpdated' || searchParametersOf(t).has(restCode),
  );
  if (targets.length === 0)
    throw new Unsupported(`no resource ${code} refers to has a search parameter '${restCode}' to chain`);
  // One criterion for every target: the chained parameter read on the first target that has it.
  const inner = criterion(targets[0]!, rest, value, base, depth + 1);
  return { kind: 'chain', param: code, targets, inner };
}

/**
 * `_has:Observation:patient:code=x`: resources an Observation points at through `patient`, where
 * that Observation matches.
 */
function hasCriterion(type: string, name: string, value: string, base: string | undefined, depth: number): Criterion {
  const m = /^_has:([A-Z][A-Za-z]+):([A-Za-z0-9_-]+):(.+)$/.exec(name);
  if (!m) throw new Unsupported(`'${name}' is not a _has parameter (_has:Type:reference:parameter)`);
  const [, source, param, rest] = m as unknown as [string, string, string, string];
  const def = searchParameterOf(source, param);
  if (def?.type !== 'reference') throw new Unsupported(`'${param}' is not a reference parameter of ${source}`);
  if (def.target.length > 0 && !def.target.includes(type))
    throw new Unsupported(`${source}.${param} does not refer to ${type}`);
  return { kind: 'has', source, param, inner: criterion(source, rest, value, base, depth + 1) };
}

function includeSpec(
  type: string,
  raw: string,
  reverse: boolean,
  iterate: boolean,
  name: string,
  problems: Problems,
): IncludeSpec | undefined {
  const [source, param, target, ...extra] = raw.split(':');
  if (!source || !param || extra.length > 0 || !TYPE.test(source)) {
    problems.value(name, `'${shown(raw)}' is not an include (Type:parameter[:targetType])`);
    return undefined;
  }
  const def = searchParameterOf(source, param);
  if (def?.type !== 'reference') {
    problems.unsupported(name, `'${param}' is not a reference parameter of ${source}`);
    return undefined;
  }
  if (target && def.target.length > 0 && !def.target.includes(target)) {
    problems.unsupported(name, `${source}:${param} does not refer to ${target}`);
    return undefined;
  }
  if (!reverse && !iterate && source !== type) {
    problems.unsupported(
      name,
      `_include=${raw} starts from ${source}, not ${type} (add :iterate to follow included resources)`,
    );
    return undefined;
  }
  if (reverse && !iterate && def.target.length > 0 && !def.target.includes(target ?? type)) {
    problems.unsupported(name, `${source}:${param} does not refer to ${type}`);
    return undefined;
  }
  return { source, param, ...(target ? { target } : {}), iterate };
}

const SORTABLE = new Set(['date', 'string', 'token', 'number', 'quantity', 'uri', 'reference']);

function whole(name: string, value: string, max: number, problems: Problems): number | undefined {
  if (!/^\d+$/.test(value) || Number(value) > max) {
    problems.value(name, `${name} must be a whole number between 0 and ${max}, got '${shown(value)}'`);
    return undefined;
  }
  return Number(value);
}

/** Parses a search on `type`; throws the 400 OperationOutcome (FhirInvalid) listing every problem. */
export function parseFhirSearch(type: string, params: URLSearchParams, options: ParseOptions = {}): ParsedFhirSearch {
  const problems = new Problems(options.lenient === true);
  const grouped = new Map<string, string[]>();
  for (const [name, value] of params) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  const criteria: Criterion[] = [];
  const include: IncludeSpec[] = [];
  const revinclude: IncludeSpec[] = [];
  const sort: SortKey[] = [];
  const used = new Set<string>();
  const patients = new Set<string>();
  let patientCriteria = 0;
  let count = options.defaultCount ?? DEFAULT_COUNT;
  let offset = 0;
  let total: FhirSearch['total'] = 'accurate';
  let summary: Summary | undefined;
  let elements: string[] | undefined;
  let ids: string[] | undefined;
  const onceOnly = (name: string, values: string[]) => {
    if (values.length > 1) problems.value(name, `search parameter '${name}' may be given once`);
    return values[0]!;
  };
  for (const [name, values] of grouped) {
    const [base, modifier] = name.split(':');
    used.add(name);
    switch (base) {
      case '_count':
        count = whole(name, onceOnly(name, values), MAX_COUNT, problems) ?? count;
        continue;
      case '_offset':
        offset = whole(name, onceOnly(name, values), Number.MAX_SAFE_INTEGER, problems) ?? offset;
        continue;
      case '_format': {
        const f = onceOnly(name, values);
        if (!/^(json|application\/(fhir\+)?json)$/.test(f))
          problems.unsupported(
            name,
            `_format '${shown(f)}' is not supported; this server speaks application/fhir+json`,
          );
        continue;
      }
      case '_pretty':
        continue;
      case '_total': {
        const t = onceOnly(name, values);
        if (t === 'none' || t === 'estimate' || t === 'accurate') total = t;
        else problems.value(name, `_total must be none, estimate or accurate, got '${shown(t)}'`);
        continue;
      }
      case '_summary': {
        const s = onceOnly(name, values);
        if (['true', 'false', 'text', 'data', 'count'].includes(s)) summary = s as Summary;
        else problems.value(name, `_summary must be true, false, text, data or count, got '${shown(s)}'`);
        continue;
      }
      case '_elements':
        elements = values.flatMap(splitOr).filter(Boolean);
        for (const e of elements)
          if (!/^[a-z][A-Za-z0-9]*$/.test(e)) problems.value(name, `'${shown(e)}' is not an element name`);
        continue;
      case '_sort':
        for (const key of values.flatMap(splitOr)) {
          const descending = key.startsWith('-');
          const param = descending ? key.slice(1) : key;
          if (param === '_id' || param === '_lastUpdated') {
            sort.push({ param, descending });
            continue;
          }
          const def = searchParameterOf(type, param);
          if (!def || !SORTABLE.has(def.type))
            problems.unsupported(name, `_sort '${shown(key)}' is not a parameter of ${type}`);
          else sort.push({ param, descending, type: def.type });
        }
        continue;
      case '_include':
      case '_revinclude': {
        if (modifier && modifier !== 'iterate' && modifier !== 'recurse') {
          problems.unsupported(name, `search modifier '${name}' is not supported (use :iterate)`);
          continue;
        }
        for (const raw of values) {
          const spec = includeSpec(type, raw, base === '_revinclude', !!modifier, name, problems);
          if (spec) (base === '_include' ? include : revinclude).push(spec);
        }
        continue;
      }
    }
    for (const value of values) {
      try {
        const c = criterion(type, name, value, options.base, 0);
        criteria.push(c);
        if (c.kind === 'id' && !c.not) ids = ids ? ids.filter((i) => c.ids.includes(i)) : [...c.ids];
        const named = patientsNamed(c);
        if (named) {
          patientCriteria++;
          for (const p of named) patients.add(p);
        }
      } catch (e) {
        if (e instanceof Unsupported) problems.unsupported(name, e.message);
        else if (e instanceof BadValue) problems.value(name, e.message);
        else throw e;
        used.delete(name);
      }
    }
  }
  problems.throwIfAny();
  const ignored = new Set(problems.ignored.map((i) => i.name));
  const echo: [string, string][] = [];
  for (const [name, vs] of [...grouped.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (name === '_count' || name === '_offset' || ignored.has(name)) continue;
    for (const v of vs) echo.push([name, v]);
  }
  const patient = patients.size === 1 && patientCriteria > 0 ? [...patients][0] : undefined;
  return {
    search: {
      criteria,
      sort,
      count: summary === 'count' ? 0 : count,
      offset,
      total: summary === 'count' ? 'accurate' : total,
      include: summary === 'count' ? [] : include,
      revinclude: summary === 'count' ? [] : revinclude,
    },
    ...(patient !== undefined ? { patient } : {}),
    patients: [...patients],
    ...(ids ? { ids } : {}),
    ...(summary ? { summary } : {}),
    ...(elements ? { elements } : {}),
    echo,
    ignored: problems.ignored,
  };
}

/** The patients a `patient=` or Patient-typed `subject=` criterion names, or undefined if it is not one. */
function patientsNamed(c: Criterion): string[] | undefined {
  if (c.kind !== 'reference' || (c.param !== 'patient' && c.param !== 'subject')) return undefined;
  const out: string[] = [];
  for (const v of c.values) {
    const type = v.type ?? (v.url ? parseReference(v.url)?.type : c.param === 'patient' ? 'Patient' : undefined);
    if (type !== 'Patient' || !v.id) return undefined;
    out.push(v.id);
  }
  return out;
}

/** Paging alone (`$everything`): `_count` and `_offset`, nothing else. */
export function parsePaging(
  params: URLSearchParams,
  what: string,
  defaultCount = MAX_COUNT,
): { count: number; offset: number } {
  const problems = new Problems(false);
  let count = defaultCount;
  let offset = 0;
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (values.length > 1) problems.value(name, `search parameter '${name}' may be given once`);
    if (name === '_count') count = whole(name, values[0]!, MAX_COUNT, problems) ?? count;
    else if (name === '_offset') offset = whole(name, values[0]!, Number.MAX_SAFE_INTEGER, problems) ?? offset;
    else problems.unsupported(name, `unknown parameter '${name}' for ${what}; supported: _count, _offset`);
  }
  problems.throwIfAny();
  return { count, offset };
}
