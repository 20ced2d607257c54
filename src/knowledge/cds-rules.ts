import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Authority, Bilingual } from '../core/index.js';
import { invalid } from '../core/index.js';

/**
 * The clinical decision support starter rules of `shared/domain/cds-rules.md` v0.1, as data
 * (`data/cds/*.json`), typed and cross-checked. Pure: no database. Every rule names the source ids
 * of `sources.json`; `cdsRules().sources.get(id)` gives the authority.
 *
 * Scope (from the document): a starter set for engineering and testing, not a clinical knowledge
 * base. Critical-value thresholds are author defaults each hospital must review; production DDI
 * and dosing content must come from a licensed, maintained knowledge base.
 */

/** An authority with the short id cds-rules.md uses (`HX2018`, `ONC`, `Beers2023`, …). */
export interface CdsSource extends Authority {
  readonly id: string;
  /** A secondary source (a summary or mirror), to be verified against the original. */
  readonly secondary?: boolean;
  readonly note?: string;
}

export interface CdsDrug {
  /** MedSeek drug id, lower-case ingredient name (`warfarin`, `st-johns-wort`). */
  readonly id: string;
  readonly name: Bilingual;
  /** WHO ATC codes (several where the ingredient has several uses, e.g. aspirin). */
  readonly atc: readonly string[];
  /** RxNorm ingredient RxCUI, only where the code mapping was confident. */
  readonly rxnorm?: string;
}

export interface CdsDrugClass {
  readonly id: string;
  readonly name: Bilingual;
  /** ATC prefixes that define the class where ATC has one (`C10AA` statins); empty otherwise. */
  readonly atc: readonly string[];
  /** Drug ids; examples beyond those the rule names are common practice (unsourced). */
  readonly members: readonly string[];
  readonly note?: string;
}

/** One side of an interaction: any of these classes or drugs. */
export interface DrugSet {
  readonly classes?: readonly string[];
  readonly drugs?: readonly string[];
}

export type DdiSeverity = 'S1' | 'S2';

export interface DrugInteractionRule {
  readonly id: string;
  readonly a: DrugSet;
  /** The other side; absent when `anyTwoOf` (two or more members of `a`, e.g. QT prolongers). */
  readonly b?: DrugSet;
  readonly anyTwoOf?: boolean;
  readonly risk: string;
  /** Only where cds-rules.md states or names it. */
  readonly mechanism?: string;
  /** The default action as the document writes it. */
  readonly action: string;
  readonly management: string;
  /** S1 = interruptive alert; S2 = passive or inline. */
  readonly severity: DdiSeverity;
  readonly interruptive: boolean;
  readonly contraindicated: boolean;
  /** Item number on the ONC high-priority list (DDI01–DDI15). */
  readonly onc?: number;
  readonly highPriority: boolean;
  readonly sources: readonly string[];
  readonly note?: string;
}

export interface CriticalThreshold {
  /** e.g. `CV-K-low`, `CV-Plt-low-hematology-oncology`. */
  readonly id: string;
  readonly direction: 'low' | 'high';
  readonly value: number;
  /** true: `≤`/`≥` fires at the value itself; false: `<`/`>`. */
  readonly inclusive: boolean;
  /** `adult`, `hematology-oncology`, `neonate`… */
  readonly population: string;
  readonly method?: string;
  readonly enabledByDefault: boolean;
  readonly source: string;
  readonly note?: string;
}

export interface CriticalAnalyte {
  readonly id: string;
  readonly analyte: Bilingual;
  /** The unit as the document writes it. */
  readonly unit: string;
  /** UCUM unit the thresholds are in; evaluate only after converting to it. */
  readonly ucum: string;
  readonly specimen: string;
  readonly loinc: readonly string[];
  readonly enabledByDefault: boolean;
  /** Empty where there is no default (troponin: assay-specific; creatinine: per hospital). */
  readonly thresholds: readonly CriticalThreshold[];
  /** The published values behind the default, source by source, as written. */
  readonly evidence: readonly { readonly source: string; readonly text: string }[];
  readonly exclusions?: readonly string[];
  readonly note?: string;
}

export interface QualitativeCriticalValue {
  readonly id: string;
  readonly finding: Bilingual;
  readonly enabledByDefault: boolean;
  readonly source: string;
  readonly evidence: readonly { readonly source: string; readonly text: string }[];
}

export interface CriticalProcessRule {
  readonly id: string;
  readonly rule: string;
  readonly sources: readonly string[];
  readonly section?: string;
  readonly note?: string;
}

/** Which kidney-function measure a rule needs; never substitute one for another silently. */
export type RenalFunctionMeasure =
  | { readonly measure: 'eGFR'; readonly unit: 'mL/min/1.73m2' }
  | { readonly measure: 'CrCl'; readonly method: 'Cockcroft-Gault'; readonly unit: 'mL/min' }
  /** The source says only "GFR" (RD09). */
  | { readonly measure: 'GFR'; readonly unit: 'mL/min'; readonly note: string };

