import type { Sql } from '../../core/index.js';
import type { Principal } from '../env.js';

/**
 * Which patients a principal may see (issue 14): an admin (and the loopback demo) every patient; a
 * clinician configured for all patients every patient, otherwise the patients of their units; a
 * patient (and a SMART token with a launch patient and only `patient/…` scopes) their own record.
 *
 * A patient belongs to a unit when the unit is the Organization or Location of one of their
 * Encounters (`serviceProvider`, `location.location`) or their `managingOrganization`; a unit is
 * named by its FHIR id (`Organization/<id>` or the bare id). The record decides, so a transfer
 * to another ward shows up as soon as its Encounter is imported.
 */
export interface PatientScope {
  /** True when the principal may see this patient's record. */
  allows(principal: Principal, patientId: string): Promise<boolean>;
  /** The patients the principal may see, or `undefined` for every patient (no filter needed). */
  visible(principal: Principal): Promise<ReadonlySet<string> | undefined>;
}

/** True when the principal sees every patient: admins, the demo, clinicians configured so. */
export function seesAllPatients(p: Principal): boolean {
  if (p.role === 'patient') return false;
  // A SMART token with a launch patient and no user/system scope reads that patient only (`launch/patient` is a context request, not a scope on data).
  if (p.patientId && p.scopes?.every((s) => !/^(user|system)\//.test(s))) return false;
  return p.role === 'admin' || p.kind === 'demo' || p.allPatients === true;
}

export function createPatientScope(sql: Sql): PatientScope {
  const unitPatients = async (units: readonly string[]): Promise<Set<string>> => {
    if (units.length === 0) return new Set();
    const refs = units.flatMap((u) => (u.includes('/') ? [u] : [`Organization/${u}`, `Location/${u}`]));
    const r = await sql.query<{ patient_id: string }>(
      `select distinct patient_id from fhir_resources
       where patient_id is not null and not deleted and (
         (resource_type = 'Encounter' and (resource->'serviceProvider'->>'reference' = any($1::text[])
            or exists (select 1 from jsonb_array_elements(coalesce(resource->'location', '[]'::jsonb)) l where l->'location'->>'reference' = any($1::text[]))))
         or (resource_type = 'Patient' and resource->'managingOrganization'->>'reference' = any($1::text[])))`,
      [refs],
    );
    return new Set(r.rows.map((row) => row.patient_id));
  };
  const visible = async (p: Principal): Promise<ReadonlySet<string> | undefined> => {
    if (seesAllPatients(p)) return undefined;
    if (p.patientId && (p.role === 'patient' || p.scopes)) return new Set([p.patientId]);
    if (p.role === 'clinician') return unitPatients(p.units ?? []);
    return new Set();
  };
  return {
    visible,
    async allows(p, patientId) {
      const v = await visible(p);
      return v === undefined || v.has(patientId);
    },
  };
}
