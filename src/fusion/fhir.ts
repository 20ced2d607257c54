import type { CodeableConcept, Coding as FhirCoding, Period, Quantity as FhirQuantity, Reference } from 'fhir/r4.js';
import type { Coding, Concept, FactTime, Quantity, ResourceSource } from '../core/index.js';
import { CodeSystems, resourceSource, ucumOf } from '../core/index.js';

/** Any FHIR R4 resource as it comes out of the store or a bundle. */
export type AnyResource = {
  readonly resourceType: string;
  readonly id?: string;
  readonly meta?: { versionId?: string; lastUpdated?: string };
} & Record<string, unknown>;

/**
 * Code system URIs written in the wild for the same system, mapped to the one MedSeek uses
 * (https://hl7.org/fhir/R4/terminologies-systems.html lists the canonical ones).
 */
const systemAliases: Record<string, string> = {
  'urn:oid:2.16.840.1.113883.6.96': CodeSystems.snomed,
  'http://snomed.info/id': CodeSystems.snomed,
  'urn:oid:2.16.840.1.113883.6.1': CodeSystems.loinc,
  'urn:oid:2.16.840.1.113883.6.88': CodeSystems.rxnorm,
  'http://www.nlm.nih.gov/research/umls/rxnorm/': CodeSystems.rxnorm,
  'urn:oid:2.16.840.1.113883.6.3': CodeSystems.icd10,
  'urn:oid:2.16.840.1.113883.6.90': CodeSystems.icd10cm,
  'urn:oid:2.16.840.1.113883.6.8': CodeSystems.ucum,
  'http://www.genenames.org/geneId': CodeSystems.hgnc,
  'http://www.genenames.org/': CodeSystems.hgnc,
};

export function normaliseSystem(system: string | undefined): string {
  if (!system) return 'urn:medseek:text';
  return systemAliases[system] ?? system;
}

const hasCjk = /[\u3400-\u9fff]/;

function toCoding(c: FhirCoding, text?: string): Coding | undefined {
  if (!c.code) return undefined;
  const display = c.display ?? text;
  const zh = display && hasCjk.test(display) ? display : undefined;
  return {
    system: normaliseSystem(c.system),
    code: c.code,
    ...(display && !zh ? { display } : {}),
    ...(zh ? { displayZh: zh } : {}),
    ...(zh && text && !hasCjk.test(text) ? { display: text } : {}),
  };
}

/**
 * A CodeableConcept as a core Concept: the first coding is primary (a user-selected one wins),
 * the others ride along in `codings`. Text-only concepts get a `urn:medseek:text` code so they can
 * still be matched by name.
 */
export function conceptOf(cc: CodeableConcept | undefined): Concept | undefined {
  if (!cc) return undefined;
  const codings = (cc.coding ?? []).map((c) => toCoding(c, cc.text)).filter((c): c is Coding => c !== undefined);
  const chosen = (cc.coding ?? []).findIndex((c) => c.userSelected);
  if (chosen > 0) codings.unshift(...codings.splice(chosen, 1));
  const text = cc.text?.trim();
  const primary = codings[0];
  if (!primary) {
    if (!text) return undefined;
    return hasCjk.test(text)
      ? { system: 'urn:medseek:text', code: text, displayZh: text }
      : { system: 'urn:medseek:text', code: text, display: text };
  }
  // Fill the other language's name from text or another coding where the primary lacks it.
  const display =
    primary.display ?? codings.find((c) => c.display)?.display ?? (text && !hasCjk.test(text) ? text : undefined);
  const displayZh =
    primary.displayZh ?? codings.find((c) => c.displayZh)?.displayZh ?? (text && hasCjk.test(text) ? text : undefined);
  // The record's own words (CodeableConcept.text) are another name to match notes by.
  const others = codings.slice(1);
  if (
    text &&
    text !== display &&
    text !== displayZh &&
    !others.some((c) => c.display === text || c.displayZh === text)
  ) {
    others.push(
      hasCjk.test(text)
        ? { system: 'urn:medseek:text', code: text, displayZh: text }
        : { system: 'urn:medseek:text', code: text, display: text },
    );
  }
  return {
    ...primary,
    ...(display ? { display } : {}),
    ...(displayZh ? { displayZh } : {}),
    ...(others.length ? { codings: others } : {}),
  };
}

