import type { Principal } from '../env.js';

/**
 * Physician-only content (issue 14): a resource whose `meta.security` holds both the HL7
 * confidentiality code `R` (restricted) and the MedSeek audience tag `urn:medseek:audience|physician`,
 * or an element carrying the extension `urn:medseek:physician-only` (e.g. a differential), never
 * reaches a `patient` principal: such resources are dropped and such elements removed.
 */
export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const AUDIENCE_SYSTEM = 'urn:medseek:audience';
export const PHYSICIAN_ONLY_EXTENSION = 'urn:medseek:physician-only';

/** The `meta.security` codings that mark a whole resource physician-only. */
export const PHYSICIAN_ONLY_SECURITY = [
  { system: CONFIDENTIALITY_SYSTEM, code: 'R' },
  { system: AUDIENCE_SYSTEM, code: 'physician' },
] as const;

type Coding = { system?: unknown; code?: unknown };

export function isPhysicianOnlyResource(resource: unknown): boolean {
  const security = (resource as { meta?: { security?: Coding[] } } | undefined)?.meta?.security;
  if (!Array.isArray(security)) return false;
  const has = (system: string, code: string) => security.some((s) => s?.system === system && s?.code === code);
  return has(CONFIDENTIALITY_SYSTEM, 'R') && has(AUDIENCE_SYSTEM, 'physician');
}

function marksPhysicianOnly(value: unknown): boolean {
  const ext = (value as { extension?: { url?: unknown; valueBoolean?: unknown }[] } | undefined)?.extension;
  return Array.isArray(ext) && ext.some((e) => e?.url === PHYSICIAN_ONLY_EXTENSION && e.valueBoolean !== false);
}

/** A copy of the value without any element carrying the physician-only extension (the resource itself is kept). */
export function stripPhysicianOnly<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((v) => !marksPhysicianOnly(v)).map((v) => stripPhysicianOnly(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && marksPhysicianOnly(v)) continue;
      out[k] = stripPhysicianOnly(v);
    }
    return out as T;
  }
  return value;
}

/** True when this principal must not see physician-only content. */
export function patientAudience(p: Principal | undefined): boolean {
  return p?.role === 'patient';
}

/**
 * What a principal may receive of a resource: the resource as is for clinicians and admins; for a
 * patient, undefined when the whole resource is physician-only, else a copy without the marked elements.
 */
export function forAudience<T>(p: Principal | undefined, resource: T): T | undefined {
  if (!patientAudience(p)) return resource;
  if (isPhysicianOnlyResource(resource)) return undefined;
  return stripPhysicianOnly(resource);
}
