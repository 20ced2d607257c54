import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';
import type { ErrorCode, MedSeekError } from '../../core/index.js';

/** The FHIR JSON media type every `/fhir` response carries (https://hl7.org/fhir/R4/http.html#mime-type). */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

type IssueCode = OperationOutcomeIssue['code'];

/**
 * An OperationOutcome with one error issue per problem (https://hl7.org/fhir/R4/operationoutcome.html).
 * `expression` carries the element (FHIRPath) or search parameter the problem is about.
 */
export function operationOutcome(
  code: IssueCode,
  diagnostics: string,
  options: {
    expression?: string;
    location?: string;
    severity?: OperationOutcomeIssue['severity'];
    more?: readonly OperationOutcomeIssue[];
  } = {},
): OperationOutcome {
  const issue: OperationOutcomeIssue = {
    severity: options.severity ?? 'error',
    code,
    diagnostics,
    ...(options.expression ? { expression: [options.expression] } : {}),
    ...(options.location ? { location: [options.location] } : {}),
  };
  return { resourceType: 'OperationOutcome', issue: [issue, ...(options.more ?? [])] };
}

const STATUS: Record<ErrorCode, number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  'too-large': 413,
  encoding: 400,
  unsupported: 400,
  unavailable: 503,
  internal: 500,
};

const ISSUE: Record<ErrorCode, IssueCode> = {
  invalid: 'invalid',
  'not-found': 'not-found',
  conflict: 'conflict',
  unauthorized: 'login',
  forbidden: 'forbidden',
  'too-large': 'too-costly',
  encoding: 'structure',
  unsupported: 'not-supported',
  unavailable: 'transient',
  internal: 'exception',
};

/** Status and OperationOutcome for a MedSeekError, with every issue it carries. */
export function outcomeForError(e: MedSeekError): { status: number; body: OperationOutcome } {
  const more: OperationOutcomeIssue[] = e.issues.map((i) => ({
    severity: 'error',
    code: ISSUE[e.code],
    diagnostics: i.message,
    ...(i.location.field ? { expression: [i.location.field] } : {}),
    ...(i.location.where ? { location: [i.location.where] } : {}),
  }));
  return {
    status: STATUS[e.code],
    body: operationOutcome(ISSUE[e.code], e.message, {
      ...(e.location.field ? { expression: e.location.field } : {}),
      ...(e.location.where ? { location: e.location.where } : {}),
      more,
    }),
  };
}
