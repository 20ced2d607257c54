import { z } from 'zod';
import { shown } from '../../core/index.js';
import type { SearchQuery } from '../../store/index.js';
import { FHIR_TYPES, searchParamsOf } from './resource-types.js';
import { parseFhir } from './validate.js';

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

/** Every value of a parameter, in the order given (a parameter may repeat). */
const values = z.array(z.string());
const splitOr = (v: string) => v.split(',').map((s) => s.trim());

export interface SearchOptions {
  /** The page size when `_count` is absent (default DEFAULT_COUNT). */
  readonly defaultCount?: number;
  /** The parameters taken (default: the type's search parameters), and what refusals call the search. */
  readonly params?: readonly string[];
  readonly what?: string;
}

/** A parameter given at most once (`hint`: what to do instead, e.g. use commas for OR). */
const once = (name: string, hint = '') =>
  values.max(1, `search parameter '${name}' may be given once${hint}`).transform((v) => v[0]!);

const whole = (name: string, max: number) =>
  once(name).pipe(
    z
      .string()
      .regex(/^\d+$/, { error: (i) => `${name} must be a whole number, got '${shown(i.input)}'` })
      .transform(Number)
      .pipe(z.number().max(max, { error: (i) => `${name} must be between 0 and ${max}, got ${shown(i.input)}` })),
  );

const dates = z.array(
  z.string().regex(DATE, {
    error: (i) =>
      `'${shown(i.input)}' is not a FHIR date search value ` +
      '(prefix eq|ne|gt|lt|ge|le|sa|eb|ap, then YYYY[-MM[-DD[Thh:mm[:ss][zone]]]])',
  }),
);

/** A patient id or a Patient reference (relative or absolute), as the id. */
const patientRef = (name: string) =>
  z.string().transform((v, ctx) => {
    const value = v.trim();
    const m = /^(?:(?:https?:\/\/\S+\/)?Patient\/)?([A-Za-z0-9\-.]{1,64})$/.exec(value);
    if (m) return m[1]!;
    ctx.addIssue({
      code: 'custom',
      message: /^(?:https?:\/\/\S+\/)?[A-Z][A-Za-z]+\/[^/]+$/.test(value)
        ? `${name} must reference a Patient, got '${shown(v)}'`
        : `'${shown(v)}' is not a patient id or Patient reference`,
    });
    return z.NEVER;
  });

/** A comma-separated OR list given once, each item checked. */
const orList = (name: string, item: z.ZodType<string, string>) =>
  once(name, ' (use commas for OR)').transform(splitOr).pipe(z.array(item));

/** The search schema of one type: the parameters it takes, each checked, as the store's query. */
function searchSchema(type: string, options: SearchOptions) {
  const known = options.params ?? searchParamsOf(type);
  const what = options.what ?? type;
  const defaultCount = options.defaultCount ?? DEFAULT_COUNT;
  const sorts = ['_lastUpdated', '-_lastUpdated', ...(FHIR_TYPES[type]?.date ? ['date', '-date'] : [])] as [
    string,
    ...string[],
  ];
  // Unknown parameters and modifiers first, each named: the R4 spec lets a server ignore them, but
  // a clinician silently getting unfiltered results is worse than an error.
  const names = z.map(z.string(), values).superRefine((params, ctx) => {
    for (const name of params.keys()) {
      if (known.includes(name)) continue;
      const base = name.split(':')[0]!;
      ctx.addIssue({
        code: 'custom',
        path: [name],
        params: { fhir: 'not-supported' },
        message:
          base !== name && known.includes(base)
            ? `search modifier '${name}' is not supported on ${what}`
            : `unknown search parameter '${name}' for ${what}; supported: ${known.join(', ')}`,
      });
    }
  });
  return names
    .transform((m) => Object.fromEntries(m))
    .pipe(
      z
        .object({
          _format: once('_format')
            .pipe(
              z.string().refine((f) => /^(json|application\/(fhir\+)?json)$/.test(f), {
                error: (i) => `_format '${shown(i.input)}' is not supported; this server speaks application/fhir+json`,
                params: { fhir: 'not-supported' },
              }),
            )
            .optional(),
          _count: whole('_count', MAX_COUNT).optional(),
          _offset: whole('_offset', Number.MAX_SAFE_INTEGER).optional(),
          patient: z.array(patientRef('patient')).optional(),
          subject: z.array(patientRef('subject')).optional(),
          _id: orList(
            '_id',
            z
              .string()
              .regex(/^[A-Za-z0-9\-.]{1,64}$/, { error: (i) => `'${shown(i.input)}' is not a valid resource id` }),
          ).optional(),
          code: orList(
            'code',
            z.string().refine((c) => !!c && c !== '|' && c.split('|').length <= 2, {
              error: (i) => `'${shown(i.input)}' is not a token (system|code, code or |code)`,
            }),
          ).optional(),
          // A bare value means "any system" in FHIR; the store indexes system and value together, so
          // this server asks for `system|value` (or `|value` for identifiers without a system).
          identifier: orList(
            'identifier',
            z.string().regex(/^[^|]*\|[^|]+$/, {
              error: (i) => `'${shown(i.input)}' is not an identifier token; use system|value`,
            }),
          ).optional(),
          date: dates.optional(),
          _lastUpdated: dates.optional(),
          _sort: once('_sort')
            .pipe(
              z.enum(sorts, {
                error: (i) => `_sort '${shown(i.input)}' is not supported; use one of ${sorts.join(', ')}`,
              }),
            )
            .optional(),
        })
        .transform((p, ctx) => {
          const patients = [...new Set([...(p.patient ?? []), ...(p.subject ?? [])])];
          if (patients.length > 1) {
            ctx.addIssue({
              code: 'custom',
              path: [p.subject ? 'subject' : 'patient'],
              message: 'patient/subject may name one patient',
            });
            return z.NEVER;
          }
          const patient = patients[0];
          return {
            ...(patient !== undefined ? { patient } : {}),
            ...(p._id ? { ids: p._id } : {}),
            ...(p.code ? { codes: p.code } : {}),
            ...(p.identifier ? { identifiers: p.identifier } : {}),
            ...(p.date ? { date: p.date } : {}),
            ...(p._lastUpdated ? { lastUpdated: p._lastUpdated } : {}),
            ...(p._sort ? { sort: p._sort as NonNullable<SearchQuery['sort']> } : {}),
            count: p._count ?? defaultCount,
            offset: p._offset ?? 0,
          };
        }),
    );
}

/**
 * Turns a FHIR search query string into the store's query, validated with zod (fhir/validate.ts):
 * a problem is a 400 OperationOutcome naming the parameter — an unknown parameter or modifier, a
 * `_format` or `_sort` not offered (`not-supported`), a malformed value (`value`).
 */
export function parseSearch(type: string, params: URLSearchParams, options: SearchOptions = {}): ParsedSearch {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of params) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  const query = parseFhir(searchSchema(type, options), grouped, 'query');
  const echo: [string, string][] = [];
  for (const [name, vs] of [...grouped.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (name === '_count' || name === '_offset') continue;
    for (const v of vs) echo.push([name, v]);
  }
  return { query, echo, ...(query.patient !== undefined ? { patient: query.patient } : {}) };
}
