import type { OperationOutcome } from 'fhir/r4.js';
import { MedSeekError } from '../../../core/index.js';
import { operationOutcome } from '../operation-outcome.js';

/**
 * A write refused with a FHIR status the core error codes do not carry: 412 (a failed
 * precondition: `If-Match`, several matches of a conditional write), 410 (patching a deleted
 * resource), 403 (roles, scopes, patient scope: the route audits it), 404. Carries its
 * OperationOutcome; the transaction around it rolls back.
 */
export class WriteFailure extends Error {
  readonly outcome: OperationOutcome;
  constructor(
    readonly status: 403 | 404 | 409 | 410 | 412,
    message: string,
    options: { readonly expression?: string; readonly patient?: string } = {},
  ) {
    super(message);
    this.name = 'WriteFailure';
    this.patient = options.patient;
    this.where = undefined;
    const code = ({ 403: 'forbidden', 404: 'not-found', 409: 'conflict', 410: 'deleted', 412: 'conflict' } as const)[
      status
    ];
    this.outcome = operationOutcome(code, message, options.expression ? { expression: options.expression } : {});
  }
  /** The patient a 403 is about, for the audit row. */
  readonly patient: string | undefined;
  /** The Bundle entry it is about, once known. */
  where: string | undefined;

  /** The same failure, its OperationOutcome located at a Bundle entry. */
  at(where: string): WriteFailure {
    const located = new WriteFailure(this.status, this.message, {
      ...(this.patient ? { patient: this.patient } : {}),
    });
    Object.assign(located, {
      where,
      outcome: { ...this.outcome, issue: this.outcome.issue.map((i) => ({ ...i, location: [where] })) },
    });
    return located;
  }
}

/** A MedSeekError placed at `where` (a Bundle entry) when it does not name a place yet. */
export function locatedAt(e: unknown, where: string): unknown {
  if (e instanceof WriteFailure) return e.where ? e : e.at(where);
  if (!(e instanceof MedSeekError) || e.location.where) return e;
  const { entry, field } = e.location;
  const prefix = [entry && `(${entry})`, field && `field ${field}`].filter(Boolean).join(' ');
  const message = prefix && e.message.startsWith(`${prefix}: `) ? e.message.slice(prefix.length + 2) : e.message;
  return new MedSeekError(e.code, message, { ...e.location, where }, { issues: e.issues });
}
