import type { Bundle, BundleEntry, BundleLink, FhirResource as R4Resource } from 'fhir/r4.js';
import type { FhirResource, StoredResource } from '../../../store/index.js';
import { fullUrl, pageLinks } from '../bundle.js';
import { operationOutcome } from '../operation-outcome.js';
import { type Summary, shape } from './summary.js';

/**
 * The searchset Bundle of a search (https://hl7.org/fhir/R4/bundle.html#searchset): matches
 * (`search.mode` match), what `_include`/`_revinclude` added (`include`), and, when parameters
 * were ignored under `Prefer: handling=lenient` or includes were cut short, an OperationOutcome
 * entry (`outcome`). The self link shows the search as it was run, without ignored parameters.
 */
export interface SearchsetPage {
  readonly base: string;
  /** `http://h/fhir/Observation`, without parameters. */
  readonly url: string;
  readonly echo: readonly (readonly [string, string])[];
  readonly count: number;
  readonly offset: number;
  /** Undefined under `_total=none`. */
  readonly total?: number;
  readonly summary?: Summary;
  readonly elements?: readonly string[];
  /** Warnings for the outcome entry. */
  readonly warnings: readonly { readonly name: string; readonly message: string }[];
}

export function searchResultBundle(
  page: SearchsetPage,
  matches: readonly StoredResource[],
  included: readonly StoredResource[],
): Bundle {
  const entry = (s: StoredResource, mode: 'match' | 'include'): BundleEntry => ({
    fullUrl: fullUrl(page.base, s),
    resource: shape(s.resource as FhirResource, page.summary, page.elements) as unknown as R4Resource,
    search: { mode },
  });
  const entries = [...matches.map((m) => entry(m, 'match')), ...included.map((i) => entry(i, 'include'))];
  const [first, ...rest] = page.warnings;
  if (first) {
    const outcome = operationOutcome('not-supported', first.message, {
      expression: first.name,
      severity: 'warning',
      more: rest.map((w) => ({
        severity: 'warning',
        code: 'not-supported',
        diagnostics: w.message,
        expression: [w.name],
      })),
    });
    entries.push({ resource: outcome as unknown as R4Resource, search: { mode: 'outcome' } });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(page.total !== undefined ? { total: page.total } : {}),
    link: links(page, matches.length),
    ...(entries.length > 0 ? { entry: entries } : {}),
  };
}

/** Offset paging links; without a total (`_total=none`) a next link when the page is full, and no last. */
function links(page: SearchsetPage, shown: number): BundleLink[] {
  if (page.total !== undefined) return pageLinks({ ...page, total: page.total });
  const all = pageLinks({ ...page, total: page.offset + shown + (shown === page.count ? 1 : 0) });
  return all.filter((l) => l.relation !== 'last');
}
