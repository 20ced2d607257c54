import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Authority, Bilingual } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { AllergyClasses } from './allergy-classes.js';

/**
 * The clinical decision support starter rules of `docs/domain/cds-rules.md` v0.1, as data
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

/** Other names: English matched as whole words (case-insensitive), Chinese anywhere in the text. */
export interface Synonyms {
  readonly en?: readonly string[];
  readonly zh?: readonly string[];
}

export interface CdsDrug {
  /** MedSeek drug id, lower-case ingredient name (`warfarin`, `st-johns-wort`). */
  readonly id: string;
  readonly name: Bilingual;
  readonly synonyms?: Synonyms;
  /** Ids this drug had before the rule tables were reconciled (`rifampin`); they still resolve. */
  readonly formerIds?: readonly string[];
  /** WHO ATC codes (several where the ingredient has several uses, e.g. aspirin). */
  readonly atc: readonly string[];
  /** RxNorm ingredient RxCUI, only where the code mapping was confident. */
  readonly rxnorm?: string;
  readonly sources: readonly string[];
}

export interface CdsDrugClass {
  readonly id: string;
  readonly name: Bilingual;
  readonly synonyms?: Synonyms;
  readonly formerIds?: readonly string[];
  /** ATC prefixes that define the class where ATC has one (`C10AA` statins); empty otherwise. */
  readonly atc: readonly string[];
  /** Drug ids; examples beyond those the rule names are common practice (unsourced). */
  readonly members: readonly string[];
  readonly sources: readonly string[];
  readonly note?: string;
  /** A pharmacological family an allergy is recorded against (the allergy rules' class and cross-reactivity levels). */
  readonly allergyFamily?: boolean;
}

/** What a card says for an interaction, in both languages (transcribed by the rule author). */
export interface InteractionDisplay {
  readonly title: Bilingual & { readonly zh: string };
  readonly risk: Bilingual;
  readonly action: Bilingual;
  /** A safer alternative the card offers in place of the new drug. */
  readonly replaceWith?: Bilingual;
  /** A test the card offers to order. */
  readonly order?: Bilingual;
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
  readonly display: InteractionDisplay;
  /** A condition on the drugs that data cannot state, named here and kept in code (`iv-haloperidol-only`). */
  readonly predicate?: string;
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
  /** What the engine needs beyond the thresholds: its rule id, the analyte's unit table, the card title, name matching. */
  readonly engine: CriticalEngine;
}

export interface CriticalEngine {
  /** The safety rule id (`CV-NA`), kept as hospitals' settings name it. */
  readonly rule: string;
  /** The analyte's key in the UCUM conversion table (reasoning/safety/units.ts). */
  readonly analyte: string;
  readonly title: Bilingual & { readonly zh: string };
  /** Lower-case fragments that name the analyte in a result without a listed LOINC code. */
  readonly names: readonly string[];
  /** A result naming one of these (urine, CSF…) is another analyte, unless its LOINC code is listed. */
  readonly excludeNames?: readonly string[];
  /** Engine starting limits the document does not give (troponin: ARUP's cTnI limit, the analyte off by default). */
  readonly thresholds?: readonly CriticalThreshold[];
}

export interface QualitativeCriticalValue {
  readonly id: string;
  readonly finding: Bilingual;
  readonly enabledByDefault: boolean;
  readonly source: string;
  readonly evidence: readonly { readonly source: string; readonly text: string }[];
  /**
   * How the result is recognised: results by LOINC code or by a word of the test's name, present
   * findings by a word of their text. None: the hospital configures it (a count such as CSF WBC).
   */
  readonly match?: {
    readonly loinc: readonly string[];
    readonly names: readonly string[];
    readonly findings: readonly string[];
  };
}

