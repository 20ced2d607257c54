import type { ZodObject, ZodType } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';

/** One response of an operation; `schema` is a zod schema where the route has one. */
export interface ResponseDoc {
  readonly description: string;
  readonly contentType?: string;
  readonly schema?: ZodType;
}

/** One route, described: the zod schemas are the ones the route validates with wherever it has them. */
export interface OperationDoc {
  readonly method: HttpMethod;
  /** The full path as Hono lists it in `app.routes` (`/api/patients/:id`): the key of its policy too. */
  readonly path: string;
  readonly summary: string;
  /** Plain words: what it does, what it refuses, what it records. */
  readonly description: string;
  /** Path parameters; by default every `:name` of the path is a string. */
  readonly params?: ZodObject;
  readonly query?: ZodObject;
  readonly headers?: ZodObject;
  readonly body?: {
    readonly schema: ZodType;
    readonly contentType?: string;
    readonly description?: string;
    readonly required?: boolean;
  };
  /** Success and route-specific error responses by status; 400/401/403/404 are added by the builder. */
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  /** The 404 answer's description, or false where the route has none (default: with path parameters, 'Nothing by that id.'). */
  readonly notFound?: string | false;
  /** SMART scopes that also grant it (FHIR interactions only). */
  readonly smartScopes?: readonly (readonly string[])[];
}

/** The operations of one route module, under one tag. */
export interface ModuleDoc {
  readonly tag: string;
  readonly description: string;
  readonly operations: readonly OperationDoc[];
  /** How callers authenticate: the app's credentials (default), or CDS Hooks' own JWT. */
  readonly authentication?: 'app' | 'cds-hooks';
  /** Errors as FHIR OperationOutcomes (default) or CDS Hooks' `{error, field}`. */
  readonly errors?: 'operation-outcome' | 'cds-hooks';
}

/** `/api/patients/:id` → `/api/patients/{id}` (a Hono regex such as `:id{[0-9]+}` is dropped). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
}

/** The names of a Hono path's parameters, in order. */
export function pathParamNames(honoPath: string): string[] {
  return [...honoPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}

/** `POST /api/consult/:id/accept` → `postApiConsultIdAccept`: unique because method + path are. */
export function operationId(method: HttpMethod, honoPath: string): string {
  const words = honoPath
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  // `/fhir/` (the base with a trailing slash, as FHIR clients post to it) is another route than `/fhir`.
  return method + words.join('') + (honoPath.length > 1 && honoPath.endsWith('/') ? 'Slash' : '');
}
