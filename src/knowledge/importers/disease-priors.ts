import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CodeSystems, invalid } from '../../core/index.js';
import { type BatchData, BatchBuilder, type ConceptDraft } from '../batch.js';
import type { KgSource } from '../model.js';
import { type DiseaseXrefs, DOID_SYSTEM, ORPHANET_SYSTEM, readDiseaseXrefs } from './disease-xrefs.js';
import { contentHash } from './read-input.js';

/**
 * Disease priors for the broad release, by prevalence class (`data/orphanet/prior-classes.json`, sources in
 * `data/orphanet/SOURCE.md`): one `prior` relation per disease that has findings, `attrs.probability` the class
 * figure, `attrs.prevalenceClass` the class and `attrs.basis` why the disease is in it.
 *
 * - `rare`: registered by Orphanet as a clinical entity: an ORPHA disease of Orphanet's own HPO annotations (every
 *   `orpha:` disease of the batches), a disease whose Disease Ontology term cross-references such an ORPHA code or
 *   has its exact name, a disease with that exact English name (OMIM's `Wilson disease` is ORPHA:905: DO gives no
 *   ORDO link) or that name and a subtype number (`… noncompaction 1`), or a DDXPlus / ICD-10 国家临床版 disease
 *   whose ICD-10 code is that of such a DO term. An ORPHA code that
 *   Orphanet does not annotate (a group such as the one DO gives essential hypertension) does not count.
 * - `common`: not rare, and classified by ICD-10 (a DDXPlus or 国家临床版 disease, a DO disease with an ICD-10-CM
 *   code, an OMIM / DECIPHER entry of such a DO term). OMIM's entries of common diseases (asthma, type 2 diabetes,
 *   essential hypertension) are never rare: Orphanet does not register them and their DO term is common.
 * - `mendelian`: any other OMIM / DECIPHER entry: the HPO annotation file describes all its diseases as rare
 *   (`#description: HPO annotations for rare diseases`); the rare figure, its own class so that it stays visible.
 * - `unknown`: the rest; the relation says `prevalence: 'unknown'` and the network shows "prevalence unknown".
 */
export interface PriorClass {
  readonly prior: number;
  readonly min?: number;
  readonly max?: number;
  readonly sources: readonly string[];
  readonly rule: string;
  readonly derivation: string;
}
export type PrevalenceClass = 'rare' | 'mendelian' | 'common' | 'unknown';
export const PREVALENCE_CLASSES: readonly PrevalenceClass[] = ['rare', 'mendelian', 'common', 'unknown'];

export interface PriorClasses {
  readonly sources: readonly (Omit<KgSource, 'shippable'> & { readonly id: string })[];
  readonly classes: Readonly<Record<PrevalenceClass, PriorClass>>;
}

const BUNDLED = fileURLToPath(new URL('../data/orphanet/prior-classes.json', import.meta.url));
const OVERRIDES = fileURLToPath(new URL('../data/epidemiology/prevalence-overrides.json', import.meta.url));

/**
 * A sourced exception to the class rules (`data/epidemiology/prevalence-overrides.json`): diseases Orphanet
 * registers but that a published epidemiology figure shows to be common (tuberculosis, bronchiectasis in China).
 * A disease matches by an ICD-10 code (WHO, CM or 国家临床版) in one of `icd10Categories` or an Orphanet code in
 * `orpha`; it takes `prevalenceClass` (its class figure, not `prevalence`, is the prior).
 */
export interface PrevalenceOverride {
  readonly id: string;
  readonly disease: string;
  readonly icd10Categories: readonly string[];
  readonly orpha: readonly string[];
  readonly prevalenceClass: PrevalenceClass;
  readonly prevalence: number;
  readonly population: string;
  readonly source: string;
}
export interface PrevalenceOverrides {
  readonly sources: readonly (Omit<KgSource, 'shippable'> & { readonly id: string })[];
  readonly overrides: readonly PrevalenceOverride[];
}

