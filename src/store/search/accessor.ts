import {
  AsAtom,
  DotAtom,
  FhirPathAtom,
  FunctionAtom,
  IsAtom,
  isResource,
  removeDuplicates,
  SymbolAtom,
  type TypedValue,
  toJsBoolean,
  UnionAtom,
} from '@medplum/core';
import { asEvaluated, type Element, elementOf, propertyWith } from './compile.js';

/**
 * Search parameter expressions made of element steps only — `Observation.code`, `Patient.name.given`,
 * unions of such paths, `as`/`ofType` type filters and `where(resolve() is Patient)` — compiled into
 * plain reads of the resource's properties, for what `evalFhirPathTyped(parsed, [resource])` gives.
 * They need no evaluation context (no variables, no `$this`), so none is made per item as the general
 * closures of compile.ts make it; each element step keeps the element it last looked up. Any other
 * expression (`telecom.where(system = 'email')`, `deceased.exists() and …`) has no accessor: the caller
 * evaluates it with compile.ts. Each step copies the engine's own (see compile.ts for the sources).
 */
type Step = (input: TypedValue[]) => TypedValue[];

/** The accessor of a parsed expression, or undefined when it is not made of the atoms above. */
export function compileAccessor(parsed: FhirPathAtom): ((input: TypedValue[]) => TypedValue[]) | undefined {
  const step = compile(parsed);
  return step && ((input) => asEvaluated(step(input)));
}

function compile(atom: unknown): Step | undefined {
  if (atom instanceof FhirPathAtom) {
    const child = compile(atom.child);
    if (!child) return undefined;
    return (input) => {
      // The engine evaluates the child on each item alone; the steps never change the array they are given.
      if (input.length <= 1) return child(input);
      const out: TypedValue[] = [];
      for (const e of input) for (const x of child([e])) out.push(x);
      return out;
    };
  }
  if (atom instanceof DotAtom) {
    const left = compile(atom.left);
    const right = compile(atom.right);
    return left && right && ((input) => right(left(input)));
  }
  if (atom instanceof UnionAtom) {
    const left = compile(atom.left);
    const right = compile(atom.right);
    if (!left || !right) return undefined;
    return (input) => {
      const l = left(input);
      const r = right(input);
      // Nothing to remove from one item or none (UnionAtom removes duplicates by FHIRPath equality).
      if (l.length + r.length <= 1) return l.length ? l : r;
      return removeDuplicates([...l, ...r]);
    };
  }
  if (atom instanceof SymbolAtom) {
    if (atom.name === '$this') return (input) => input;
    // A variable needs a context.
    if (atom.name.startsWith('$') || atom.name.startsWith('%')) return undefined;
    return element(atom.name);
  }
  if (atom instanceof AsAtom && atom.right instanceof SymbolAtom) {
    // functions.ofType: items whose type is the name.
    const left = compile(atom.left);
    const name = atom.right.name;
    return left && ((input) => left(input).filter((e) => e.type === name));
  }
  if (atom instanceof FunctionAtom) {
    const arg = atom.args[0];
    if (atom.name === 'ofType' && atom.args.length === 1 && arg instanceof SymbolAtom) {
      const name = arg.name;
      return (input) => input.filter((e) => e.type === name);
    }
    // functions.as returns its input unchanged.
    if (atom.name === 'as' && atom.args.length === 1) return (input) => input;
    if (atom.name === 'where' && atom.args.length === 1) return resolvesTo(arg);
  }
  return undefined;
}

/** fhirPathIs treats these type names apart; any other name is compared with the resolved type. */
const SPECIAL_TYPES = new Set(['Boolean', 'Decimal', 'Integer', 'Date', 'DateTime', 'Time', 'Period', 'Quantity']);

/**
 * `where(resolve() is Type)`: the references whose literal reference names the type (functions.resolve:
 * `Type/id` and `Type?…` resolve to `{ resourceType: Type }`). An item of any other shape (a contained
 * `resource`, a reference by identifier, a plain string) is given to the engine's criteria as it is.
 */
function resolvesTo(criteria: unknown): Step | undefined {
  if (!(criteria instanceof IsAtom) || !(criteria.right instanceof SymbolAtom)) return undefined;
  const resolve = criteria.left;
  if (!(resolve instanceof FunctionAtom) || resolve.name !== 'resolve' || resolve.args.length !== 0) return undefined;
  const type = criteria.right.name;
  if (!/^[A-Z][A-Za-z]*$/.test(type) || SPECIAL_TYPES.has(type)) return undefined;
  const general = (e: TypedValue) => toJsBoolean(criteria.eval({ variables: { $this: e } }, [e]));
  return (input) =>
    input.filter((e) => {
      const value = e.value as Record<string, unknown> | null | undefined;
      if (!value || typeof value !== 'object' || 'resource' in value) return general(e);
      const ref = value.reference;
      if (typeof ref !== 'string' || ref === '') return general(e);
      const query = ref.indexOf('?');
      if (query >= 0) return ref.slice(0, query) === type;
      const slash = ref.indexOf('/');
      // No type to resolve to: resolve() gives nothing, and `is` of nothing is empty (false).
      return slash >= 0 && ref.slice(0, slash) === type;
    });
}

/** SymbolAtom.eval on an element name: the resource itself when it is of that type, else the element of each item. */
function element(name: string): Step {
  // The element of the last type seen: a step nearly always reads items of one type.
  let lastType: string | undefined;
  let last: Element | null = null;
  return (input) => {
    const out: TypedValue[] = [];
    for (const e of input) {
      const value = e.value as Record<string, unknown> | null | undefined;
      if (!value || typeof value !== 'object') continue;
      if (isResource(value, name as never)) {
        out.push(e);
        continue;
      }
      if (e.type !== lastType) {
        lastType = e.type;
        last = elementOf(e.type, name);
      }
      // An element of one type without a primitive extension (nearly every one) is read here; the rest as
      // compile.ts reads it.
      if (last === null || last.names.length !== 1 || value[last.extensionNames[0]!]) {
        const r = propertyWith(e, name, last);
        if (Array.isArray(r)) {
          for (const x of r) if (x?.value !== undefined) out.push(x);
        } else if (r?.value !== undefined) out.push(r);
        continue;
      }
      const v: unknown = (value as Record<string, unknown>)[last.names[0]!];
      if (isEmpty(v)) continue;
      const type = last.codes[0]!;
      if (Array.isArray(v)) {
        for (const x of v) if (x !== undefined) out.push(withType(x, type));
      } else out.push(withType(v, type));
    }
    return out;
  };
}

function withType(value: unknown, type: string): TypedValue {
  if (type === 'Resource' && isResource(value)) return { type: value.resourceType, value };
  return { type, value };
}

/** @medplum/core's isEmpty (utils.ts) without the array of keys it makes for an object. */
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v === '';
  if (typeof v !== 'object') return false;
  if ('length' in v && (v as { length: number }).length > 0) return false;
  for (const key in v) if (Object.hasOwn(v, key)) return false;
  return true;
}
