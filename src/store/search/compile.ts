import {
  AsAtom,
  DotAtom,
  FhirPathAtom,
  FunctionAtom,
  getElementDefinition,
  getTypedPropertyValueWithoutSchema,
  getTypedPropertyValueWithSchema,
  type InternalSchemaElement,
  isEmpty,
  isResource,
  removeDuplicates,
  SymbolAtom,
  type TypedValue,
  toJsBoolean,
  UnionAtom,
} from '@medplum/core';

/**
 * Search parameter expressions compiled once into closures that give exactly what
 * `evalFhirPathTyped(parsed, input)` of @medplum/core 4.5.2 gives. Most of that engine's time on a
 * search expression went to reading each element step (`getTypedPropertyValueWithSchema`), which
 * looks the element up and, for a choice element such as `value[x]`, builds each typed name
 * (`valueQuantity`, `valueString`, … about fifty of them) on every call. Here the lookup and the
 * typed names are cached per (type, element); the steps, unions, `as`/`ofType` filters and
 * `where(…)` are closures. Any other atom is evaluated by the engine itself with the same context,
 * so what the engine does with it is unchanged. The step semantics copy the engine's sources
 * (fhirpath/atoms.ts `SymbolAtom`, fhirpath/utils.ts `getTypedPropertyValue*`, fhirpath/parse.ts
 * `evalFhirPathTyped`, from the source map shipped in @medplum/core/dist/esm/index.mjs.map).
 */

interface Context {
  readonly parent?: Context;
  readonly variables: Record<string, TypedValue>;
}

type Evaluator = (context: Context, input: TypedValue[]) => TypedValue[];

/** One element of one type, with the property names to try, in the engine's order, and their types. */
export interface Element {
  readonly definition: InternalSchemaElement;
  readonly names: readonly string[];
  readonly extensionNames: readonly string[];
  readonly codes: readonly string[];
}

/** The evaluation of a parsed expression on `input` (the resource), as `evalFhirPathTyped` returns it. */
export function compileExpression(parsed: FhirPathAtom): (input: TypedValue[]) => TypedValue[] {
  const evaluate = compile(parsed);
  return (input) => asEvaluated(evaluate({ variables: {} }, input));
}

/**
 * evalFhirPathTyped gives each value as `{ type, value: value?.valueOf() }`: the String/Number objects
 * that primitive extensions make unwrapped. Any other value is left as it is, and so is its item.
 */
export function asEvaluated(out: TypedValue[]): TypedValue[] {
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    const value = v.value as unknown;
    if (value instanceof String || value instanceof Number || value instanceof Boolean || !plain(v))
      out[i] = { type: v.type, value: v.value?.valueOf() };
  }
  return out;
}

/** An item with only `type` and `value`, as evalFhirPathTyped would make it. */
function plain(v: TypedValue): boolean {
  let n = 0;
  for (const key in v) if (key === 'type' || key === 'value' ? ++n > 2 : true) return false;
  return n === 2;
}

function compile(atom: unknown): Evaluator {
  if (atom instanceof FhirPathAtom) {
    const child = compile(atom.child);
    return (context, input) => {
      if (input.length === 0) return child(context, []);
      if (input.length === 1) return child({ parent: context, variables: { $this: input[0]! } }, [input[0]!]);
      const out: TypedValue[] = [];
      for (const e of input) out.push(...child({ parent: context, variables: { $this: e } }, [e]));
      return out;
    };
  }
  if (atom instanceof DotAtom) {
    const left = compile(atom.left);
    const right = compile(atom.right);
    return (context, input) => right(context, left(context, input));
  }
  if (atom instanceof UnionAtom) {
    const left = compile(atom.left);
    const right = compile(atom.right);
    return (context, input) => {
      const l = left(context, input);
      const r = right(context, input);
      // Nothing to remove from one item or none.
      if (l.length + r.length <= 1) return l.length ? l : r;
      return removeDuplicates([...l, ...r]);
    };
  }
  if (atom instanceof SymbolAtom) return symbol(atom.name);
  if (atom instanceof AsAtom && atom.right instanceof SymbolAtom) {
    // functions.ofType: items whose type is the name.
    const left = compile(atom.left);
    const name = atom.right.name;
    return (context, input) => left(context, input).filter((e) => e.type === name);
  }
  if (atom instanceof FunctionAtom) {
    const arg = atom.args[0];
    if (atom.name === 'ofType' && atom.args.length === 1 && arg instanceof SymbolAtom) {
      const name = arg.name;
      return (_context, input) => input.filter((e) => e.type === name);
    }
    // functions.as returns its input unchanged.
    if (atom.name === 'as' && atom.args.length === 1) return (_context, input) => input;
    if (atom.name === 'where' && atom.args.length === 1 && arg) {
      const criteria = compile(arg);
      return (context, input) => input.filter((e) => toJsBoolean(criteria(context, [e])));
    }
  }
  const generic = atom as { eval(context: Context, input: TypedValue[]): TypedValue[] };
  return (context, input) => generic.eval(context, input);
}