/** Reads and checks the overrides file: known class and source, a figure in (0, 1), ICD-10 categories `X00`. */
export function parsePrevalenceOverrides(text: string, where = 'prevalence-overrides.json'): PrevalenceOverrides {
  const raw = JSON.parse(text) as Partial<PrevalenceOverrides>;
  if (!Array.isArray(raw.sources)) throw invalid('sources must be a list', { where, field: 'sources' });
  if (!Array.isArray(raw.overrides)) throw invalid('overrides must be a list', { where, field: 'overrides' });
  const ids = new Set(raw.sources.map((s) => s.id));
  raw.overrides.forEach((o, i) => {
    const field = `overrides[${i}]`;
    if (!PREVALENCE_CLASSES.includes(o.prevalenceClass))
      throw invalid(`unknown class '${String(o.prevalenceClass)}'`, { where, field: `${field}.prevalenceClass` });
    if (!ids.has(o.source)) throw invalid(`unknown source '${o.source}'`, { where, field: `${field}.source` });
    if (!(typeof o.prevalence === 'number' && o.prevalence > 0 && o.prevalence < 1))
      throw invalid('prevalence must be a number in (0, 1)', { where, field: `${field}.prevalence` });
    for (const c of o.icd10Categories ?? [])
      if (!/^[A-Z]\d\d$/.test(c)) throw invalid(`'${c}' is not an ICD-10 category`, { where, field: `${field}.icd10` });
  });
  return raw as PrevalenceOverrides;
}

const ICD10_SYSTEMS = new Set<string>([CodeSystems.icd10, CodeSystems.icd10cm, CodeSystems.icd10cn]);

/** The override a disease matches, if any (first in file order). */
function overrideOf(c: ConceptDraft, overrides: PrevalenceOverrides): PrevalenceOverride | undefined {
  const codes = [...c.codes.values()];
  return overrides.overrides.find((o) =>
    codes.some(
      (k) =>
        (ICD10_SYSTEMS.has(k.system) && o.icd10Categories.includes(k.code.trim().toUpperCase().slice(0, 3))) ||
        (k.system === ORPHANET_SYSTEM && o.orpha.includes(k.code)),
    ),
  );
}

/** Reads and checks the class file: every class present, each prior in (0, 1) and within its bounds. */
export function parsePriorClasses(text: string, where = 'prior-classes.json'): PriorClasses {
  const raw = JSON.parse(text) as Partial<PriorClasses>;
  if (!Array.isArray(raw.sources)) throw invalid('sources must be a list', { where, field: 'sources' });
  const ids = new Set(raw.sources.map((s) => s.id));
  for (const k of PREVALENCE_CLASSES) {
    const c = raw.classes?.[k];
    const field = `classes.${k}`;
    if (!c) throw invalid(`class '${k}' is missing`, { where, field });
    if (!(typeof c.prior === 'number' && c.prior > 0 && c.prior < 1))
      throw invalid(`prior must be a number in (0, 1), not ${String(c.prior)}`, { where, field: `${field}.prior` });
    if ((c.max !== undefined && c.prior > c.max) || (c.min !== undefined && c.prior < c.min))
      throw invalid(`prior ${c.prior} is outside the class bounds`, { where, field: `${field}.prior` });
    for (const s of c.sources ?? [])
      if (!ids.has(s)) throw invalid(`unknown source '${s}'`, { where, field: `${field}.sources` });
  }
  return raw as PriorClasses;
}

export const PRIORS_SOURCE_ID = 'medseek:prior-classes';

/** Where the class of a disease came from, kept on its prior relation. */
export interface PriorAssignment {
  readonly prevalenceClass: PrevalenceClass;
  readonly basis: string;
}

