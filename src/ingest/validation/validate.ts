import { validationRegexes } from '@medplum/core';
import { R4_RESOURCE_TYPES } from '../resource-types.js';
import { layoutOf, type Property, type TypeLayout } from './definitions.js';
import { referenceProblem } from './references.js';

/**
 * Checks a FHIR R4 resource against the official definitions: every property is an element of its
 * type, each value has its element's JSON type and format, cardinality (required elements, single
 * value vs array, maximum count), codes bound `required` (status, gender, …) are in their value
 * set, and references have a valid syntax and target type. Walks the JSON once along the
 * StructureDefinitions as compiled into r4-table.json. FHIRPath invariants are not evaluated:
 * @medplum/core's own validateResource does, at ~400 µs per Synthea resource (≈ 2,500/s, below the
 * import's ~7,000/s); this walk costs ~20–50 µs.
 */
export interface FhirIssue {
  readonly severity: 'error' | 'warning';
  /** The element, FHIRPath-style: `Observation.subject.reference`, `Patient.name[0].given[1]`. */
  readonly expression: string;
  readonly message: string;
}

export interface ValidateOptions {
  /**
   * The resource is an entry of a Bundle (or NDJSON file) whose references have not been resolved
   * yet: `urn:uuid:` and conditional references are allowed.
   */
  readonly inBundle?: boolean;
}

/** Deeper nesting than this is refused (an Extension within an Extension within … cannot overflow the stack). */
const MAX_DEPTH = 64;
const INT32 = 2 ** 31;

type Json = Record<string, unknown>;

interface Walk {
  readonly issues: FhirIssue[];
  readonly inBundle: boolean;
}

export function validateResource(resource: unknown, options: ValidateOptions = {}): FhirIssue[] {
  const walk: Walk = { issues: [], inBundle: options.inBundle ?? false };
  if (!isObject(resource)) {
    walk.issues.push({
      severity: 'error',
      expression: 'resourceType',
      message: `expected a resource (a JSON object), got ${kind(resource)}`,
    });
    return walk.issues;
  }
  resourceObject(resource, '', walk, 0);
  return walk.issues;
}

/** Only the errors (warnings are advice). */
export function validationErrors(resource: unknown, options: ValidateOptions = {}): FhirIssue[] {
  return validateResource(resource, options).filter((i) => i.severity === 'error');
}

function resourceObject(r: Json, path: string, walk: Walk, depth: number): void {
  const type = r.resourceType;
  const at = path || (typeof type === 'string' ? type : 'Resource');
  if (typeof type !== 'string' || !R4_RESOURCE_TYPES.has(type)) {
    error(
      walk,
      path ? `${path}.resourceType` : 'resourceType',
      typeof type === 'string' ? `'${type}' is not a FHIR R4 resource type` : 'resourceType is missing',
    );
    return;
  }
  const layout = layoutOf(type);
  if (!layout) {
    error(walk, `${at}.resourceType`, `no definition for ${type}`);
    return;
  }
  object(r, layout, at, walk, depth, true);
}

function object(o: Json, layout: TypeLayout, path: string, walk: Walk, depth: number, isResource: boolean): void {
  if (depth > MAX_DEPTH) {
    error(walk, path, `nested more than ${MAX_DEPTH} levels deep`);
    return;
  }
  // The property given for each choice element (`value[x]`), made when the object has one.
  let chosen: Map<string, string> | undefined;
  let empty = true;
  for (const key in o) {
    if (isResource && key === 'resourceType') continue;
    empty = false;
    const value = o[key];
    if (key.charCodeAt(0) === 95 /* _ */) {
      primitiveExtension(o, key, value, layout, path, walk, depth);
      continue;
    }
    const prop = layout.properties.get(key);
    if (!prop) {
      error(walk, `${path}.${key}`, `'${key}' is not an element of ${layout.name}`);
      continue;
    }
    if (prop.choice) {
      chosen ??= new Map();
      const other = chosen.get(prop.element);
      if (other !== undefined)
        error(walk, `${path}.${key}`, `only one of ${prop.element} may be given, but ${other} is too`);
      chosen.set(prop.element, key);
    }
    property(o, prop, value, `${path}.${key}`, walk, depth);
  }
  if (empty) {
    error(walk, path, 'an empty object is not a FHIR value');
    return;
  }
  for (const req of layout.required) {
    if (!req.names.some((n) => o[n] !== undefined || o[`_${n}`] !== undefined)) {
      error(
        walk,
        `${path}.${req.names.length === 1 ? req.names[0] : req.element}`,
        `${req.element} is required (min ${req.min})`,
      );
    }
  }
}

function property(parent: Json, prop: Property, value: unknown, path: string, walk: Walk, depth: number): void {
  if (prop.many) {
    if (!Array.isArray(value)) {
      error(walk, path, `expected an array of ${prop.type}, got ${kind(value)}`);
      return;
    }
    if (value.length === 0) {
      error(walk, path, 'an empty array is not a FHIR value; leave the element out');
      return;
    }
    if (value.length > prop.max) error(walk, path, `at most ${prop.max} value(s) allowed, got ${value.length}`);
    const ext = parent[`_${prop.name}`];
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      // A null stands for a value given only as an extension in the parallel `_name` array.
      if (v === null && Array.isArray(ext) && ext[i] != null) continue;
      item(prop, v, `${path}[${i}]`, walk, depth);
    }
    return;
  }
  if (Array.isArray(value)) {
    error(walk, path, `expected a single ${prop.type}, got an array`);
    return;
  }
  item(prop, value, path, walk, depth);
}

