/**
 * SMART App Launch scopes on resources (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html):
 * v2 `patient|user|system/<Type|*>.<cruds>` (letters in that order, e.g. `patient/Observation.rs`)
 * with an optional `?param=value` restriction, which MedSeek does not grant and so ignores (such a
 * scope permits nothing), and v1 `.read` / `.write` / `.*`. Other scopes (`openid`, `launch/patient`,
 * `fhirUser`, `offline_access`) are not about resources and permit nothing here.
 */
export type ScopeContext = 'patient' | 'user' | 'system';
/** c create, r read, u update, d delete, s search. */
export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';

export interface ResourceScope {
  readonly context: ScopeContext;
  /** A resource type or `*`. */
  readonly type: string;
  readonly interactions: ReadonlySet<Interaction>;
}

const V2 = /^(patient|user|system)\/([A-Z][A-Za-z]{0,63}|\*)\.(c?r?u?d?s?)$/;
const V1 = /^(patient|user|system)\/([A-Z][A-Za-z]{0,63}|\*)\.(read|write|\*)$/;

/** One scope string, or undefined when it is not a resource scope MedSeek understands. */
export function parseScope(scope: string): ResourceScope | undefined {
  const v2 = V2.exec(scope);
  if (v2?.[3])
    return { context: v2[1] as ScopeContext, type: v2[2]!, interactions: new Set(v2[3].split('') as Interaction[]) };
  const v1 = V1.exec(scope);
  if (v1) {
    const letters: Interaction[] =
      v1[3] === 'read' ? ['r', 's'] : v1[3] === 'write' ? ['c', 'u', 'd'] : ['c', 'r', 'u', 'd', 's'];
    return { context: v1[1] as ScopeContext, type: v1[2]!, interactions: new Set(letters) };
  }
  return undefined;
}

/** Every resource scope in a space-separated string or a list. */
export function parseScopes(scopes: string | readonly string[]): ResourceScope[] {
  const list = typeof scopes === 'string' ? scopes.split(/\s+/) : scopes;
  return list.flatMap((s) => {
    const p = parseScope(s);
    return p ? [p] : [];
  });
}

/** True when some scope allows this interaction on this resource type. */
export function permits(scopes: string | readonly string[], resourceType: string, interaction: Interaction): boolean {
  return parseScopes(scopes).some(
    (s) => (s.type === '*' || s.type === resourceType) && s.interactions.has(interaction),
  );
}

/** True when every resource scope is `patient/…`: the token sees its launch patient only. */
export function patientScopedOnly(scopes: string | readonly string[]): boolean {
  const parsed = parseScopes(scopes);
  return parsed.length > 0 && parsed.every((s) => s.context === 'patient');
}