/** The words that make a qualitative result positive or negative (`critical-values.json`). */
export interface QualitativeResultWords {
  readonly positive: readonly string[];
  readonly negative: readonly string[];
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

export type RenalAction =
  | 'monitor'
  | 'contraindicated'
  | 'do-not-start'
  | 'reassess'
  | 'stop'
  | 'hold'
  | 'avoid'
  | 'reduce-dose';

export interface RenalBand {
  /** `any`, `initiation`, `on-treatment`, `iodinated-contrast`, `prophylaxis`, `treatment`, … */
  readonly context: string;
  readonly min?: number;
  readonly minInclusive?: boolean;
  readonly max?: number;
  readonly maxInclusive?: boolean;
  readonly action: RenalAction;
  readonly text: string;
  readonly dose?: {
    readonly value: number;
    readonly unit: string;
    readonly route?: string;
    readonly frequency?: string;
  };
}

/** What the engine alerts on for a renal rule. */
export interface RenalCard {
  readonly title: Bilingual & { readonly zh: string };
  readonly action: Bilingual & { readonly zh: string };
  readonly severity: 'high' | 'moderate';
  /** Alert below this value of the rule's own measure (a hospital re-sets it with `params.below`). */
  readonly alertBelow: number;
  /** Only patients this old or older (the Beers rules: 65). */
  readonly minAge?: number;
  /** A named condition on the order, kept in code (`not-once-daily`). */
  readonly predicate?: string;
  /** Named band wording kept in code (`metformin-egfr-stages`). */
  readonly detail?: string;
}

export interface RenalRule {
  readonly id: string;
  readonly card: RenalCard;
  readonly drugs: readonly string[];
  readonly classes?: readonly string[];
  readonly function: RenalFunctionMeasure;
  /** `adult`, or `adults aged 65 and over` for the Beers rules. */
  readonly population: string;
  readonly bands: readonly RenalBand[];
  readonly sources: readonly string[];
  readonly note?: string;
}

export type PgxAction =
  | 'avoid'
  | 'contraindicated'
  | 'alternative'
  | 'reduce-dose'
  | 'use-algorithm'
  | 'consider'
  | 'test-first';

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

/** One outcome a PGx judge can reach, and what the card then says. */
export interface PgxVerdictCard {
  readonly severity: 'high' | 'moderate' | 'low';
  readonly statement: Bilingual & { readonly zh: string };
  readonly action: Bilingual & { readonly zh: string };
  readonly replaceWith?: Bilingual & { readonly zh: string };
  /** A test to order (the pre-test prompts): the card suggests ordering it instead of removing the drug. */
  readonly order?: Bilingual & { readonly zh: string };
}

/** What the engine executes for a PGx rule; `judge` names the TypeScript logic (`PGX_JUDGES`) that picks a verdict. */
export interface PgxCard {
  readonly drugs: DrugSet;
  readonly title: Bilingual & { readonly zh: string };
  readonly severity: 'high' | 'moderate' | 'low';
  readonly judge: string;
  /** A limit of the rule stated on its source (PGx08: ancestry is not evaluated). */
  readonly caveat?: string;
  readonly verdicts: Readonly<Record<string, PgxVerdictCard>>;
  /** Activity score bands → verdict (DPYD): a score on file takes precedence over the phenotype words. */
  readonly activityScores?: PgxActivityScores;
  /** How results that name no metabolizer status read (VKORC1 `-1639 AA` → sensitive). */
  readonly results?: PgxResultTerms;
}

/** Activity score bands, each giving one of the card's verdicts; `source` is a sources.json id. */
export interface PgxActivityScores {
  readonly source: string;
  readonly citation: string;
  readonly bands: readonly { readonly min: number; readonly max: number; readonly verdict: string }[];
}

/** Result wordings → a phenotype term the PGx judges know (`pattern`: a case-insensitive regular expression). */
export interface PgxResultTerms {
  readonly source: string;
  readonly citation: string;
  readonly terms: readonly { readonly gene: string; readonly pattern: string; readonly phenotype: string }[];
}

export interface PgxRule {
  readonly id: string;
  readonly genes: readonly string[];
  readonly drugs: readonly string[];
  readonly card: PgxCard;
  /** The label requires a prompt before a result is on file (abacavir, rasburicase). */
  readonly pretest: boolean;
  readonly recommendations: readonly PgxRecommendation[];
  readonly sources: readonly string[];
  readonly note?: string;
}

/** A recorded condition a contraindication names, and how a patient's condition is matched to it. */
export interface CdsCondition {
  readonly id: string;
  readonly name: Bilingual & { readonly zh: string };
  /** ICD-10 prefixes (ICD-10, ICD-10-CN and ICD-10-CM codes starting with one match). */
  readonly icd10: readonly string[];
  /** SNOMED CT codes, matched exactly. */
  readonly snomed: readonly string[];
  /** Lower-case fragments matched anywhere in the condition's text. */
  readonly names: readonly string[];
}

export interface ContraindicationRule {
  readonly id: string;
  readonly drugs: DrugSet;
  /** A condition id of `contraindications.json`. */
  readonly condition: string;
  readonly title: Bilingual & { readonly zh: string };
  readonly severity: 'high' | 'moderate';
  readonly action: Bilingual & { readonly zh: string };
  readonly sources: readonly string[];
}

/** Duplicate therapy by class: two members of one of `classes`, or one of each class of a pair. */
export interface DuplicateClassRule {
  readonly id: string;
  readonly classes?: readonly string[];
  readonly pairs?: readonly (readonly [string, string])[];
  /** What the card calls the duplication of a pair. */
  readonly label?: Bilingual & { readonly zh: string };
  readonly title: Bilingual & { readonly zh: string };
  readonly severity: 'high' | 'moderate';
  readonly sources: readonly string[];
}

/** A maximum adult daily dose of one drug, in mg. */
export interface DoseLimitRule {
  readonly id: string;
  readonly drug: string;
  readonly maxDailyMg: number;
  readonly title: Bilingual & { readonly zh: string };
  readonly severity: 'high' | 'moderate';
  readonly sources: readonly string[];
}

export interface CdsRules {
  readonly document: {
    readonly title: string;
    readonly version: string;
    readonly path: string;
    readonly scope: string;
  };
  readonly sources: ReadonlyMap<string, CdsSource>;
  readonly drugs: ReadonlyMap<string, CdsDrug>;
  readonly classes: ReadonlyMap<string, CdsDrugClass>;
  readonly interactions: readonly DrugInteractionRule[];
  readonly criticalValues: {
    readonly processRules: readonly CriticalProcessRule[];
    readonly analytes: readonly CriticalAnalyte[];
    readonly qualitative: readonly QualitativeCriticalValue[];
    readonly qualitativeResults: QualitativeResultWords;
    readonly engineRequirements: readonly string[];
  };
  readonly renal: readonly RenalRule[];
  readonly pharmacogenomics: readonly PgxRule[];
  readonly conditions: ReadonlyMap<string, CdsCondition>;
  readonly contraindications: readonly ContraindicationRule[];
  readonly duplicates: readonly DuplicateClassRule[];
  readonly doseLimits: readonly DoseLimitRule[];
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
    qualitativeResults: QualitativeResultWords;
    engineRequirements: string[];
  };
  const renal = readJson('renal.json', dir) as { rules: RenalRule[] };
  const pgx = readJson('pharmacogenomics.json', dir) as { rules: PgxRule[] };
  const ci = readJson('contraindications.json', dir) as { conditions: CdsCondition[]; rules: ContraindicationRule[] };
  const dup = readJson('duplicate-classes.json', dir) as { rules: DuplicateClassRule[] };
  const dose = readJson('dose-limits.json', dir) as { rules: DoseLimitRule[] };
  const rules: CdsRules = {
    document: src.document,
    sources: byId(src.sources, 'sources.json'),
    drugs: byId(drugFile.drugs, 'drugs.json'),
    classes: byId(drugFile.classes, 'drugs.json'),
    interactions: ddi.interactions,
    criticalValues: {
      processRules: cv.processRules,
      analytes: cv.analytes,
      qualitative: cv.qualitative,
      qualitativeResults: { positive: cv.qualitativeResults.positive, negative: cv.qualitativeResults.negative },
      engineRequirements: cv.engineRequirements,
    },
    renal: renal.rules,
    pharmacogenomics: pgx.rules,
    conditions: byId(ci.conditions, 'contraindications.json'),
    contraindications: ci.rules,
    duplicates: dup.rules,
    doseLimits: dose.rules,
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
  const severities = new Set(['high', 'moderate']);
  const pgxSeverities = new Set(['high', 'moderate', 'low']);
  const source = (id: string, where: string) => r.sources.has(id) || problems.push(`${where}: unknown source ${id}`);
  const drug = (id: string, where: string) => r.drugs.has(id) || problems.push(`${where}: unknown drug ${id}`);
  const cls = (id: string, where: string) => r.classes.has(id) || problems.push(`${where}: unknown drug class ${id}`);
  const set = (s: DrugSet | undefined, where: string) => {
    for (const d of s?.drugs ?? []) drug(d, where);
    for (const c of s?.classes ?? []) cls(c, where);
  };
  const sourced = (ids: readonly string[] | undefined, where: string) => {
    if (!ids?.length) problems.push(`${where}: no sources`);
    for (const s of ids ?? []) source(s, where);
  };
  const former = new Map<string, string>();
  for (const e of [
    ...[...r.drugs.values()].map((d) => ['drug', d] as const),
    ...[...r.classes.values()].map((c) => ['class', c] as const),
  ]) {
    const [kind, x] = e;
    sourced(x.sources, `${kind} ${x.id}`);
    if (!x.name.zh) problems.push(`${kind} ${x.id}: no Chinese name`);
    for (const f of x.formerIds ?? []) {
      const key = `${kind}:${f}`;
      if (former.has(key) || (kind === 'drug' ? r.drugs.has(f) : r.classes.has(f)))
        problems.push(`${kind} ${x.id}: former id ${f} is taken`);
      former.set(key, x.id);
    }
  }
  for (const c of r.classes.values()) for (const m of c.members) drug(m, `class ${c.id}`);
  for (const d of r.interactions) {
    set(d.a, d.id);
    if (d.anyTwoOf) {
      if (d.b) problems.push(`${d.id}: anyTwoOf with a second side`);
    } else if (!d.b) problems.push(`${d.id}: no second side`);
    set(d.b, d.id);
    sourced(d.sources, d.id);
    if (!d.display?.title?.zh || !d.display.risk?.en || !d.display.action?.en)
      problems.push(`${d.id}: display needs title (zh, en), risk and action`);
  }
  for (const a of r.criticalValues.analytes) {
    for (const t of [...a.thresholds, ...(a.engine?.thresholds ?? [])]) source(t.source, t.id);
    for (const e of a.evidence) source(e.source, a.id);
  }
  for (const q of r.criticalValues.qualitative) for (const e of q.evidence) source(e.source, q.id);
  const cvRules = new Set<string>();
  for (const a of r.criticalValues.analytes) {
    const e = a.engine;
    if (!e?.rule || !e.analyte || !e.title?.en || !e.title.zh || !e.names?.length)
      problems.push(`${a.id}: engine needs rule, analyte, title (en, zh) and names`);
    else if (cvRules.has(e.rule)) problems.push(`${a.id}: engine rule ${e.rule} is given twice`);
    else cvRules.add(e.rule);
    if (!a.loinc.length) problems.push(`${a.id}: no LOINC code`);
    for (const t of [...a.thresholds, ...(a.engine?.thresholds ?? [])]) {
      if (t.direction !== 'low' && t.direction !== 'high') problems.push(`${t.id}: direction must be low or high`);
      if (!(typeof t.value === 'number' && Number.isFinite(t.value))) problems.push(`${t.id}: value must be a number`);
      if (typeof t.inclusive !== 'boolean') problems.push(`${t.id}: inclusive must be true or false`);
    }
  }
  for (const p of r.criticalValues.processRules) for (const s of p.sources) source(s, p.id);
  for (const rr of r.renal) {
    const c = rr.card;
    if (!c?.title?.zh || !c.title.en || !c.action?.zh || !c.action.en)
      problems.push(`${rr.id}: card needs title and action (en, zh)`);
    if (c && !severities.has(c.severity)) problems.push(`${rr.id}: card severity must be high or moderate`);
    if (!(typeof c?.alertBelow === 'number' && c.alertBelow > 0))
      problems.push(`${rr.id}: card alertBelow must be a positive number`);
    for (const d of rr.drugs) drug(d, rr.id);
    for (const c of rr.classes ?? []) cls(c, rr.id);
    for (const s of rr.sources) source(s, rr.id);
  }
  for (const p of r.pharmacogenomics) {
    const c = p.card;
    if (!c) problems.push(`${p.id}: card is required`);
    else {
      set(c.drugs, p.id);
      if (!c.drugs.drugs?.length && !c.drugs.classes?.length) problems.push(`${p.id}: card names no drugs`);
      if (!c.title?.zh || !c.title.en) problems.push(`${p.id}: card title needs en and zh`);
      if (!pgxSeverities.has(c.severity)) problems.push(`${p.id}: card severity must be high, moderate or low`);
      if (typeof c.judge !== 'string' || !c.judge) problems.push(`${p.id}: card judge must name a judge`);
      const verdicts = Object.entries(c.verdicts ?? {});
      if (verdicts.length === 0) problems.push(`${p.id}: card needs at least one verdict`);
      for (const [k, v] of verdicts) {
        if (!pgxSeverities.has(v.severity))
          problems.push(`${p.id}: verdict ${k} severity must be high, moderate or low`);
        if (!v.statement?.zh || !v.statement.en || !v.action?.zh || !v.action.en)
          problems.push(`${p.id}: verdict ${k} statement and action need en and zh`);
        if ((v.replaceWith && !v.replaceWith.zh) || (v.order && !v.order.zh))
          problems.push(`${p.id}: verdict ${k} replaceWith and order need en and zh`);
      }
      problems.push(...pgxDataProblems(p.id, c, (s) => source(s, p.id)));
    }
    for (const d of p.drugs) drug(d, p.id);
    for (const rec of p.recommendations) for (const d of rec.drugs ?? []) drug(d, p.id);
    for (const s of p.sources) source(s, p.id);
  }
  for (const c of r.contraindications) {
    set(c.drugs, c.id);
    if (!c.drugs.drugs?.length && !c.drugs.classes?.length) problems.push(`${c.id}: no drugs`);
    if (!r.conditions.has(c.condition)) problems.push(`${c.id}: unknown condition ${c.condition}`);
    if (!severities.has(c.severity)) problems.push(`${c.id}: severity must be high or moderate`);
    if (!c.title?.zh || !c.title.en || !c.action?.zh || !c.action.en)
      problems.push(`${c.id}: title and action need en and zh`);
    sourced(c.sources, c.id);
  }
  for (const d of r.duplicates) {
    for (const c of [...(d.classes ?? []), ...(d.pairs ?? []).flat()]) cls(c, d.id);
    if (!d.classes?.length && !d.pairs?.length) problems.push(`${d.id}: no classes or pairs`);
    if ((d.pairs ?? []).some((p) => p.length !== 2)) problems.push(`${d.id}: a pair must name two classes`);
    if (d.pairs?.length && !d.label?.zh) problems.push(`${d.id}: a pair needs a label (en, zh)`);
    if (!severities.has(d.severity)) problems.push(`${d.id}: severity must be high or moderate`);
    if (!d.title?.zh || !d.title.en) problems.push(`${d.id}: title needs en and zh`);
    sourced(d.sources, d.id);
  }
  for (const d of r.doseLimits) {
    drug(d.drug, d.id);
    if (!(typeof d.maxDailyMg === 'number' && d.maxDailyMg > 0))
      problems.push(`${d.id}: maxDailyMg must be a positive number`);
    if (!severities.has(d.severity)) problems.push(`${d.id}: severity must be high or moderate`);
    if (!d.title?.zh || !d.title.en) problems.push(`${d.id}: title needs en and zh`);
    sourced(d.sources, d.id);
  }
  for (const c of r.conditions.values()) {
    if (!c.name?.zh || !c.name.en) problems.push(`condition ${c.id}: name needs en and zh`);
    if (!c.icd10?.length && !c.snomed?.length && !c.names?.length) problems.push(`condition ${c.id}: nothing to match`);
  }
  if (problems.length > 0)
    throw invalid(`CDS rule data refers to unknown ids: ${problems.join('; ')}`, { where: 'data/cds' });
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
    if (
      d.id === k ||
      d.rxnorm === k ||
      d.formerIds?.some((f) => f.toLowerCase() === k) ||
      d.atc.some((a) => a.toLowerCase() === k)
    )
      return d;
    const names = [d.name.en, d.name.zh ?? '', ...(d.synonyms?.en ?? []), ...(d.synonyms?.zh ?? [])].map((n) =>
      n.toLowerCase(),
    );
    if (names.includes(k)) return d;
  }
  return undefined;
}

