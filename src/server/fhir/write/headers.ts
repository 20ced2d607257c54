import { invalid } from '../../../core/index.js';

/**
 * The request headers of FHIR writes (https://hl7.org/fhir/R4/http.html#concurrency,
 * #ops): `If-Match` (a version), `If-None-Exist` (a search), `Prefer: return=…`.
 */
export type PreferReturn = 'minimal' | 'representation' | 'OperationOutcome';

/** `Prefer: return=minimal|representation|OperationOutcome`; representation when absent or other. */
export function preferReturn(header: string | undefined): PreferReturn {
  const m = /(?:^|[;,\s])return\s*=\s*"?(minimal|representation|OperationOutcome)"?/i.exec(header ?? '');
  if (!m) return 'representation';
  const v = m[1]!.toLowerCase();
  return v === 'minimal' ? 'minimal' : v === 'operationoutcome' ? 'OperationOutcome' : 'representation';
}

/**
 * The version an `If-Match` names: `W/"3"` (what the server sends as ETag), also `"3"` or `3`
 * as some clients send it. Anything else is a 400 naming the header.
 */
export function ifMatchVersion(header: string | undefined, field = 'If-Match'): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"?([1-9]\d{0,9})"?\s*$/.exec(header);
  if (!m) throw invalid(`'${header}' is not a version: expected W/"n" as the ETag gave it`, { field });
  return Number(m[1]);
}

/** `If-None-Exist: identifier=…` (a query string, with or without a leading `?` or `Type?`). */
export function conditionQuery(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const q = header.trim().replace(/^[A-Za-z]*\?/, '');
  return q === '' ? undefined : q;
}