/** SymbolAtom.eval: `$this`, a variable, or the element `name` of each item. */
function symbol(name: string): Evaluator {
  if (name === '$this') return (_context, input) => input;
  // The contexts made here hold `$this` only (compileExpression starts from none, as evalFhirPathTyped does
  // without variables), so only a `$`/`%` name can be a variable.
  const mayBeVariable = name.startsWith('%') || name.startsWith('$');
  return (context, input) => {
    const variable = mayBeVariable ? variableOf(context, name) : undefined;
    if (variable) return [variable];
    if (name.startsWith('%')) throw new Error(`Undefined variable ${name}`);
    const out: TypedValue[] = [];
    for (const e of input) {
      const value = e.value as unknown;
      if (!value || typeof value !== 'object') continue;
      if (isResource(value, name as never)) {
        out.push(e);
        continue;
      }
      const r = propertyOf(e, name);
      if (Array.isArray(r)) {
        for (const x of r) if (x?.value !== undefined) out.push(x);
      } else if (r?.value !== undefined) out.push(r);
    }
    return out;
  };
}

function variableOf(context: Context | undefined, name: string): TypedValue | undefined {
  for (let c = context; c; c = c.parent) {
    const value = c.variables[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

const elements = new Map<string, Map<string, Element | null>>();

export function elementOf(type: string, path: string): Element | null {
  let byPath = elements.get(type);
  if (!byPath) {
    byPath = new Map();
    elements.set(type, byPath);
  }
  let element = byPath.get(path);
  if (element === undefined) {
    const definition = getElementDefinition(type, path);
    element = null;
    if (definition) {
      const last = definition.path.substring(definition.path.lastIndexOf('.') + 1);
      const codes = (definition.type ?? []).map((t) => t.code);
      const names = codes.map((code) => last.replace('[x]', capitalize(code)));
      element = { definition, names, extensionNames: names.map((n) => `_${n}`), codes };
    }
    byPath.set(path, element);
  }
  return element;
}

/** The engine's `capitalize` (utils.ts). */
function capitalize(word: string): string {
  return word ? word.charAt(0).toUpperCase() + word.substring(1) : '';
}

/** getTypedPropertyValue without a profile, the element looked up once. */
function propertyOf(input: TypedValue, path: string): TypedValue[] | TypedValue | undefined {
  if (!input.value) return undefined;
  return propertyWith(input, path, elementOf(input.type, path));
}

/** propertyOf with the element of `input.type` and `path` already looked up (accessor.ts caches it per step). */
export function propertyWith(
  input: TypedValue,
  path: string,
  element: Element | null,
): TypedValue[] | TypedValue | undefined {
  if (!element) return getTypedPropertyValueWithoutSchema(input, path);
  const { names, codes } = element;
  if (names.length === 0) return undefined;
  const value = input.value as Record<string, unknown>;
  let result: unknown;
  let type = 'undefined';
  for (let i = 0; i < names.length; i++) {
    result = value[names[i]!];
    const extension = value[element.extensionNames[i]!];
    if (extension) return getTypedPropertyValueWithSchema(input, path, element.definition);
    if (result !== undefined || extension !== undefined) {
      type = codes[i]!;
      break;
    }
  }
  if (isEmpty(result)) return undefined;
  if (type === 'Element' || type === 'BackboneElement') type = codes[0]!;
  if (Array.isArray(result)) return result.map((v) => withType(v, type));
  return withType(result, type);
}

function withType(value: unknown, type: string): TypedValue {
  if (type === 'Resource' && isResource(value)) return { type: value.resourceType, value };
  return { type, value };
}