/** The prior class of every disease concept in `batches` that has findings, with why. */
export function assignPriorClasses(
  batches: readonly BatchData[],
  xrefs: DiseaseXrefs,
): Map<string, { concept: ConceptDraft; assignment: PriorAssignment }> {
  const concepts = new Map<string, ConceptDraft>();
  for (const b of batches)
    for (const c of b.concepts) if (c.type === 'disease' && !concepts.has(c.id)) concepts.set(c.id, c);
  const withFindings = new Set<string>();
  for (const b of batches)
    for (const r of b.relations) {
      if (r.type === 'has-finding') withFindings.add(r.from);
      if (r.type === 'risk-factor-of' && r.to) withFindings.add(r.to);
    }
  // Orphanet's clinical entities: the ORPHA diseases Orphanet annotated itself (with phenotypes).
  const orpha = new Set<string>();
  const orphaByName = new Map<string, string>();
  for (const c of concepts.values())
    for (const k of withFindings.has(c.id) ? c.codes.values() : [])
      if (k.system === ORPHANET_SYSTEM && c.id.startsWith('orpha:')) {
        orpha.add(k.code);
        if (c.nameEn) orphaByName.set(nameKey(c.nameEn), k.code);
      }
  const rare: Rare = { orpha, orphaByName, doTerms: new Map(), icd: new Map() };
  for (const t of xrefs.terms.values()) {
    const o = t.ordo.find((n) => orpha.has(n)) ?? orphaByName.get(nameKey(t.label));
    if (!o) continue;
    rare.doTerms.set(t.id, `ORPHA:${o}`);
    for (const icd of t.icd10cm) rare.icd.set(icd.toUpperCase(), `${t.id} → ORPHA:${o}`);
  }
  const out = new Map<string, { concept: ConceptDraft; assignment: PriorAssignment }>();
  for (const id of withFindings) {
    const c = concepts.get(id);
    if (c) out.set(id, { concept: c, assignment: classify(c, rare) });
  }
  return out;
}

/** Orphanet's clinical entities and what points at them: DO terms (by ORDO link or the same name), ICD-10 codes. */
interface Rare {
  readonly orpha: ReadonlySet<string>;
  readonly orphaByName: ReadonlyMap<string, string>;
  readonly doTerms: Map<string, string>;
  readonly icd: Map<string, string>;
}

/** An English disease name compared case- and punctuation-blind (`Wilson disease` = `Wilson Disease`). */
function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function classify(c: ConceptDraft, rare: Rare): PriorAssignment {
  const codes = [...c.codes.values()];
  const own = codes.find((k) => k.system === ORPHANET_SYSTEM && rare.orpha.has(k.code));
  if (own) return { prevalenceClass: 'rare', basis: `Orphanet entity ORPHA:${own.code}` };
  for (const k of codes)
    if (k.system === DOID_SYSTEM && rare.doTerms.has(k.code))
      return { prevalenceClass: 'rare', basis: `${k.code} → ${rare.doTerms.get(k.code)}` };
  const named = c.nameEn ? rare.orphaByName.get(nameKey(c.nameEn)) : undefined;
  if (named) return { prevalenceClass: 'rare', basis: `same name as Orphanet entity ORPHA:${named}` };
  // A numbered or lettered genetic subtype of an Orphanet entity (OMIM's `Left ventricular noncompaction 1`).
  const subtype = c.nameEn ? /^(.+?)[ ,-]+(?:type )?(?:\d+[a-z]?|[a-z])$/i.exec(c.nameEn.trim()) : null;
  const parent = subtype ? rare.orphaByName.get(nameKey(subtype[1]!)) : undefined;
  if (parent) return { prevalenceClass: 'rare', basis: `a subtype of Orphanet entity ORPHA:${parent}` };
  const icd = codes.filter((k) => k.system === CodeSystems.icd10 || k.system === CodeSystems.icd10cn);
  const source = c.id.split(':')[0];
  if (source === 'ddxplus' || source === 'icd10cn') {
    for (const k of icd) {
      const hit = rareIcdOf(k.code, rare.icd);
      if (hit) return { prevalenceClass: 'rare', basis: `ICD-10 ${k.code} = ${hit}` };
    }
    if (icd.length) return { prevalenceClass: 'common', basis: `${source} ICD-10 ${icd[0]!.code}, not in Orphanet` };
  }
  // A DO disease with an ICD-10-CM code, or an OMIM / DECIPHER entry of such a DO term (one to one, or a form of
  // it: OMIM's type 2 diabetes and essential hypertension entries), is common when nothing above made it rare.
  const cm = codes.find((k) => k.system === CodeSystems.icd10cm);
  if (cm) return { prevalenceClass: 'common', basis: `ICD-10-CM ${cm.code}, not in Orphanet` };
  if (source === 'omim' || source === 'decipher')
    return { prevalenceClass: 'mendelian', basis: `${source.toUpperCase()} entry of the HPO rare-disease annotations` };
  return { prevalenceClass: 'unknown', basis: 'no Orphanet entity and no ICD-10 code' };
}

/**
 * A DO rare term's ICD-10-CM code that is this ICD-10 code: the same code, or the same code to one decimal
 * (国家临床版 `E83.001` and ICD-10-CM `E83.01` are both `E83.0`), or the three-character category itself.
 */
