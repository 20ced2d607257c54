import type { CodeableConcept, Observation, ObservationComponent, ObservationReferenceRange } from 'fhir/r4.js';
import type { Concept, Fact, FactCategory, Quantity } from '../core/index.js';
import { CodeSystems } from '../core/index.js';
import type { AnyResource } from './fhir.js';
import { choiceTime, codesOf, conceptOf, hasCode, quantityOf } from './fhir.js';
import { codedFact, type MapContext } from './map-context.js';

/** LOINC panels whose two components are one ratio value: blood pressure. */
const bloodPressurePanels = ['55284-4', '85354-9', '35094-2'];
const systolic = ['8480-6', '271649006'];
const diastolic = ['8462-4', '271650006'];

/**
 * LOINC codes of the HL7 Genomics Reporting IG and CPIC-style PGx results
 * (https://build.fhir.org/ig/HL7/genomics-reporting/): genotype, haplotype, variant, gene studied,
 * metabolizer status.
 */
const genomicCodes = [
  '84413-4',
  '84414-2',
  '69548-6',
  '81247-9',
  '48018-6',
  '53040-2',
  '51963-7',
  '79716-7',
  '79714-2',
  '57134-9',
  '93044-6',
];
const geneStudied = ['48018-6'];
const phenotypeCodes = ['53040-2', '79716-7', '93044-6'];
const genotypeCodes = ['84413-4', '84414-2'];

const diplotypePattern = /(\*\d+[A-Za-z]?(?:x\d|xN)?)\s*\/\s*(\*\d+[A-Za-z]?(?:x\d|xN)?)/;
const genePattern =
  /\b(CYP\d[A-Z]\d+|VKORC1|SLCO1B1|TPMT|NUDT15|DPYD|UGT1A1|HLA-[A-Z]+\d*(?:\*\d+(?::\d+)?)?|G6PD|IFNL3|CFTR|ABCG2|RYR1|CACNA1S|MT-RNR1)\b/;
const metabolizerPattern =
  /(ultra\s*rapid|rapid|normal|intermediate|poor|likely intermediate|likely poor|indeterminate)\s+metaboli[sz]er|(超快|快|正常|中间|慢)代谢(型|者)?/i;

/** Observation (https://hl7.org/fhir/R4/observation.html) → measurement, finding, imaging, risk factor or genotype facts. */
export function mapObservation(r: Observation & AnyResource, ctx: MapContext): Fact[] {
  if (r.status === 'entered-in-error' || r.status === 'cancelled') return [];
  const concept = conceptOf(r.code);
  if (!concept) return [];
  if (isGenomic(r)) return mapGenotype(r, concept, ctx);
  const time = choiceTime(r as Record<string, unknown>, 'effective') ?? (r.issued ? { start: r.issued } : undefined);
  const category = observationCategory(r);
  const categoryCode = codesOf(r.category)[0];
  const base = {
    category,
    ...(time ? { time } : {}),
    status: r.status,
    ...(categoryCode ? { qualifiers: { category: categoryCode } } : {}),
  };
  const codes = codesOf(r.code);
  if (codes.some((c) => bloodPressurePanels.includes(c)) && r.component?.length) {
    const sys = r.component.find((c) => codesOf(c.code).some((x) => systolic.includes(x)));
    const dia = r.component.find((c) => codesOf(c.code).some((x) => diastolic.includes(x)));
    const s = quantityOf(sys?.valueQuantity);
    const d = quantityOf(dia?.valueQuantity);
    if (s) {
      const value: Quantity = {
        ...s,
        ...(d ? { value2: d.value } : {}),
        original: `${s.value}${d ? `/${d.value}` : ''} ${sys?.valueQuantity?.unit ?? s.unit}`,
      };
      const interpretation = interpretationOf(r.interpretation) ?? interpretationOf(sys?.interpretation);
      return [
        codedFact(r, ctx, 'Observation.component.value', {
          ...base,
          concept,
          assertion: 'present',
          value,
          ...(interpretation ? { interpretation } : {}),
        }),
      ];
    }
  }
  const facts: Fact[] = [];
  const own = valueFact(r, ctx, concept, r as ObservationValue, 'Observation', r.referenceRange, r.interpretation);
  if (own) facts.push(codedFact(r, ctx, own.path, { ...base, ...own.fields, concept }));
  (r.component ?? []).forEach((c, i) => {
    const cc = conceptOf(c.code);
    if (!cc) return;
    const v = valueFact(
      r,
      ctx,
      cc,
      c,
      `Observation.component[${i}]`,
      c.referenceRange,
      c.interpretation ?? r.interpretation,
    );
    if (v) facts.push(codedFact(r, ctx, v.path, { ...base, ...v.fields, concept: cc }));
  });
  // An observation with no value at all (e.g. a finding recorded as present) is the finding itself.
  if (!facts.length && !r.dataAbsentReason)
    facts.push(codedFact(r, ctx, 'Observation.code', { ...base, concept, assertion: 'present' }));
  return facts;
}

