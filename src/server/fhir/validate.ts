import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';
import type { z } from 'zod';
import { MedSeekError } from '../../core/index.js';
import { fieldPath } from '../request-body.js';
import { params, type Where } from '../validate.js';

type IssueCode = OperationOutcomeIssue['code'];

/**
 * The `/fhir` routes validate with zod through validate.ts like every route, but a FHIR client is
 * refused the FHIR way: a 400 OperationOutcome with one issue per problem, its R4 issue type
 * (https://hl7.org/fhir/R4/valueset-issue-type.html) and `expression` naming the element or the
 * search parameter. The error is still a MedSeekError (`invalid`), so logging and audit see it as
 * any refusal; app.ts sends its `outcome` as is.
 */
export class FhirInvalid extends MedSeekError {
  readonly outcome: OperationOutcome;
  constructor(message: string, field: string | undefined, where: Where, outcome: OperationOutcome) {
    super(
      'invalid',
      message,
      { where, ...(field ? { field } : {}) },
      {
        issues: outcome.issue.map((i) => ({
          message: i.diagnostics ?? '',
          location: { where, ...(i.expression?.[0] ? { field: i.expression[0] } : {}) },
        })),
      },
    );
    this.outcome = outcome;
  }
}

/**
 * The R4 issue type of a zod issue. A schema may say it outright (`params: { fhir: 'not-supported' }`
 * on a custom issue); otherwise: a value outside the ones a path or query parameter offers (a
 * resource type, an operation, a `_sort`) is `not-supported` (R4: "the content/operation failed to
 * pass because the server does not support it"); a wrong JSON type is `invalid` (the content is
 * not valid FHIR); anything else a bad value (`value`: "an element or header value is invalid").
 */
export function issueType(issue: z.core.$ZodIssue, where: Where): IssueCode {
  const stated = issue.code === 'custom' ? (issue.params as { fhir?: IssueCode } | undefined)?.fhir : undefined;
  if (stated) return stated;
  if (issue.code === 'unrecognized_keys') return 'not-supported';
  if (issue.code === 'invalid_value' && where !== 'body') return 'not-supported';
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') return 'invalid';
  return 'value';
}

/**
 * What a FHIR client is told: a search parameter by its name (`patient`, not `patient[1]`), a path
 * parameter by its name, a body element as a FHIRPath from the resource type (`Observation.status`).
 */
function expressionOf(path: readonly PropertyKey[], where: Where, resourceType?: string): string | undefined {
  if (where !== 'body') return path.length ? String(path[0]) : undefined;
  if (path.length === 0) return undefined;
  const field = fieldPath(path);
  return resourceType && field !== 'resourceType' ? `${resourceType}.${field}` : field;
}

/** A zod failure as the FHIR refusal: every issue listed, the first one the error's message and field. */
export function fhirRefusal(zodIssues: readonly z.core.$ZodIssue[], where: Where, resourceType?: string): FhirInvalid {
  const issues: OperationOutcomeIssue[] = zodIssues.flatMap((i) => {
    const keys = i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k]) : [i.path];
    return keys.map((path): OperationOutcomeIssue => {
      const expression = expressionOf(path, where, resourceType);
      const named =
        i.code === 'unrecognized_keys'
          ? `unknown ${where === 'body' ? 'element' : 'parameter'} '${String(path.at(-1))}'`
          : i.message;
      return {
        severity: 'error',
        code: issueType(i, where),
        diagnostics: named,
        ...(expression ? { expression: [expression] } : {}),
        location: [where],
      };
    });
  });
  if (issues.length === 0) issues.push({ severity: 'error', code: 'invalid', diagnostics: 'invalid request' });
  const first = issues[0]!;
  return new FhirInvalid(first.diagnostics ?? 'invalid request', first.expression?.[0], where, {
    resourceType: 'OperationOutcome',
    issue: issues,
  });
}

/** Path parameters of a `/fhir` route (validate.ts's `params`, refused as an OperationOutcome). */
export const fhirParams = <T extends z.ZodType>(schema: T) => params(schema, fhirRefusal);

/**
 * Parses a value the route assembles itself (search parameters from the query and a form body; a
 * resource body after its media type is checked) with the same refusal.
 */
export function parseFhir<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: Where,
  resourceType?: string,
): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw fhirRefusal(r.error.issues, where, resourceType);
}