export type RenalAction = 'monitor' | 'contraindicated' | 'do-not-start' | 'reassess' | 'stop' | 'hold' | 'avoid' | 'reduce-dose';

export interface RenalBand {
  /** `any`, `initiation`, `on-treatment`, `iodinated-contrast`, `prophylaxis`, `treatment`, … */
  readonly context: string;
  readonly min?: number;
  readonly minInclusive?: boolean;
  readonly max?: number;
  readonly maxInclusive?: boolean;
  readonly action: RenalAction;
  readonly text: string;
  readonly dose?: { readonly value: number; readonly unit: string; readonly route?: string; readonly frequency?: string };
}

export interface RenalRule {
  readonly id: string;
  readonly drugs: readonly string[];
  readonly classes?: readonly string[];
  readonly function: RenalFunctionMeasure;
  /** `adult`, or `adults aged 65 and over` for the Beers rules. */
  readonly population: string;
  readonly bands: readonly RenalBand[];
  readonly sources: readonly string[];
  readonly note?: string;
}

export type PgxAction = 'avoid' | 'contraindicated' | 'alternative' | 'reduce-dose' | 'use-algorithm' | 'consider' | 'test-first';

export interface PgxRecommendation {
  /** Phenotypes (CPIC wording) any of which triggers it; `A + B` means both at once. */
  readonly phenotypes: readonly string[];
  /** Restricts the recommendation to some of the rule's drugs. */
  readonly drugs?: readonly string[];
  readonly context?: string;
  readonly action: PgxAction;
  readonly text: string;
  /** Fraction of the normal (or calculated) dose. */
  readonly doseFactor?: { readonly min: number; readonly max: number };
  readonly strength?: string;
}

export interface PgxRule {
  readonly id: string;
  readonly genes: readonly string[];
  readonly drugs: readonly string[];
  /** The label requires a prompt before a result is on file (abacavir, rasburicase). */
  readonly pretest: boolean;
  readonly recommendations: readonly PgxRecommendation[];
  readonly sources: readonly string[];
  readonly note?: string;
}

export interface CdsRules {
  readonly document: { readonly title: string; readonly version: string; readonly path: string; readonly scope: string };
  readonly sources: ReadonlyMap<string, CdsSource>;
  readonly drugs: ReadonlyMap<string, CdsDrug>;
  readonly classes: ReadonlyMap<string, CdsDrugClass>;
  readonly interactions: readonly DrugInteractionRule[];
  readonly criticalValues: {
    readonly processRules: readonly CriticalProcessRule[];
    readonly analytes: readonly CriticalAnalyte[];
    readonly qualitative: readonly QualitativeCriticalValue[];
    readonly engineRequirements: readonly string[];
  };
  readonly renal: readonly RenalRule[];
  readonly pharmacogenomics: readonly PgxRule[];
}

const dataDir = new URL('./data/cds/', import.meta.url);

function readJson(name: string, dir: URL | string = dataDir): Record<string, unknown> {
  const base = typeof dir === 'string' ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : dir;
  const text = readFileSync(new URL(name, base), 'utf8');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw invalid(`not valid JSON: ${(e as Error).message}`, { where: `data/cds/${name}` });
  }
}

let cached: CdsRules | undefined;

/** The CDS starter rules, loaded once and checked (every id a rule names exists). */
export function cdsRules(): CdsRules {
  cached ??= loadCdsRules();
  return cached;
}

/** Loads and checks the rule files of a folder (default: the bundled `data/cds`). */
export function loadCdsRules(dir?: string): CdsRules {
  const src = readJson('sources.json', dir) as { document: CdsRules['document']; sources: CdsSource[] };
  const drugFile = readJson('drugs.json', dir) as { drugs: CdsDrug[]; classes: CdsDrugClass[] };
  const ddi = readJson('interactions.json', dir) as { interactions: DrugInteractionRule[] };
  const cv = readJson('critical-values.json', dir) as {
    processRules: CriticalProcessRule[];
    analytes: CriticalAnalyte[];
    qualitative: QualitativeCriticalValue[];
    engineRequirements: string[];
  };
  const renal = readJson('renal.json', dir) as { rules: RenalRule[] };
  const pgx = readJson('pharmacogenomics.json', dir) as { rules: PgxRule[] };
  const rules: CdsRules = {
    document: src.document,
    sources: byId(src.sources, 'sources.json'),
    drugs: byId(drugFile.drugs, 'drugs.json'),
    classes: byId(drugFile.classes, 'drugs.json'),
    interactions: ddi.interactions,
    criticalValues: { processRules: cv.processRules, analytes: cv.analytes, qualitative: cv.qualitative, engineRequirements: cv.engineRequirements },
    renal: renal.rules,
    pharmacogenomics: pgx.rules,
  };
  checkReferences(rules);
  return rules;
}

function byId<T extends { id: string }>(items: readonly T[], file: string): Map<string, T> {
  const map = new Map<string, T>();
  items.forEach((item, i) => {
    if (!item.id) throw invalid('missing id', { where: `data/cds/${file}[${i}]`, field: 'id' });
    if (map.has(item.id)) throw invalid(`duplicate id ${item.id}`, { where: `data/cds/${file}[${i}]`, field: 'id' });
    map.set(item.id, item);
  });
  return map;
}