type ObservationValue = Pick<
  ObservationComponent,
  | 'valueQuantity'
  | 'valueCodeableConcept'
  | 'valueString'
  | 'valueBoolean'
  | 'valueInteger'
  | 'valueRange'
  | 'valueRatio'
  | 'valueDateTime'
>;

function valueFact(
  _r: AnyResource,
  _ctx: MapContext,
  _concept: Concept,
  v: ObservationValue,
  prefix: string,
  ranges: readonly ObservationReferenceRange[] | undefined,
  interp: readonly CodeableConcept[] | undefined,
): { path: string; fields: Pick<Fact, 'assertion'> & Partial<Fact> } | undefined {
  const interpretation = interpretationOf(interp);
  const referenceRange = rangeOf(ranges);
  const extra = { ...(interpretation ? { interpretation } : {}), ...(referenceRange ? { referenceRange } : {}) };
  const q = quantityOf(v.valueQuantity);
  if (q) return { path: `${prefix}.valueQuantity`, fields: { assertion: 'present', value: q, ...extra } };
  if (typeof v.valueInteger === 'number')
    return {
      path: `${prefix}.valueInteger`,
      fields: { assertion: 'present', value: { value: v.valueInteger, unit: '1' }, ...extra },
    };
  if (v.valueCodeableConcept) {
    const text =
      v.valueCodeableConcept.text ??
      v.valueCodeableConcept.coding?.[0]?.display ??
      v.valueCodeableConcept.coding?.[0]?.code;
    const negative =
      /^(negative|not detected|absent|no|阴性|未检出|无)$/i.test(text ?? '') ||
      hasCode(v.valueCodeableConcept, CodeSystems.snomed, ['260385009', '260415000']);
    return {
      path: `${prefix}.valueCodeableConcept`,
      fields: {
        assertion: 'present',
        ...(text ? { valueText: text } : {}),
        ...(negative && !interpretation ? { interpretation: 'NEG' } : {}),
        ...extra,
      },
    };
  }
  if (typeof v.valueString === 'string')
    return { path: `${prefix}.valueString`, fields: { assertion: 'present', valueText: v.valueString, ...extra } };
  if (typeof v.valueBoolean === 'boolean')
    return {
      path: `${prefix}.valueBoolean`,
      fields: { assertion: v.valueBoolean ? 'present' : 'absent', valueText: String(v.valueBoolean) },
    };
  if (v.valueRange?.low || v.valueRange?.high) {
    const low = quantityOf(v.valueRange.low);
    const high = quantityOf(v.valueRange.high);
    const value = low
      ? { ...low, ...(high ? { value2: high.value } : {}) }
      : high
        ? { ...high, comparator: '<=' as const }
        : undefined;
    if (value) return { path: `${prefix}.valueRange`, fields: { assertion: 'present', value, ...extra } };
  }
  if (typeof v.valueDateTime === 'string')
    return { path: `${prefix}.valueDateTime`, fields: { assertion: 'present', valueText: v.valueDateTime } };
  return undefined;
}

/** Observation category → fact category (https://hl7.org/fhir/R4/valueset-observation-category.html). */
export function observationCategory(r: Observation): FactCategory {
  const cats = codesOf(r.category);
  if (cats.includes('imaging')) return 'imaging';
  if (cats.includes('social-history') || cats.includes('survey')) return 'risk-factor';
  if (cats.includes('exam')) return 'finding';
  return 'measurement';
}

