import { MedSeekError } from '../../core/index.js';
import type { FhirIssue } from './validate.js';

/**
 * The issues of an invalid resource as one 'invalid' MedSeekError: the first issue is its message
 * and field, every issue is in `issues`, so the server's `outcomeForError` answers a 400
 * OperationOutcome with an `expression` per issue. `where` names the entry (a line, a Bundle entry).
 */
export function validationError(issues: readonly FhirIssue[], where?: string): MedSeekError {
  const [first, ...rest] = issues.filter((i) => i.severity === 'error');
  if (!first) throw new MedSeekError('internal', 'validationError needs at least one error');
  const location = (i: FhirIssue) => ({ field: i.expression, ...(where ? { where } : {}) });
  return new MedSeekError('invalid', first.message, location(first), {
    issues: rest.map((i) => ({ message: i.message, location: location(i) })),
  });
}
