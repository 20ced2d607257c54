import { createHmac } from 'node:crypto';
import { Deidentifier, type PatientLike, patientIdentifiers, patientNames } from '../../llm/index.js';

/**
 * The de-identification pass every exported line goes through: the LLM stage's de-identifier
 * (llm/deid: rules, checksums and propagation for zh and en text), primed with what the Patient
 * resource itself says (names, identifiers, phone numbers, addresses), dates moved by the patient's
 * shift, and the patient's id replaced by a keyed pseudonym. Shifting rather than dropping dates
 * keeps the intervals a verifier and a model need (day 3 of the stay stays day 3).
 */

export interface ExportDeidentifier {
  /** Text with the patient's identifiers replaced and dates shifted. */
  text(s: string): string;
  /** A handle or code (a fact or resource id): only the patient's id in it is replaced. */
  handle(s: string): string;
  /** Every string in a JSON value de-identified; handles and codes (see KEPT) only through `handle`. */
  value<T>(v: T): T;
  /** The patient's pseudonym (`pt_` + 16 hex), the same for the same secret. */
  readonly pseudonym: string;
}

/** A keyed pseudonym of a patient id: stable for one secret, unlinkable without it. */
export function pseudonymOf(patientId: string, secret: string): string {
  return `pt_${createHmac('sha256', secret).update(`patient\u0000${patientId}`).digest('hex').slice(0, 16)}`;
}

/**
 * Keys whose values are codes or handles, never text about the patient: fact ids are content hashes
 * and resource ids the store's own (the patient's id among them is still replaced by the pseudonym).
 */
const KEPT = new Set([
  'id',
  'factId',
  'factIds',
  'patientId',
  'document',
  'system',
  'code',
  'resourceType',
  'kind',
  'category',
  'assertion',
  'verdict',
  'unit',
  'role',
]);

/**
 * The export's de-identifier for one patient (`patient` undefined: text about no known patient, the
 * detector's rules alone). `secret` keys both the date shift and the pseudonym (MEDSEEK_DEID_SECRET).
 */
export function exportDeidentifier(
  patientId: string | undefined,
  patient: PatientLike | undefined,
  secret: string,
): ExportDeidentifier {
  const d = new Deidentifier({
    patientKey: patientId ?? '',
    secret,
    ...(patient ? { knownNames: patientNames(patient), knownIdentifiers: patientIdentifiers(patient) } : {}),
  });
  const pseudonym = patientId ? pseudonymOf(patientId, secret) : 'pt_unknown';
  // The patient id first (a record id inside a reference is not something the detector looks for).
  const handle = (s: string) => (patientId ? s.split(patientId).join(pseudonym) : s);
  const text = (s: string) => d.deidentify(handle(s)).text;
  const value = <T>(v: T): T => {
    const walk = (x: unknown, key?: string): unknown => {
      if (typeof x === 'string') return key && KEPT.has(key) ? handle(x) : text(x);
      if (Array.isArray(x)) return x.map((y) => walk(y, key));
      if (x && typeof x === 'object')
        return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, y]) => [k, walk(y, k)]));
      return x;
    };
    return walk(v) as T;
  };
  return { text, handle, value, pseudonym };
}