function item(prop: Property, v: unknown, path: string, walk: Walk, depth: number): void {
  const type = prop.type;
  if (prop.primitive) {
    const problem = primitiveProblem(type, v);
    if (problem) {
      error(walk, path, problem);
      return;
    }
    if (type === 'code') requiredCode(prop, v as string, path, walk);
    return;
  }
  if (!isObject(v)) {
    error(walk, path, `expected an object (${type}), got ${kind(v)}`);
    return;
  }
  if (type === 'Resource') {
    resourceObject(v, path, walk, depth + 1);
    return;
  }
  const layout = layoutOf(type);
  if (!layout) return; // no definition to check against (none in R4 core)
  object(v, layout, path, walk, depth + 1, false);
  if (type === 'Reference' && typeof v.reference === 'string') {
    const problem = referenceProblem(v.reference, prop.targetProfiles, walk.inBundle);
    if (problem) error(walk, `${path}.reference`, problem);
  } else if (type === 'Coding') requiredCoding(prop, v, path, walk);
  else if (type === 'CodeableConcept') requiredConcept(prop, v, path, walk);
}

/** `_given`, `_birthDate`: the id and extensions of a primitive value. */
function primitiveExtension(
  o: Json,
  key: string,
  value: unknown,
  layout: TypeLayout,
  path: string,
  walk: Walk,
  depth: number,
): void {
  const name = key.slice(1);
  const prop = layout.properties.get(name);
  if (!prop?.primitive) {
    error(walk, `${path}.${key}`, `'${key}' is not an element of ${layout.name}`);
    return;
  }
  const element = layoutOf('Element')!;
  const items = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) !== prop.many) {
    error(
      walk,
      `${path}.${key}`,
      Array.isArray(value) ? 'expected a single object, got an array' : 'expected an array parallel to the values',
    );
    return;
  }
  items.forEach((v, i) => {
    const at = Array.isArray(value) ? `${path}.${key}[${i}]` : `${path}.${key}`;
    if (v === null && Array.isArray(value)) {
      if (!Array.isArray(o[name]) || (o[name] as unknown[])[i] == null)
        error(walk, at, 'a null here needs a value at the same place in the element');
      return;
    }
    if (!isObject(v)) error(walk, at, `expected an object (Element), got ${kind(v)}`);
    else object(v, element, at, walk, depth + 1, false);
  });
}

function primitiveProblem(type: string, v: unknown): string | undefined {
  switch (type) {
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `expected a boolean, got ${kind(v)}`;
    case 'decimal':
      return typeof v === 'number' && Number.isFinite(v) ? undefined : `expected a number (decimal), got ${kind(v)}`;
    case 'integer':
    case 'positiveInt':
    case 'unsignedInt': {
      if (typeof v !== 'number' || !Number.isInteger(v) || v >= INT32 || v < -INT32)
        return `expected an integer (${type}), got ${kind(v)}`;
      if (type === 'positiveInt' && v < 1) return `expected a positive integer, got ${v}`;
      if (type === 'unsignedInt' && v < 0) return `expected a non-negative integer, got ${v}`;
      return undefined;
    }
    default: {
      if (typeof v !== 'string') return `expected a string (${type}), got ${kind(v)}`;
      if (v.length === 0) return 'an empty string is not a FHIR value; leave the element out';
      const re = validationRegexes[type];
      if (re && !re.test(v))
        return `${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)} is not a valid ${type}`;
      return undefined;
    }
  }
}

function requiredCode(prop: Property, code: string, path: string, walk: Walk): void {
  const vs = prop.required;
  if (!vs) return;
  for (const set of vs.codes.values()) if (set.has(code)) return;
  error(walk, path, `'${code}' is not in the required value set ${vs.url} (${listed(vs.codes)})`);
}

function requiredCoding(prop: Property, c: Json, path: string, walk: Walk): void {
  const vs = prop.required;
  if (!vs) return;
  const problem = codingProblem(c, vs.codes);
  if (problem) error(walk, `${path}.${problem.at}`, `${problem.message} (required value set ${vs.url})`);
}

function requiredConcept(prop: Property, cc: Json, path: string, walk: Walk): void {
  const vs = prop.required;
  if (!vs || !Array.isArray(cc.coding)) return;
  let fromSet = false;
  cc.coding.forEach((c, i) => {
    if (!isObject(c) || typeof c.system !== 'string' || !vs.codes.has(c.system)) return;
    fromSet = true;
    const problem = codingProblem(c, vs.codes);
    if (problem) error(walk, `${path}.coding[${i}].${problem.at}`, `${problem.message} (required value set ${vs.url})`);
  });
  if (!fromSet && cc.coding.length > 0) {
    error(
      walk,
      `${path}.coding`,
      `no coding is from the required value set ${vs.url} (systems: ${[...vs.codes.keys()].join(', ')})`,
    );
  }
}

function codingProblem(
  c: Json,
  codes: ReadonlyMap<string, ReadonlySet<string>>,
): { at: string; message: string } | undefined {
  if (typeof c.system !== 'string') return { at: 'system', message: 'the system is missing' };
  const set = codes.get(c.system);
  if (!set) return { at: 'system', message: `'${c.system}' is not a system of the value set` };
  if (typeof c.code !== 'string') return { at: 'code', message: 'the code is missing' };
  return set.has(c.code) ? undefined : { at: 'code', message: `'${c.code}' is not a code of ${c.system}` };
}

function listed(codes: ReadonlyMap<string, ReadonlySet<string>>): string {
  const all = [...codes.values()].flatMap((s) => [...s]);
  return all.length <= 12 ? all.join(', ') : `${all.slice(0, 12).join(', ')}, … ${all.length} codes`;
}

function error(walk: Walk, expression: string, message: string): void {
  walk.issues.push({ severity: 'error', expression, message });
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `a number (${v})`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}
