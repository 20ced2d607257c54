import { R4_RESOURCE_TYPES } from '../resource-types.js';

/**
 * The syntax of `Reference.reference` (https://hl7.org/fhir/R4/references.html#literal): a
 * relative `Type/id` (optionally `/_history/version`), an absolute URL, `#id` for a contained
 * resource, and, inside a Bundle only, `urn:uuid:`/`urn:oid:` fullUrls and conditional
 * `Type?search` references. Where the definition names target types, the type must be one of them.
 */
const RELATIVE = /^([A-Za-z]+)\/([^/]*)(?:\/_history\/([^/]*))?$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const UUID = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const OID = /^urn:oid:[0-2](\.(0|[1-9]\d*))+$/;
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/;
const CONDITIONAL = /^([A-Za-z]+)\?\S+$/;
const PROFILE = 'http://hl7.org/fhir/StructureDefinition/';

export function referenceProblem(
  ref: string,
  targetProfiles: readonly string[] | undefined,
  inBundle: boolean,
): string | undefined {
  if (ref.startsWith('#')) return undefined;
  if (ref.startsWith('urn:')) {
    if (!UUID.test(ref) && !OID.test(ref)) return `'${ref}' is not a urn:uuid or urn:oid reference`;
    return inBundle ? undefined : `'${ref}' can only point at an entry of a Bundle`;
  }
  if (ABSOLUTE.test(ref)) {
    const tail = /\/([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[^/]+)?$/.exec(ref);
    return tail ? targetProblem(tail[1]!, targetProfiles) : undefined;
  }
  const conditional = CONDITIONAL.exec(ref);
  if (conditional) {
    if (!inBundle) return `the conditional reference '${ref}' is only allowed inside a transaction Bundle`;
    return typeProblem(conditional[1]!) ?? targetProblem(conditional[1]!, targetProfiles);
  }
  const m = RELATIVE.exec(ref);
  if (!m) return `'${ref}' is not a reference: expected Type/id, #contained-id or an absolute URL`;
  const [, type, id, version] = m;
  const bad = typeProblem(type!);
  if (bad) return bad;
  if (!id) return `'${ref}' has no id: expected ${type}/id`;
  if (!ID.test(id)) return `'${ref}': '${id}' is not a FHIR id ([A-Za-z0-9-.]{1,64})`;
  if (version !== undefined && !ID.test(version)) return `'${ref}': '${version}' is not a version id`;
  return targetProblem(type!, targetProfiles);
}

function typeProblem(type: string): string | undefined {
  return R4_RESOURCE_TYPES.has(type) ? undefined : `'${type}' is not a FHIR R4 resource type`;
}

function targetProblem(type: string, targetProfiles: readonly string[] | undefined): string | undefined {
  if (!targetProfiles || targetProfiles.length === 0) return undefined;
  const allowed = allowedTypes(targetProfiles);
  // A profile outside the core definitions (an implementation guide's) cannot be checked here.
  if (allowed === undefined || allowed.includes('Resource') || allowed.includes(type)) return undefined;
  return `cannot point at a ${type} (allowed: ${allowed.join(', ')})`;
}

/** The core types the profiles name, worked out once per element; undefined when one is not a core profile. */
const allowedByProfiles = new WeakMap<readonly string[], readonly string[] | undefined>();
function allowedTypes(targetProfiles: readonly string[]): readonly string[] | undefined {
  if (allowedByProfiles.has(targetProfiles)) return allowedByProfiles.get(targetProfiles);
  const allowed = targetProfiles.filter((p) => p.startsWith(PROFILE)).map((p) => p.slice(PROFILE.length));
  const out = allowed.length < targetProfiles.length ? undefined : allowed;
  allowedByProfiles.set(targetProfiles, out);
  return out;
}
