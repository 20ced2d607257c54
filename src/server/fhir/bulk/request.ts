import { invalid, MedSeekError, shown } from '../../../core/index.js';
import { R4_RESOURCE_TYPES } from '../../../ingest/index.js';
import { parseFhirSearch } from '../search/parse.js';

/**
 * A Bulk Data export kick-off as understood (FHIR Bulk Data Access 2.0,
 * https://hl7.org/fhir/uv/bulkdata/export.html#query-parameters): what is stored with the job and
 * read again when it runs. Parameters come from the query string (GET) or a Parameters body (POST).
 */
export interface ExportRequest {
  readonly level: 'system' | 'patient' | 'group';
  /** The Group whose members are exported (group level). */
  readonly group?: string;
  /** `_type`: only these resource types; absent = every type the level covers. */
  readonly types?: readonly string[];
  /** `_since`: only resources updated after this instant. */
  readonly since?: string;
  /** `_typeFilter`: per type, search queries any of which a resource must match. */
  readonly typeFilters: readonly { readonly type: string; readonly query: string }[];
  /** `patient` (POST): only these patients (ids), within what the level and the caller allow. */
  readonly patients?: readonly string[];
  /** What `Prefer: handling=lenient` let through unused; reported in the manifest's `error` file. */
  readonly ignored: readonly string[];
}

/** Output formats a client may ask for (Bulk Data 2.0: the first is the standard one). */
export const OUTPUT_FORMATS = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'];

/** Parameters a `_typeFilter` query may not carry: they shape a page, not the set of resources. */
const PAGING = ['_count', '_offset', '_sort', '_include', '_revinclude', '_summary', '_elements', '_total'];

/** Parameters of the specification this server does not implement: a 400 unless the client is lenient. */
const NOT_OFFERED = ['_elements', 'includeAssociatedData'];

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads a kick-off's parameters (name/value pairs in the order sent). `lenient`: the client sent
 * `Prefer: handling=lenient`, so parameters and types this server does not offer are ignored and
 * reported instead of refused.
 */
export function parseExportRequest(
  level: ExportRequest['level'],
  pairs: readonly (readonly [string, string])[],
  options: { group?: string; lenient: boolean; post: boolean },
): ExportRequest {
  const ignored: string[] = [];
  const refuseOrIgnore = (field: string, message: string) => {
    if (!options.lenient) throw new MedSeekError('unsupported', message, { where: 'query', field });
    ignored.push(message);
  };
  const once = (name: string): string | undefined => {
    const all = pairs.filter(([k]) => k === name).map(([, v]) => v);
    if (all.length > 1) throw invalid(`${name} may be given once`, { where: 'query', field: name });
    return all[0];
  };
  const known = new Set(['_outputFormat', '_since', '_type', '_typeFilter', 'patient', ...NOT_OFFERED]);
  for (const [name] of pairs) {
    if (!known.has(name)) refuseOrIgnore(name, `'${shown(name)}' is not a parameter of $export`);
  }
  for (const name of NOT_OFFERED) {
    if (pairs.some(([k]) => k === name)) refuseOrIgnore(name, `${name} is not supported by this server`);
  }

  const format = once('_outputFormat');
  if (format !== undefined && !OUTPUT_FORMATS.includes(format)) {
    throw new MedSeekError(
      'unsupported',
      `_outputFormat '${shown(format)}' is not offered; use ${OUTPUT_FORMATS.join(', ')}`,
      { where: 'query', field: '_outputFormat' },
    );
  }

  const since = once('_since');
  if (since !== undefined && (!INSTANT.test(since) || Number.isNaN(Date.parse(since)))) {
    throw invalid(`_since must be a FHIR instant with a time zone (2024-01-31T08:00:00Z), got '${shown(since)}'`, {
      where: 'query',
      field: '_since',
    });
  }

  let types: string[] | undefined;
  const typeList = pairs.filter(([k]) => k === '_type').flatMap(([, v]) => v.split(','));
  if (typeList.length) {
    types = [];
    for (const raw of typeList) {
      const t = raw.trim();
      if (R4_RESOURCE_TYPES.has(t)) {
        if (!types.includes(t)) types.push(t);
      } else refuseOrIgnore('_type', `_type '${shown(t)}' is not a FHIR R4 resource type`);
    }
  }

  const typeFilters = pairs
    .filter(([k]) => k === '_typeFilter')
    // Several queries may share one parameter, comma-separated; a comma inside a query stays escaped.
    .flatMap(([, v]) => v.split(/,(?=[A-Z][A-Za-z]+\?)/))
    .map((f) => typeFilter(f.trim(), types));

  let patients: string[] | undefined;
  const patientRefs = pairs.filter(([k]) => k === 'patient').map(([, v]) => v);
  if (patientRefs.length) {
    if (!options.post || level === 'system') {
      throw invalid('patient is taken only by POST Patient/$export or Group/[id]/$export, in a Parameters body', {
        where: 'query',
        field: 'patient',
      });
    }
    patients = patientRefs.map((ref) => {
      const m = /^(?:Patient\/)?([A-Za-z0-9\-.]{1,64})$/.exec(ref);
      if (!m) throw invalid(`patient '${shown(ref)}' is not a Patient reference`, { where: 'body', field: 'patient' });
      return m[1]!;
    });
  }

  return {
    level,
    ...(options.group ? { group: options.group } : {}),
    ...(types ? { types } : {}),
    ...(since ? { since: new Date(since).toISOString() } : {}),
    typeFilters,
    ...(patients ? { patients: [...new Set(patients)] } : {}),
    ignored,
  };
}

