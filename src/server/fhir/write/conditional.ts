import type { Sql } from '../../../core/index.js';
import { invalid } from '../../../core/index.js';
import { runFhirSearch, type StoredResource } from '../../../store/index.js';
import { parseFhirSearch } from '../search/parse.js';
import type { WriteAccess } from './access.js';
import { WriteFailure } from './failure.js';

/**
 * The resources a conditional write's search matches (https://hl7.org/fhir/R4/http.html#ccreate,
 * #cond-update): the router's own search (the same parameters, the same 400 for one it does not
 * know), run inside the write's transaction so that it sees that transaction's writes. Result
 * parameters mean nothing here and are ignored; a condition with no criteria would match
 * everything and is refused. At most two come back: enough to tell none, one and several apart.
 * The lock is per condition: two different searches that match the same resource do not exclude each other.
 */
const NOT_CRITERIA = new Set([
  '_count',
  '_offset',
  '_sort',
  '_format',
  '_pretty',
  '_summary',
  '_elements',
  '_total',
  '_include',
  '_revinclude',
]);

export async function conditionalMatches(
  tx: Sql,
  type: string,
  query: string,
  field: string,
  access: WriteAccess = {},
): Promise<readonly StoredResource[]> {
  const params = new URLSearchParams(query);
  for (const name of [...params.keys()]) if (NOT_CRITERIA.has(name)) params.delete(name);
  if ([...params.keys()].length === 0)
    throw invalid(`the condition '${query}' has no search criteria: it would match every ${type}`, { field });
  const parsed = parseFhirSearch(type, params);
  // A condition about a patient the caller may not see is refused before anything is searched.
  const hidden = access.visible ? parsed.patients.find((p) => !access.visible!.has(p)) : undefined;
  if (hidden)
    throw new WriteFailure(403, `the condition names Patient/${hidden}, outside your patients`, { patient: hidden });
  // Two conditional writes with the same condition take turns: the second sees what the first wrote
  // (without this, two concurrent If-None-Exist creates on a server database could both create).
  await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`${type}?${params.toString()}`]);
  const found = await runFhirSearch(tx, type, {
    ...parsed.search,
    count: 2,
    offset: 0,
    total: 'none',
    include: [],
    revinclude: [],
  });
  return found.matches;
}
