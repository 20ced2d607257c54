import { Deidentifier, type PhiKind } from '../../llm/index.js';
import type { AnyResource } from '../../fusion/index.js';

/**
 * De-identification of a tool's result for an untrusted client (AgentAccess.deidentify): every
 * string in the result goes through the LLM stage's de-identifier (llm/deid), with the patient's
 * own names and identifiers from the Patient resource always masked and dates moved by the
 * patient's shift, the same for every call (with MEDSEEK_DEID_SECRET, across processes too).
 * Ids, codes and numbers are left as they are so the client can call the next tool; text spans
 * (`start`, `end`) keep pointing at the original note, which an untrusted client never sees.
 */
export function deidentifierFor(patient: AnyResource, secret: string | undefined): Deidentifier {
  const p = patient as {
    id?: string;
    name?: { text?: string; family?: string; given?: string[] }[];
    identifier?: { value?: string }[];
    telecom?: { value?: string }[];
  };
  const names = (p.name ?? []).flatMap((n) =>
    [n.text, n.family, ...(n.given ?? []), [n.family, ...(n.given ?? [])].filter(Boolean).join('')].filter(
      (s): s is string => !!s && s.trim().length > 0,
    ),
  );
  const identifiers = [
    ...(p.identifier ?? []).map((i) => ({ kind: 'MRN' as PhiKind, value: i.value ?? '' })),
    ...(p.telecom ?? []).map((t) => ({ kind: 'PHONE' as PhiKind, value: t.value ?? '' })),
  ].filter((i) => i.value.trim());
  return new Deidentifier({
    patientKey: p.id ?? '',
    ...(secret ? { secret } : {}),
    knownNames: [...new Set(names)],
    knownIdentifiers: identifiers,
  });
}

/** Keys whose values are handles or codes, never free text about the patient. */
const KEPT = new Set(['id', 'patientId', 'system', 'code', 'document', 'resourceType', 'kind', 'ruleId', 'uri']);

export function deidentifyValue<T>(value: T, d: Deidentifier): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key && KEPT.has(key) ? v : d.deidentify(v).text;
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value) as T;
}
