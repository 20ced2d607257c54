import { tryGetDataType } from '@medplum/core';
import { type FhirResource, searchParametersOf } from '../../../store/index.js';

/**
 * `_summary` and `_elements` (https://hl7.org/fhir/R4/search.html#summary, #elements): the
 * top-level elements a client asked for, from the R4 StructureDefinitions' `isSummary` and
 * mandatory flags. A trimmed resource carries the SUBSETTED tag so no one mistakes it for the whole.
 */
export type Summary = 'true' | 'false' | 'text' | 'data' | 'count';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
const ALWAYS = new Set(['resourceType', 'id', 'meta']);

/** Top-level JSON names that `property` (an element name; `value[x]` as `value`) covers. */
function covers(key: string, property: string): boolean {
  if (key === property) return true;
  if (key.startsWith('_')) return covers(key.slice(1), property);
  // value[x] → valueQuantity, valueString…
  return key.startsWith(property) && /^[A-Z]/.test(key.slice(property.length));
}

function keep(resource: FhirResource, wanted: (key: string) => boolean): FhirResource {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resource)) if (ALWAYS.has(k) || wanted(k)) out[k] = v;
  const meta = (out.meta ?? {}) as { tag?: unknown[] };
  out.meta = { ...meta, tag: [...(Array.isArray(meta.tag) ? meta.tag : []), SUBSETTED] };
  return out as FhirResource;
}

function propertiesOf(type: string, which: 'summaryProperties' | 'mandatoryProperties'): readonly string[] {
  searchParametersOf(type); // loads the StructureDefinitions
  return [...(tryGetDataType(type)?.[which] ?? [])];
}

/** The resource as `_summary` and `_elements` ask (unchanged when neither does). */
export function shape(
  resource: FhirResource,
  summary: Summary | undefined,
  elements?: readonly string[],
): FhirResource {
  const type = resource.resourceType;
  if (elements && elements.length > 0) {
    const mandatory = propertiesOf(type, 'mandatoryProperties');
    return keep(resource, (k) => [...elements, ...mandatory].some((p) => covers(k, p)));
  }
  switch (summary) {
    case undefined:
    case 'false':
    case 'count':
      return resource;
    case 'true': {
      const props = propertiesOf(type, 'summaryProperties');
      return keep(resource, (k) => props.some((p) => covers(k, p)));
    }
    case 'text': {
      const mandatory = propertiesOf(type, 'mandatoryProperties');
      return keep(resource, (k) => k === 'text' || mandatory.some((p) => covers(k, p)));
    }
    case 'data':
      return keep(resource, (k) => k !== 'text');
  }
}