/** The first interpretation code (H, L, N, A, HH, LL, POS, NEG…). */
export function interpretationOf(cc: readonly CodeableConcept[] | undefined): string | undefined {
  for (const c of cc ?? []) {
    const code = c.coding?.find((x) => x.code)?.code;
    if (code) return code;
    if (c.text) return c.text;
  }
  return undefined;
}

function rangeOf(ranges: readonly ObservationReferenceRange[] | undefined): Fact['referenceRange'] | undefined {
  const r = ranges?.find((x) => !x.type || codesOf(x.type).includes('normal')) ?? ranges?.[0];
  if (!r) return undefined;
  const low = r.low?.value;
  const high = r.high?.value;
  const unit = r.low?.code ?? r.high?.code ?? r.low?.unit ?? r.high?.unit;
  if (low === undefined && high === undefined && !r.text) return undefined;
  return {
    ...(low !== undefined ? { low } : {}),
    ...(high !== undefined ? { high } : {}),
    ...(unit ? { unit } : {}),
    ...(r.text ? { text: r.text } : {}),
  };
}

function isGenomic(r: Observation): boolean {
  if (hasCode(r.category, 'http://terminology.hl7.org/CodeSystem/v2-0074', ['GE'])) return true;
  if (codesOf(r.category).includes('genetics')) return true;
  if (hasCode(r.code, CodeSystems.loinc, genomicCodes)) return true;
  return (r.component ?? []).some((c) => hasCode(c.code, CodeSystems.loinc, geneStudied));
}

function textOf(cc: CodeableConcept | undefined): string | undefined {
  return cc?.text ?? cc?.coding?.find((c) => c.display)?.display ?? cc?.coding?.[0]?.code;
}

/**
 * A PGx or genotype result → `genotype` facts in the biology space: the gene as the concept, with
 * `gene`, `diplotype` and `phenotype` (metabolizer status) as qualifiers where the result states
 * them. The phenotype is taken as reported; MedSeek does not infer it from the diplotype here.
 */
