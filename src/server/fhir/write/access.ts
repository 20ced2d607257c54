import { patientIdFromReference } from '../../../store/index.js';
import type { FhirResource } from '../../../store/index.js';
import { type Interaction, permits } from '../../auth/smart-scopes.js';
import { WriteFailure } from './failure.js';

/**
 * Who may write what, as the import and the other FHIR routes decide it: a SMART token needs the
 * scope for the interaction on the type (`c` create, `u` update and patch, `d` delete); a caller
 * limited to some patients writes only in those patients' records, and nothing outside any
 * patient's record. Computed once before the write's transaction (`visible` comes from the
 * database), then checked without queries inside it.
 */
export interface WriteAccess {
  readonly scopes?: string | readonly string[];
  /** The patients the caller may write for; undefined: every patient. */
  readonly visible?: ReadonlySet<string>;
}

const VERB: Record<'c' | 'u' | 'd', string> = { c: 'create', u: 'update', d: 'delete' };

export function requireWrite(
  access: WriteAccess,
  type: string,
  interaction: Extract<Interaction, 'c' | 'u' | 'd'>,
  patients: readonly (string | undefined)[],
): void {
  if (access.scopes && !permits(access.scopes, type, interaction))
    throw new WriteFailure(403, `the token's scopes do not allow ${VERB[interaction]} of ${type}`);
  const visible = access.visible;
  if (visible === undefined) return;
  for (const p of patients) {
    if (p === undefined) continue;
    if (!visible.has(p)) throw new WriteFailure(403, `you may not write in the record of Patient/${p}`, { patient: p });
  }
  if (patients.every((p) => p === undefined))
    throw new WriteFailure(
      403,
      `${type} is outside any patient's record: writing it needs a credential that sees all patients`,
    );
}

/** The patient whose record a resource belongs to (as the store indexes the compartment). */
export function patientOfResource(r: FhirResource): string | undefined {
  if (r.resourceType === 'Patient') return r.id;
  for (const name of ['subject', 'patient', 'beneficiary']) {
    const id = patientIdFromReference(r[name]);
    if (id) return id;
  }
  return undefined;
}