function asList(cc: CodeableConcept | readonly CodeableConcept[] | undefined): readonly CodeableConcept[] {
  if (!cc) return [];
  return Array.isArray(cc) ? (cc as readonly CodeableConcept[]) : [cc as CodeableConcept];
}

export function codesOf(cc: CodeableConcept | readonly CodeableConcept[] | undefined): string[] {
  const list = asList(cc);
  return list.flatMap((c) => (c.coding ?? []).map((x) => x.code).filter((x): x is string => !!x));
}

export function firstCode(cc: CodeableConcept | undefined): string | undefined {
  return cc?.coding?.find((c) => c.code)?.code;
}

export function hasCode(
  cc: CodeableConcept | readonly CodeableConcept[] | undefined,
  system: string,
  codes: readonly string[],
): boolean {
  const list = asList(cc);
  return list.some((c) =>
    (c.coding ?? []).some(
      (x) => normaliseSystem(x.system) === system && x.code !== undefined && codes.includes(x.code),
    ),
  );
}

/** The UCUM code for a unit a record writes in another way (core's units table); unknown units are kept as written. */
export function normaliseUnit(unit: string | undefined): string {
  if (!unit) return '1';
  return ucumOf(unit.trim()) ?? unit.trim();
}

export function quantityOf(q: FhirQuantity | undefined): Quantity | undefined {
  if (!q || typeof q.value !== 'number') return undefined;
  const written = q.unit ?? q.code;
  const unit = q.system === CodeSystems.ucum && q.code ? q.code : normaliseUnit(written);
  return {
    value: q.value,
    unit,
    ...(q.comparator ? { comparator: q.comparator } : {}),
    ...(written ? { original: `${q.comparator ?? ''}${q.value} ${written}`.trim() } : {}),
  };
}

export function timeOf(start: string | undefined, end?: string | undefined): FactTime | undefined {
  if (!start && !end) return undefined;
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

export function periodTime(p: Period | undefined): FactTime | undefined {
  return p ? timeOf(p.start, p.end) : undefined;
}

/** `[x]` choice elements of a time: dateTime, Period, or the start of an age/range/string is unknown. */
export function choiceTime(r: Record<string, unknown>, prefix: string): FactTime | undefined {
  const dt = r[`${prefix}DateTime`];
  if (typeof dt === 'string') return { start: dt };
  const instant = r[`${prefix}Instant`];
  if (typeof instant === 'string') return { start: instant };
  const period = r[`${prefix}Period`] as Period | undefined;
  if (period) return periodTime(period);
  const str = r[`${prefix}String`];
  if (typeof str === 'string') return { relative: str };
  return undefined;
}

export function sourceOf(r: AnyResource, path?: string): ResourceSource {
  return resourceSource(r.resourceType, r.id ?? '', {
    ...(r.meta?.versionId ? { versionId: r.meta.versionId } : {}),
    ...(path ? { path } : {}),
  });
}

/** The id a reference points at: `Patient/1`, `urn:uuid:1`, `http://x/fhir/Patient/1/_history/2` → `1`. */
export function referenceId(ref: Reference | string | undefined): string | undefined {
  const s = typeof ref === 'string' ? ref : ref?.reference;
  if (!s) return undefined;
  if (s.startsWith('urn:uuid:') || s.startsWith('urn:oid:')) return s.slice(s.lastIndexOf(':') + 1);
  if (s.startsWith('#')) return s;
  const parts = s.split('/_history/')[0]!.split('/');
  return parts[parts.length - 1] || undefined;
}

/** Comparable instant (ms) of an ISO date or dateTime; a bare date means its start (UTC). */
export function instant(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const s = /^\d{4}$/.test(t) ? `${t}-01-01` : /^\d{4}-\d{2}$/.test(t) ? `${t}-01` : t;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** When a fact begins (its start, else its end). */
export function factStart(time: FactTime | undefined): number | undefined {
  return instant(time?.start) ?? instant(time?.end);
}