/**
 * The side pairs of an interaction, one graph edge each: every class or drug of `a` with every one
 * of `b` (`drug-class:maoi` → `drug-class:ssri`); for `anyTwoOf`, each unordered pair of `a` once.
 */
export function interactionPairs(r: DrugInteractionRule): [string, string][] {
  const sideIds = (s: DrugSet | undefined) => [
    ...(s?.classes ?? []).map((c) => `drug-class:${c}`),
    ...(s?.drugs ?? []).map((d) => `drug:${d}`),
  ];
  const a = sideIds(r.a);
  const b = r.anyTwoOf ? a : sideIds(r.b);
  const out: [string, string][] = [];
  for (const x of a) for (const y of b) if (!r.anyTwoOf || x <= y) out.push([x, y]);
  return out;
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

/**
 * The cross-reactivity of allergy-classes.json between drugs and classes the rule book knows, as
 * graph ids (`drug-class:penicillin`); the allergy file's own ids are the rule book's.
 */
export function allergyCrossReactivity(
  rules: CdsRules,
  allergy: AllergyClasses,
): { from: string; to: string; level: string; note: string }[] {
  const id = (x: string) => (rules.classes.has(x) ? `drug-class:${x}` : rules.drugs.has(x) ? `drug:${x}` : undefined);
  return allergy.crossReactivity.flatMap((x) => {
    const [from, to] = [id(x.from), id(x.to)];
    return from && to ? [{ from, to, level: x.level, note: x.note }] : [];
  });
}

/** The problems of a PGx card's activity score bands and result terms (each cites a source; verdicts exist). */
export function pgxDataProblems(id: string, c: PgxCard, source: (id: string) => void): string[] {
  const problems: string[] = [];
  const a = c.activityScores;
  if (a) {
    if (!a.citation) problems.push(`${id}: activityScores needs a citation`);
    source(a.source);
    for (const b of a.bands ?? []) {
      if (!(typeof b.min === 'number' && typeof b.max === 'number' && b.min <= b.max))
        problems.push(`${id}: activityScores band needs numbers min <= max`);
      if (!c.verdicts?.[b.verdict]) problems.push(`${id}: activityScores band names unknown verdict ${b.verdict}`);
    }
    if (!a.bands?.length) problems.push(`${id}: activityScores needs at least one band`);
  }
  const r = c.results;
  if (r) {
    if (!r.citation) problems.push(`${id}: results needs a citation`);
    source(r.source);
    for (const t of r.terms ?? []) {
      if (!t.gene || !t.phenotype) problems.push(`${id}: results term needs a gene and a phenotype`);
      try {
        new RegExp(t.pattern, 'i');
      } catch {
        problems.push(`${id}: results term pattern ${JSON.stringify(t.pattern)} is not a regular expression`);
      }
    }
    if (!r.terms?.length) problems.push(`${id}: results needs at least one term`);
  }
  return problems;
}
