import type { Bundle } from 'fhir/r4.js';
import type { Fact, PatientState } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { AnyResource } from './fhir.js';
import { defaultCrosswalk } from './crosswalk.js';
import { type FuseOptions, fuse } from './fuse.js';

/** The resources of a Bundle (searchset, collection, transaction) or of a single resource. */
export function bundleResources(value: unknown): AnyResource[] {
  if (!value || typeof value !== 'object') return [];
  const r = value as AnyResource;
  if (r.resourceType === 'Bundle') {
    // Entries of a transaction may carry their id only in a `urn:uuid:` fullUrl.
    return ((r as unknown as Bundle).entry ?? []).flatMap((e) => {
      const inner = e.resource as AnyResource | undefined;
      if (inner && !inner.id && e.fullUrl?.startsWith('urn:uuid:'))
        return bundleResources({ ...inner, id: e.fullUrl.slice(9) });
      return bundleResources(inner);
    });
  }
  return typeof r.resourceType === 'string' ? [r] : [];
}

export interface PrefetchInput {
  /**
   * CDS Hooks prefetch (https://cds-hooks.hl7.org/2.0/#prefetch-template): each key holds a
   * resource (the Patient), a searchset Bundle, or null when the EHR could not fetch it.
   */
  readonly prefetch: Readonly<Record<string, unknown>>;
  /** `context.patientId` of the hook; when absent, the prefetched Patient's id. */
  readonly patientId?: string;
  /** `context.draftOrders` (order-select / order-sign): a Bundle of proposed orders, fused as `hypothetical`. */
  readonly draftOrders?: unknown;
  /** Facts already extracted from notes, if the caller has any. */
  readonly noteFacts?: readonly Fact[];
}

/**
 * A CDS Hooks request's resources: the prefetched record, the draft orders, and whose record it is
 * (`context.patientId`, else the prefetched Patient); a request naming no patient is refused.
 */
export function prefetchRecord(input: Pick<PrefetchInput, 'prefetch' | 'patientId' | 'draftOrders'>): {
  resources: AnyResource[];
  drafts: AnyResource[];
  patient: AnyResource | undefined;
  patientId: string;
} {
  const resources = Object.values(input.prefetch).flatMap(bundleResources);
  const drafts = bundleResources(input.draftOrders);
  const patient = resources.find((r) => r.resourceType === 'Patient' && (!input.patientId || r.id === input.patientId));
  const patientId = input.patientId ?? patient?.id;
  if (!patientId)
    throw invalid('no patient: give context.patientId or prefetch the Patient', { field: 'context.patientId' });
  return { resources, drafts, patient, patientId };
}

/**
 * A PatientState from a CDS Hooks request's prefetch (and draft orders), for the safety and CDS
 * reasoners: nothing is read from the store. Draft orders keep `status: draft` and
 * `assertion: hypothetical`, so rules can tell the proposed order from what the patient takes.
 */
export function stateFromPrefetch(input: PrefetchInput, options: FuseOptions = {}): PatientState {
  const { resources, drafts, patient, patientId } = prefetchRecord(input);
  return fuse(patient ?? patientId, [...resources, ...drafts], input.noteFacts ?? [], {
    crosswalk: defaultCrosswalk(),
    ...options,
  });
}

/** A PatientState from any FHIR Bundle holding one patient's record (tests, imports, the demo). */
export function stateFromBundle(
  bundle: unknown,
  noteFacts: readonly Fact[] = [],
  options: FuseOptions = {},
): PatientState {
  const resources = bundleResources(bundle);
  const patient = resources.find((r) => r.resourceType === 'Patient');
  if (!patient?.id) throw invalid('the bundle holds no Patient with an id', { field: 'Bundle.entry.resource' });
  return fuse(patient, resources, noteFacts, options);
}