function checkReferences(r: CdsRules): void {
  const problems: string[] = [];
  const source = (id: string, where: string) => r.sources.has(id) || problems.push(`${where}: unknown source ${id}`);
  const drug = (id: string, where: string) => r.drugs.has(id) || problems.push(`${where}: unknown drug ${id}`);
  const cls = (id: string, where: string) => r.classes.has(id) || problems.push(`${where}: unknown drug class ${id}`);
  const set = (s: DrugSet | undefined, where: string) => {
    for (const d of s?.drugs ?? []) drug(d, where);
    for (const c of s?.classes ?? []) cls(c, where);
  };
  for (const c of r.classes.values()) for (const m of c.members) drug(m, `class ${c.id}`);
  for (const d of r.interactions) {
    set(d.a, d.id);
    if (d.anyTwoOf) {
      if (d.b) problems.push(`${d.id}: anyTwoOf with a second side`);
    } else if (!d.b) problems.push(`${d.id}: no second side`);
    set(d.b, d.id);
    for (const s of d.sources) source(s, d.id);
  }
  for (const a of r.criticalValues.analytes) {
    for (const t of a.thresholds) source(t.source, t.id);
    for (const e of a.evidence) source(e.source, a.id);
  }
  for (const q of r.criticalValues.qualitative) for (const e of q.evidence) source(e.source, q.id);
  for (const p of r.criticalValues.processRules) for (const s of p.sources) source(s, p.id);
  for (const rr of r.renal) {
    for (const d of rr.drugs) drug(d, rr.id);
    for (const c of rr.classes ?? []) cls(c, rr.id);
    for (const s of rr.sources) source(s, rr.id);
  }
  for (const p of r.pharmacogenomics) {
    for (const d of p.drugs) drug(d, p.id);
    for (const rec of p.recommendations) for (const d of rec.drugs ?? []) drug(d, p.id);
    for (const s of p.sources) source(s, p.id);
  }
  if (problems.length > 0) throw invalid(`CDS rule data refers to unknown ids: ${problems.join('; ')}`, { where: 'data/cds' });
}

/** The drug ids a set covers (its drugs plus every member of its classes). */
export function drugsInSet(rules: CdsRules, set: DrugSet | undefined): Set<string> {
  const out = new Set<string>(set?.drugs ?? []);
  for (const c of set?.classes ?? []) for (const m of rules.classes.get(c)?.members ?? []) out.add(m);
  return out;
}

/**
 * A drug by MedSeek id, English or Chinese name, ATC code or RxCUI (case-insensitive for names).
 * Returns undefined when nothing matches; never guesses.
 */
export function findCdsDrug(rules: CdsRules, key: string): CdsDrug | undefined {
  const k = key.trim().toLowerCase();
  if (!k) return undefined;
  for (const d of rules.drugs.values()) {
    if (d.id === k || d.rxnorm === k || d.atc.some((a) => a.toLowerCase() === k)) return d;
    if (d.name.en.toLowerCase() === k || d.name.zh === key.trim()) return d;
    // "meperidine (pethidine)": each name inside or outside the brackets counts.
    const names = `${d.name.en} ${d.name.zh ?? ''}`.toLowerCase().split(/[()（）]/).map((s) => s.trim());
    if (names.includes(k)) return d;
  }
  return undefined;
}

/** The interaction rules that fire for two drug ids (order does not matter). */
export function interactionsBetween(rules: CdsRules, drugA: string, drugB: string): DrugInteractionRule[] {
  if (drugA === drugB) return [];
  return rules.interactions.filter((r) => {
    const a = drugsInSet(rules, r.a);
    if (r.anyTwoOf) return a.has(drugA) && a.has(drugB);
    const b = drugsInSet(rules, r.b);
    return (a.has(drugA) && b.has(drugB)) || (a.has(drugB) && b.has(drugA));
  });
}

/** Whether a kidney-function value lies in a band (bounds as the band states them). */
export function renalBandContains(band: RenalBand, value: number): boolean {
  if (band.min !== undefined && (value < band.min || (value === band.min && band.minInclusive === false))) return false;
  if (band.max !== undefined && (value > band.max || (value === band.max && !band.maxInclusive))) return false;
  return true;
}

/** Whether a value (already in the analyte's UCUM unit) breaches a threshold. */
export function thresholdBreached(t: CriticalThreshold, value: number): boolean {
  if (t.direction === 'low') return t.inclusive ? value <= t.value : value < t.value;
  return t.inclusive ? value >= t.value : value > t.value;
}

/** The authority behind a source id, in core's shape (for a KnowledgeSource). */
export function cdsAuthority(rules: CdsRules, sourceId: string): Authority {
  const s = rules.sources.get(sourceId);
  if (!s) throw invalid(`unknown CDS source ${sourceId}`, { field: 'source' });
  const { id: _id, secondary: _s, note: _n, ...authority } = s;
  return authority;
}
