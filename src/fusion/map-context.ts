import type { Assertion, Fact, FactCategory, FactTime } from '../core/index.js';
import { stableId } from '../core/index.js';
import type { AnyResource } from './fhir.js';
import { instant, sourceOf } from './fhir.js';

/** What a resource mapper knows besides the resource: whose record, when, and the other resources. */
export interface MapContext {
  readonly patientId: string;
  /** The moment the state describes (ms); statuses are read as they stood then. Omitted = now. */
  readonly at?: number;
  /** Finds a referenced resource (a Medication, a contained resource) by reference. */
  readonly resolve?: (reference: string) => AnyResource | undefined;
}

/** A fact from a coded resource: id stable in the resource and the element used. */
export function codedFact(
  r: AnyResource,
  ctx: MapContext,
  path: string,
  fields: Omit<Fact, 'id' | 'patientId' | 'sources' | 'subject'> & Partial<Pick<Fact, 'subject'>>,
): Fact {
  return {
    id: `F${stableId(ctx.patientId, r.resourceType, r.id, path, fields.concept.code).slice(0, 16)}`,
    patientId: ctx.patientId,
    subject: { who: 'patient' },
    ...fields,
    sources: [sourceOf(r, path)],
  } as Fact;
}

/**
 * Whether something that ended (abated, stopped, resolved) had ended by the state's moment: a
 * condition resolved in 2020 was active in a state `at` 2019.
 */
export function endedBy(time: FactTime | undefined, ctx: MapContext): boolean | undefined {
  const end = instant(time?.end);
  if (end === undefined) return undefined;
  return end <= (ctx.at ?? Date.now());
}

/** Which space a category lives in (ARCHITECTURE.md: phenotype, intervention, biology). */
export function spaceOf(category: FactCategory): 'phenotype' | 'intervention' | 'biology' | 'timeline' {
  switch (category) {
    case 'medication':
    case 'procedure':
      return 'intervention';
    case 'genotype':
      return 'biology';
    case 'encounter':
      return 'timeline';
    default:
      return 'phenotype';
  }
}

/** `active`/`confirmed` style statuses to an assertion, shared by Condition and AllergyIntolerance. */
export function clinicalAssertion(
  clinical: string | undefined,
  verification: string | undefined,
  ended: boolean | undefined,
): Assertion | undefined {
  if (verification === 'entered-in-error') return undefined;
  if (verification === 'refuted') return 'absent';
  if (verification === 'provisional' || verification === 'differential' || verification === 'unconfirmed')
    return 'possible';
  if (ended === true) return 'historical';
  if (ended === false) return 'present';
  if (clinical === 'inactive' || clinical === 'resolved' || clinical === 'remission') return 'historical';
  return 'present';
}
