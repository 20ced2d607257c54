import type { SearchQuery } from '../../store/index.js';
import { invalid, MedSeekError } from '../../core/index.js';
import { FHIR_TYPES, searchParamsOf } from './resource-types.js';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;

/** A parsed search: the store query plus the parameters to echo in paging links. */
export interface ParsedSearch {
  readonly query: SearchQuery & { readonly count: number; readonly offset: number };
  /** The search's own parameters, normalised (no `_count`/`_offset`), in a stable order. */
  readonly echo: readonly [string, string][];
  /** The patient the search is restricted to, for the audit log. */
  readonly patient?: string;
}

const DATE =
  /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?)$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Turns a FHIR search query string into the store's query. Unknown parameters (and modifiers such
 * as `code:text`) are refused with a 400 naming the parameter: the R4 spec lets a server ignore
 * them, but a clinician silently getting unfiltered results is worse than an error.
 */
export function parseSearch(
  type: string,
  params: URLSearchParams,
  options: { defaultCount?: number } = {},
): ParsedSearch {
  const known = new Set(searchParamsOf(type));
  const grouped = new Map<string, string[]>();
  for (const [name, value] of params) {
    if (!known.has(name)) throw unknownParam(type, name, known);
    grouped.set(name, [...(grouped.get(name) ?? []), value]);
  }
  const one = (name: string): string | undefined => {
    const v = grouped.get(name);
    if (!v) return undefined;
    if (v.length > 1) throw invalid(`search parameter '${name}' may be given once`, { field: name });
    return v[0];
  };
  const format = one('_format');
  if (format !== undefined && !/^(json|application\/(fhir\+)?json)$/.test(format)) {
    throw new MedSeekError(
      'unsupported',
      `_format '${format}' is not supported; this server speaks application/fhir+json`,
      { field: '_format' },
    );
  }
  const count = intParam('_count', one('_count'), 0, MAX_COUNT) ?? options.defaultCount ?? DEFAULT_COUNT;
  const offset = intParam('_offset', one('_offset'), 0, Number.MAX_SAFE_INTEGER) ?? 0;

  const patientRefs = [
    ...(grouped.get('patient') ?? []).map((v) => patientId('patient', v)),
    ...(grouped.get('subject') ?? []).map((v) => patientId('subject', v)),
  ];
  const patients = [...new Set(patientRefs)];
  if (patients.length > 1)
    throw invalid('patient/subject may name one patient', { field: grouped.has('subject') ? 'subject' : 'patient' });
  const patient = patients[0];

  const ids = grouped.get('_id')?.flatMap((v) => splitOr(v));
  if (grouped.has('_id') && grouped.get('_id')!.length > 1)
    throw invalid("search parameter '_id' may be given once (use commas for OR)", { field: '_id' });
  for (const id of ids ?? []) if (!ID.test(id)) throw invalid(`'${id}' is not a valid resource id`, { field: '_id' });

  const codeValues = grouped.get('code');
  if (codeValues && codeValues.length > 1)
    throw invalid("search parameter 'code' may be given once (use commas for OR)", { field: 'code' });
  const codes = codeValues?.flatMap((v) => splitOr(v));
  for (const code of codes ?? [])
    if (!code || code === '|' || code.split('|').length > 2)
      throw invalid(`'${code}' is not a token (system|code, code or |code)`, { field: 'code' });

  const identifierValues = grouped.get('identifier');
  if (identifierValues && identifierValues.length > 1)
    throw invalid("search parameter 'identifier' may be given once (use commas for OR)", { field: 'identifier' });
  const identifiers = identifierValues?.flatMap((v) => splitOr(v));
  // A bare value means "any system" in FHIR; the store indexes system and value together, so
  // this server asks for `system|value` (or `|value` for identifiers without a system).
  for (const i of identifiers ?? [])
    if (!/^[^|]*\|[^|]+$/.test(i))
      throw invalid(`'${i}' is not an identifier token; use system|value`, { field: 'identifier' });

  const date = grouped.get('date')?.map((v) => dateParam('date', v));
  const lastUpdated = grouped.get('_lastUpdated')?.map((v) => dateParam('_lastUpdated', v));

  const sortValue = one('_sort');
  const sorts = ['_lastUpdated', '-_lastUpdated', ...(FHIR_TYPES[type]?.date ? ['date', '-date'] : [])];
  if (sortValue !== undefined && !sorts.includes(sortValue))
    throw invalid(`_sort '${sortValue}' is not supported; use one of ${sorts.join(', ')}`, { field: '_sort' });

  const echo: [string, string][] = [];
  for (const [name, values] of [...grouped.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (name === '_count' || name === '_offset') continue;
    for (const v of values) echo.push([name, v]);
  }
  return {
    query: {
      ...(patient !== undefined ? { patient } : {}),
      ...(ids ? { ids } : {}),
      ...(codes ? { codes } : {}),
      ...(identifiers ? { identifiers } : {}),
      ...(date ? { date } : {}),
      ...(lastUpdated ? { lastUpdated } : {}),
      ...(sortValue ? { sort: sortValue as NonNullable<SearchQuery['sort']> } : {}),
      count,
      offset,
    },
    echo,
    ...(patient !== undefined ? { patient } : {}),
  };
}

function unknownParam(type: string, name: string, known: Set<string>): MedSeekError {
  const base = name.split(':')[0]!;
  if (base !== name && known.has(base))
    return invalid(`search modifier '${name}' is not supported on ${type}`, { field: name });
  return invalid(`unknown search parameter '${name}' for ${type}; supported: ${[...known].join(', ')}`, {
    field: name,
  });
}

function splitOr(v: string): string[] {
  return v.split(',').map((s) => s.trim());
}

function intParam(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw invalid(`${name} must be a whole number, got '${v}'`, { field: name });
  const n = Number(v);
  if (n < min || n > max) throw invalid(`${name} must be between ${min} and ${max}, got ${v}`, { field: name });
  return n;
}

function patientId(name: string, v: string): string {
  const value = v.trim();
  const m = /^(?:(?:https?:\/\/\S+\/)?Patient\/)?([A-Za-z0-9\-.]{1,64})$/.exec(value);
  if (m) return m[1]!;
  if (/^(?:https?:\/\/\S+\/)?[A-Z][A-Za-z]+\/[^/]+$/.test(value))
    throw invalid(`${name} must reference a Patient, got '${v}'`, { field: name });
  throw invalid(`'${v}' is not a patient id or Patient reference`, { field: name });
}

function dateParam(name: string, v: string): string {
  const m = DATE.exec(v);
  if (!m)
    throw invalid(
      `'${v}' is not a FHIR date search value (prefix eq|ne|gt|lt|ge|le|sa|eb|ap, then YYYY[-MM[-DD[Thh:mm[:ss][zone]]]])`,
      { field: name },
    );
  return v;
}