/** One `_typeFilter` query (`Observation?category=laboratory`), checked now with the search it will run. */
function typeFilter(raw: string, types: readonly string[] | undefined): { type: string; query: string } {
  const at = raw.indexOf('?');
  const type = at < 0 ? raw : raw.slice(0, at);
  const query = at < 0 ? '' : raw.slice(at + 1);
  const where = { where: 'query' as const, field: '_typeFilter' };
  if (!R4_RESOURCE_TYPES.has(type) || !query) {
    throw invalid(`_typeFilter '${shown(raw)}' must be a search such as Observation?category=laboratory`, where);
  }
  if (types && !types.includes(type)) {
    throw invalid(`_typeFilter '${shown(raw)}' is for ${type}, which _type does not ask for`, where);
  }
  const params = new URLSearchParams(query);
  for (const name of params.keys()) {
    if (PAGING.includes(name)) throw invalid(`_typeFilter '${shown(raw)}' may not use ${name}`, where);
  }
  try {
    parseFhirSearch(type, params);
  } catch (e) {
    if (!(e instanceof MedSeekError)) throw e;
    throw new MedSeekError('unsupported', `_typeFilter '${shown(raw)}': ${e.message}`, where);
  }
  return { type, query };
}

/**
 * The parameters of a POST kick-off's Parameters body as name/value pairs (Bulk Data 2.0 lets a
 * client POST them, and the `patient` parameter only that way).
 */
export function parametersBody(body: unknown): [string, string][] {
  const where = { where: 'body' as const };
  if (typeof body !== 'object' || body === null || (body as { resourceType?: unknown }).resourceType !== 'Parameters') {
    throw invalid('a POST $export takes a Parameters resource', { ...where, field: 'resourceType' });
  }
  const list = (body as { parameter?: unknown }).parameter ?? [];
  if (!Array.isArray(list)) throw invalid('Parameters.parameter must be an array', { ...where, field: 'parameter' });
  return list.map((p, i): [string, string] => {
    const field = `parameter[${i}]`;
    if (typeof p !== 'object' || p === null || typeof (p as { name?: unknown }).name !== 'string') {
      throw invalid(`${field} needs a name`, { ...where, field });
    }
    const { name, ...rest } = p as Record<string, unknown> & { name: string };
    const value =
      rest.valueString ??
      rest.valueInstant ??
      rest.valueCode ??
      (typeof rest.valueBoolean === 'boolean' ? String(rest.valueBoolean) : undefined) ??
      (rest.valueReference as { reference?: unknown } | undefined)?.reference;
    if (typeof value !== 'string') {
      throw invalid(`${field} (${shown(name)}) needs a valueString, valueInstant, valueCode or valueReference`, {
        ...where,
        field,
      });
    }
    return [name, value];
  });
}
