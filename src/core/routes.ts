import { readFileSync } from 'node:fs';

/** A route of administration: MedSeek's code for it and its SNOMED CT route (data/routes.json says whence). */
export interface Route {
  /** MedSeek's route code, as the NLP stage writes it in `Dosage.route`: PO, IV, IVGTT, IM, SC… */
  readonly code: string;
  /** One plain name per route (IV and IVGTT are both `intravenous`), for comparing and display. */
  readonly name: string;
  /** SNOMED CT route of administration. */
  readonly snomed: string;
  readonly display: string;
  readonly zh: string;
}

interface RouteData {
  readonly routes: readonly (Route & { readonly alsoCoded?: readonly string[] })[];
  /** Written forms found in running text. */
  readonly inText: Readonly<Record<string, string>>;
  /** Written forms read only where a field holds a route. */
  readonly inFields: Readonly<Record<string, string>>;
}

let loaded: { data: RouteData; byKey: Map<string, Route> } | undefined;

function load(): { data: RouteData; byKey: Map<string, Route> } {
  if (loaded) return loaded;
  const data = JSON.parse(readFileSync(new URL('./data/routes.json', import.meta.url), 'utf8')) as RouteData;
  const byCode = new Map(data.routes.map((r) => [r.code, r]));
  const byKey = new Map<string, Route>();
  const add = (key: string, code: string) => {
    const r = byCode.get(code);
    if (!r) throw new Error(`routes.json: '${key}' names route code '${code}', which is not in routes`);
    if (!byKey.has(key.toLowerCase())) byKey.set(key.toLowerCase(), r);
  };
  for (const r of data.routes) {
    for (const key of [r.code, r.snomed, ...(r.alsoCoded ?? []), r.name]) add(key, r.code);
  }
  for (const [w, code] of [...Object.entries(data.inText), ...Object.entries(data.inFields)]) add(w, code);
  loaded = { data, byKey };
  return loaded;
}

/** The written forms of routes to find in running text ("po", "静滴", "nebulized"), each with its route code. */
export function routeWords(): readonly (readonly [written: string, code: string])[] {
  return Object.entries(load().data.inText);
}

/**
 * The route a field states: a route code (PO, IVGTT), a SNOMED CT route code, a route name, or a
 * written form (口服, i.v., "Oral route", "topical use"). Undefined when it is none of these.
 */
export function routeOf(written: string | undefined): Route | undefined {
  if (!written) return undefined;
  const { byKey } = load();
  const key = written.trim().toLowerCase().replace(/\s+/g, ' ');
  const bare = key.replace(/\s+(route|use)$/, '');
  return byKey.get(key) ?? byKey.get(bare) ?? byKey.get(bare.replace(/[.\s]/g, ''));
}