function mapGenotype(r: Observation & AnyResource, concept: Concept, ctx: MapContext): Fact[] {
  const time = choiceTime(r as Record<string, unknown>, 'effective') ?? (r.issued ? { start: r.issued } : undefined);
  const comp = (codes: readonly string[]) => (r.component ?? []).find((c) => hasCode(c.code, CodeSystems.loinc, codes));
  const geneComp = comp(geneStudied);
  const geneCoding = geneComp?.valueCodeableConcept?.coding?.find((c) => c.code);
  const texts = [
    textOf(r.valueCodeableConcept),
    r.valueString,
    textOf(r.code),
    textOf(geneComp?.valueCodeableConcept),
    ...(r.component ?? []).map((c) => textOf(c.valueCodeableConcept) ?? c.valueString),
  ]
    .filter((t): t is string => !!t)
    .join(' | ');
  const gene =
    geneCoding?.display ??
    textOf(geneComp?.valueCodeableConcept)?.match(genePattern)?.[1] ??
    texts.match(genePattern)?.[1];
  const genotypeComp = comp(genotypeCodes);
  const genotypeText =
    (hasCode(r.code, CodeSystems.loinc, genotypeCodes)
      ? (textOf(r.valueCodeableConcept) ?? r.valueString)
      : undefined) ??
    textOf(genotypeComp?.valueCodeableConcept) ??
    genotypeComp?.valueString ??
    texts;
  // An ambiguous call (src/ingest/vcf/fhir.ts): `ambiguous (reason): TPMT*1/TPMT*3A or TPMT*3B/TPMT*3C`, its
  // candidate phenotypes in a note. No single diplotype or phenotype is read from it; the candidates are kept.
  const am = /^\s*ambiguous\b\s*(?:\(([^)]*)\))?\s*:\s*(.+)$/i.exec(genotypeText);
  const ambiguous = am?.[2]?.trim();
  const possiblePhenotypes = ambiguous ? candidatePhenotypes(r) : [];
  const dm = ambiguous ? null : (diplotypePattern.exec(genotypeText) ?? diplotypePattern.exec(texts));
  const diplotype = dm ? `${dm[1]}/${dm[2]}` : undefined;
  const phenoComp = comp(phenotypeCodes);
  const phenoText =
    (hasCode(r.code, CodeSystems.loinc, phenotypeCodes)
      ? (textOf(r.valueCodeableConcept) ?? r.valueString)
      : undefined) ??
    textOf(phenoComp?.valueCodeableConcept) ??
    phenoComp?.valueString;
  const pm = ambiguous ? null : (metabolizerPattern.exec(phenoText ?? '') ?? metabolizerPattern.exec(texts));
  const activityScore = ambiguous ? undefined : activityScoreOf(phenoText ?? texts);
  const phenotype = pm ? normalisePhenotype(pm[0]) : phenoText;
  const geneConcept: Concept = gene
    ? geneCoding?.code
      ? { system: CodeSystems.hgnc, code: geneCoding.code, display: gene }
      : { system: CodeSystems.hgnc, code: gene, display: gene }
    : concept;
  const qualifiers: Record<string, string> = {
    ...(gene ? { gene } : {}),
    ...(diplotype ? { diplotype } : {}),
    ...(phenotype ? { phenotype } : {}),
    ...(activityScore !== undefined ? { activityScore } : {}),
    ...(ambiguous ? { ambiguousGenotype: ambiguous } : {}),
    ...(am?.[1] ? { ambiguousReason: am[1] } : {}),
    ...(possiblePhenotypes.length ? { possiblePhenotypes: possiblePhenotypes.join(' | ') } : {}),
    observation: concept.display ?? concept.code,
  };
  // The candidate phenotypes stay out of valueText: a reader of the text must not take one of them as the result.
  const shown = phenotype
    ? `${phenotype}${activityScore !== undefined && pm ? `, activity score ${activityScore}` : ''}`
    : undefined;
  const valueText = ambiguous
    ? `${gene ? `${gene} ` : ''}ambiguous genotype: ${ambiguous}`
    : [gene, diplotype].filter(Boolean).join(' ') + (shown ? `${diplotype || gene ? ' ' : ''}(${shown})` : '');
  return [
    codedFact(r, ctx, dm || pm || ambiguous ? 'Observation.value' : 'Observation.code', {
      category: 'genotype',
      concept: geneConcept,
      assertion: 'present',
      ...(valueText ? { valueText } : {}),
      ...(time ? { time } : {}),
      status: r.status,
      qualifiers,
    }),
  ];
}

/** `activity score 1.5`, `AS 1`, `活性评分 0.5` → `1.5` (CPIC activity score: DPYD, CYP2D6, CYP2C9). */
export function activityScoreOf(text: string): string | undefined {
  const m = /(?:activity score|\bAS\b|活性评分)\s*[:：=]?\s*(\d+(?:\.\d+)?)/i.exec(text);
  return m ? String(Number(m[1])) : undefined;
}

/**
 * The candidate phenotypes of an ambiguous call, from the genotype Observation's note
 * (`Phenotype not determined: the candidates give Intermediate Metabolizer, Poor Metabolizer (…)`),
 * normalised; empty when the note is absent.
 */
function candidatePhenotypes(r: Observation): string[] {
  for (const n of r.note ?? []) {
    const m = /candidates give (.+?)\s*(?:\(|$)/i.exec(n.text ?? '');
    if (m)
      return [
        ...new Set(
          m[1]!
            .split(/\s*,\s*|\s+or\s+/)
            .filter(Boolean)
            .map(normalisePhenotype),
        ),
      ];
  }
  return [];
}

/** `Poor Metabolizer`, `慢代谢型` → `poor metabolizer` (CPIC term standardisation, PMID 27441996). */
export function normalisePhenotype(text: string): string {
  const zh: Record<string, string> = {
    超快: 'ultrarapid',
    快: 'rapid',
    正常: 'normal',
    中间: 'intermediate',
    慢: 'poor',
  };
  const m = /(超快|快|正常|中间|慢)代谢/.exec(text);
  if (m) return `${zh[m[1]!]} metabolizer`;
  return text
    .toLowerCase()
    .replace(/ultra\s*rapid/, 'ultrarapid')
    .replace(/metaboliser/, 'metabolizer')
    .replace(/\s+/g, ' ')
    .trim();
}