function rareIcdOf(code: string, rareIcd: ReadonlyMap<string, string>): string | undefined {
  const c = code.trim().toUpperCase();
  const m = /^([A-Z]\d\d)(?:\.(\d))?/.exec(c);
  if (!m) return undefined;
  const [, cat, first] = m;
  for (const [icd, why] of rareIcd) {
    const n = /^([A-Z]\d\d)(?:\.(\d))?/.exec(icd);
    if (!n || n[1] !== cat) continue;
    if (n[2] === undefined || n[2] === first) return `${icd} (${why})`;
  }
  return undefined;
}

/**
 * The priors batch: a `prior` relation for every disease with findings in `batches`, its class figure as
 * `probability` (`prevalence: 'unknown'` for the unknown class), the class and its basis.
 */
export function diseasePriorsBatch(
  batches: readonly BatchData[],
  options: {
    readonly xrefs?: DiseaseXrefs;
    readonly classesText?: string;
    /** The overrides file's text; default: the bundled one; `null`: none. */
    readonly overridesText?: string | null;
  } = {},
): { batch: BatchData; counts: Record<PrevalenceClass, number>; overridden: Record<string, number> } {
  const text = options.classesText ?? readFileSync(BUNDLED, 'utf8');
  const classes = parsePriorClasses(text);
  const overridesText = options.overridesText === undefined ? readFileSync(OVERRIDES, 'utf8') : options.overridesText;
  const overrides = overridesText ? parsePrevalenceOverrides(overridesText) : { sources: [], overrides: [] };
  const assigned = assignPriorClasses(batches, options.xrefs ?? readDiseaseXrefs());
  const b = new BatchBuilder();
  const src = b.source({
    id: PRIORS_SOURCE_ID,
    name: 'MedSeek disease prior classes (Orphanet registration, EU rare-disease definition, Orphanet prevalence)',
    document: classes.sources.map((s) => `${s.name}: ${s.document ?? ''}`).join(' | '),
    url: classes.sources.map((s) => s.url).join(' '),
    licence: classes.sources.map((s) => `${s.id}: ${s.licence ?? 'unknown'}`).join('; '),
    note: 'src/knowledge/data/orphanet/SOURCE.md; a class figure, not the disease’s own prevalence',
    shippable: true,
  });
  // Overridden priors name their own source: the epidemiology publication behind the override.
  const overrideSrc = new Map<string, string>();
  for (const s of overrides.sources)
    overrideSrc.set(
      s.id,
      b.source({
        ...s,
        id: `medseek:prevalence-override:${s.id}`,
        note: `${s.note ? `${s.note} ` : ''}data/epidemiology/SOURCE.md; moves diseases out of the rare class`,
        shippable: true,
      }),
    );
  const counts: Record<PrevalenceClass, number> = { rare: 0, mendelian: 0, common: 0, unknown: 0 };
  const overridden: Record<string, number> = {};
  const keys: string[] = [];
  for (const [id, { concept, assignment }] of [...assigned].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const o = overrideOf(concept, overrides);
    const cls = o ? o.prevalenceClass : assignment.prevalenceClass;
    const k = classes.classes[cls];
    b.relation('prior', id, undefined, o ? overrideSrc.get(o.source)! : src, {
      probability: k.prior,
      prevalenceClass: cls,
      basis: o
        ? `override ${o.id} (${o.disease}: ${o.population}); rule class ${assignment.prevalenceClass}`
        : assignment.basis,
      ...(cls === 'unknown' ? { prevalence: 'unknown' } : {}),
      ...(o
        ? {
            prevalenceOverride: {
              id: o.id,
              prevalence: o.prevalence,
              population: o.population,
              ruleClass: assignment.prevalenceClass,
              ruleBasis: assignment.basis,
            },
          }
        : {}),
    });
    counts[cls]++;
    if (o) overridden[o.id] = (overridden[o.id] ?? 0) + 1;
    keys.push(`${id}=${cls}`);
  }
  return {
    batch: b.build({
      kind: 'disease-priors',
      contentHash: contentHash(text, overridesText ?? '', ...keys),
      external: true,
    }),
    counts,
    overridden,
  };
}
