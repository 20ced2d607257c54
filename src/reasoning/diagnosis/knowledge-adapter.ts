import type { Authority, Bilingual, Coding } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import type { CausalNetwork, KgConcept, KgRelation } from '../../knowledge/index.js';
import { knowledgeSource } from '../../knowledge/index.js';
import type {
  CausalEdge,
  CausalModel,
  DiseaseNode,
  FindingNode,
  ResultCriterion,
  RiskFactorNode,
  StratifiedPrior,
} from './model.js';

/**
 * A causal model from a knowledge-graph release (`KnowledgeGraph.causalNetwork()`): its
 * `has-finding`, `risk-factor-of` and `prior` relations. Where a source gives no number (most
 * Chinese KG crawls), the documented defaults below stand in, and the edge still names its source.
 */
export interface KnowledgeModelOptions {
  /**
   * P(finding | disease) used for inference when the relation has no probability or sensitivity
   * (`probability: null`, "frequency unknown"). Default `DEFAULT_EDGE_PROBABILITY` (0.5). The
   * edge keeps `frequency: 'unknown'`, so explanations say "frequency unknown" instead of a number.
   */
  readonly defaultEdge?: number;
  /**
   * P(disease) when no prior relation gives one: the same for every such disease (a uniform
   * prior, `priorBasis: 'uniform'`), said as such in explanations. Default `UNIFORM_PRIOR` (1e-3).
   */
  readonly defaultPrior?: number;
  /** Leak of every finding whose concept gives none (`attrs.leak`). Default 0.01. */
  readonly leak?: number;
  /** Risk-factor activation when neither probability nor relative risk is given; default: from `defaultRelativeRisk`. */
  readonly defaultRisk?: number;
  /**
   * Relative risk assumed for a listed risk factor with no number (DDXPlus antecedents). Default 2.
   * An absolute activation (the former 0.05) against a default prior of 1e-3 let every listed
   * antecedent of unknown status add about half a percentage point to the prior, so diseases with
   * many antecedents (panic attack, HIV, sinusitis) outranked influenza and pneumonia for cough and
   * fever; a relative risk keeps the prior where the evidence puts it.
   */
  readonly defaultRelativeRisk?: number;
  /** Prevalence of a risk factor whose concept gives none. Default 0.1. */
  readonly defaultPrevalence?: number;
}

/**
 * The documented stand-in for an unknown frequency: a finding the source lists for a disease but
 * without a number is taken as present in half of its cases (the maximum-entropy value for a yes/no
 * finding, which moves a posterior least for a listed edge of unknown strength).
 */
export const DEFAULT_EDGE_PROBABILITY = 0.5;
/** The uniform prior of a disease with no prevalence in the release (1 in 1,000). */
export const UNIFORM_PRIOR = 1e-3;

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : undefined;

function nameOf(c: KgConcept | undefined, id: string): Bilingual {
  const en = c?.name.en ?? c?.name.zh ?? id;
  return c?.name.zh ? { en, zh: c.name.zh } : { en };
}

function codingOf(c: KgConcept | undefined): Coding | undefined {
  const code = c?.codes[0];
  return code
    ? {
        system: code.system,
        code: code.code,
        ...(c?.name.en ? { display: c.name.en } : {}),
        ...(c?.name.zh ? { displayZh: c.name.zh } : {}),
      }
    : undefined;
}

export function modelFromKnowledge(cn: CausalNetwork, options: KnowledgeModelOptions = {}): CausalModel {
  const defaultEdge = options.defaultEdge ?? DEFAULT_EDGE_PROBABILITY;
  const defaultPrior = options.defaultPrior ?? UNIFORM_PRIOR;
  const leak = options.leak ?? 0.01;
  const diseaseIds = new Set(cn.diseases.map((d) => d.id));
  // A concept can be both a disease and another disease's finding (a complication); keep ids apart.
  const findingId = (id: string) => (diseaseIds.has(id) ? `finding:${id}` : id);
  const priorsBy = new Map<string, KgRelation[]>();
  for (const r of cn.priors) priorsBy.set(r.from, [...(priorsBy.get(r.from) ?? []), r]);
  const diseases: DiseaseNode[] = cn.diseases.map((c) => {
    const rels = priorsBy.get(c.id) ?? [];
    const general = rels.find((r) => r.attrs.sex == null && r.attrs.ageMin == null && r.attrs.ageMax == null);
    const strata: StratifiedPrior[] = rels
      .filter((r) => r !== general && num(r.attrs.probability) !== undefined)
      .map((r) => ({
        ...(r.attrs.sex === 'male' || r.attrs.sex === 'female' ? { sex: r.attrs.sex } : {}),
        ...(num(r.attrs.ageMin) !== undefined ? { ageFrom: num(r.attrs.ageMin)! } : {}),
        ...(num(r.attrs.ageMax) !== undefined ? { ageTo: num(r.attrs.ageMax)! } : {}),
        prior: num(r.attrs.probability)!,
      }));
    const severity = num(c.attrs.severity);
    const coding = codingOf(c);
    const given = num(general?.attrs.probability);
    // A prior the release marks `prevalence: 'unknown'` is a documented default figure, not a prevalence.
    const unknown = (given === undefined && strata.length === 0) || general?.attrs.prevalence === 'unknown';
    return {
      id: c.id,
      name: nameOf(c, c.id),
      ...(coding ? { coding } : {}),
      prior: given ?? defaultPrior,
      ...(unknown ? { priorBasis: 'uniform' as const } : {}),
      ...(strata.length ? { priors: strata } : {}),
      ...(severity !== undefined ? { severity } : {}),
    };
  });
  const findings = new Map<string, FindingNode>();
  const edges: CausalEdge[] = [];
  for (const r of cn.findings) {
    if (!r.to || !diseaseIds.has(r.from)) continue;
    const fid = findingId(r.to);
    // A categorical or multi-choice question (DDXPlus pain site, character, 0–10 scale) is no yes/no
    // finding: asked as "do you have pain location?" it would be nonsense. The `ddxplus` knowledge
    // base keeps their options; a release network leaves them out.
    const dataType = cn.concepts.get(r.to)?.attrs.dataType;
    if (dataType === 'C' || dataType === 'M') continue;
    if (!findings.has(fid)) {
      const c = cn.concepts.get(r.to);
      const coding = codingOf(c);
      const result = c ? resultCriterion(c) : undefined;
      const ownLeak = num(c?.attrs.leak);
      findings.set(fid, {
        id: fid,
        name: nameOf(c, r.to),
        kind:
          c?.type === 'risk-factor'
            ? 'antecedent'
            : result || c?.type === 'lab' || c?.type === 'imaging'
              ? 'test'
              : 'symptom',
        leak: ownLeak !== undefined && ownLeak > 0 && ownLeak < 1 ? ownLeak : leak,
        synonyms: (c?.terms ?? []).filter((t) => t.lang !== 'fr').map((t) => t.term),
        ...(coding ? { coding } : {}),
        ...(result ? { result } : {}),
      });
    }
    const given = num(r.attrs.probability) ?? num(r.attrs.sensitivity);
    edges.push({
      kind: 'causes',
      from: r.from,
      to: fid,
      probability: Math.min(Math.max(given ?? defaultEdge, 0), 1),
      ...(given === undefined ? { frequency: 'unknown' as const } : {}),
      source: knowledgeSource(r),
    });
  }
  // A disease presents the phenotype of its own name (see ownPhenotypeEdges).
  edges.push(...ownPhenotypeEdges(cn, [...findings.values()], edges, defaultEdge));
  const riskFactors = new Map<string, RiskFactorNode>();
  const priorOf = new Map(diseases.map((d) => [d.id, d.prior]));
  const riskId = (id: string) => (diseaseIds.has(id) || findings.has(id) ? `risk:${id}` : id);
  // The relative risk behind each risk edge given as one (edge index → RR), for the calibration below.
  const relativeRiskOf = new Map<number, number>();
  for (const r of cn.riskFactors) {
    if (!r.to || !diseaseIds.has(r.to)) continue;
    const rid = riskId(r.from);
    if (!riskFactors.has(rid)) {
      const c = cn.concepts.get(r.from);
      riskFactors.set(rid, {
        id: rid,
        name: nameOf(c, r.from),
        prevalence: num(c?.attrs.prevalence) ?? options.defaultPrevalence ?? 0.1,
      });
    }
    // Noisy-OR activation s with P(d | r) = 1 − (1 − p0)(1 − s); from a relative risk RR, P(d | r) = RR·p0.
    const p0 = priorOf.get(r.to) ?? defaultPrior;
    const rr = num(r.attrs.relativeRisk);
    const relative = (x: number) => Math.max(0, ((x - 1) * p0) / (1 - p0));
    const s =
      num(r.attrs.probability) ??
      (rr !== undefined ? relative(rr) : (options.defaultRisk ?? relative(options.defaultRelativeRisk ?? 2)));
    if (num(r.attrs.probability) === undefined && (rr !== undefined || options.defaultRisk === undefined))
      relativeRiskOf.set(edges.length, rr ?? options.defaultRelativeRisk ?? 2);
    edges.push({
      kind: 'risk',
      from: rid,
      to: r.to,
      probability: Math.min(Math.max(s, 0), 1),
      // Neither an activation nor a relative risk: the strength is the documented default.
      ...(num(r.attrs.probability) === undefined && rr === undefined ? { frequency: 'unknown' as const } : {}),
      source: knowledgeSource(r),
    });
  }
  // A disease's prior (the default, or a prevalence without sex or age strata) is its prior for a patient
  // whose risk factors are unknown: the base p0 is lowered so that marginalising its listed risk factors
  // (at their prevalence) gives back that prior, instead of raising it with every antecedent listed.
  const unstratified = new Set(diseases.filter((d) => !d.priors?.length).map((d) => d.id));
  // The risk edges of each such disease, found in one pass (13k diseases × 240k edges took 40 s).
  const riskEdges = new Map<string, number[]>();
  edges.forEach((e, i) => {
    if (e.kind === 'risk' && unstratified.has(e.to)) riskEdges.set(e.to, [...(riskEdges.get(e.to) ?? []), i]);
  });
  const calibrated = diseases.map((d) => {
    const list = riskEdges.get(d.id);
    if (!list) return d;
    // An edge from a relative risk is an activation s = (RR − 1)·p0/(1 − p0) at the base p0 itself, so
    // a present risk factor multiplies the base by RR; p0 solves marginal(p0) = prior (marginal grows
    // with p0), floored at 1 % of the prior. (The activation was taken at the uniform prior before, not
    // at the lowered base: a DDXPlus antecedent of assumed RR 2 acted as RR 11 and more.)
    const activation = (i: number, p0: number) => {
      const rr = relativeRiskOf.get(i);
      return rr === undefined ? edges[i]!.probability : Math.min(Math.max(((rr - 1) * p0) / (1 - p0), 0), 1);
    };
    const marginal = (p0: number) => {
      let off = 1 - p0;
      for (const i of list) off *= 1 - activation(i, p0) * (riskFactors.get(edges[i]!.from)?.prevalence ?? 0);
      return 1 - off;
    };
    let lo = d.prior * 0.01;
    let hi = d.prior;
    if (marginal(lo) >= d.prior) hi = lo;
    else
      for (let k = 0; k < 60; k++) {
        const mid = (lo + hi) / 2;
        if (marginal(mid) < d.prior) lo = mid;
        else hi = mid;
      }
    for (const i of list) if (relativeRiskOf.has(i)) edges[i] = { ...edges[i]!, probability: activation(i, hi) };
    return { ...d, prior: hi };
  });
  return {
    id: `kg-release-${cn.releaseId}`,
    title: { en: `Knowledge graph release ${cn.releaseId}`, zh: `知识图谱版本 ${cn.releaseId}` },
    release: String(cn.releaseId),
    diseases: calibrated,
    findings: [...findings.values()],
    riskFactors: [...riskFactors.values()],
    edges,
  };
}

/**
 * A result finding's criterion from its concept's `attrs.result` (the results-evidence importer
 * writes it); a malformed one is an error naming the concept, never silently a plain finding.
 */
export function resultCriterion(c: KgConcept): ResultCriterion | undefined {
  const r = c.attrs.result as Record<string, unknown> | undefined;
  if (r === undefined || r === null) return undefined;
  const strings = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
  if (r.kind === 'measurement' && strings(r.loinc) && (r.direction === 'high' || r.direction === 'low')) {
    const t = r.threshold as { value?: unknown; unit?: unknown } | undefined;
    if (t !== undefined && !(typeof t.value === 'number' && typeof t.unit === 'string'))
      throw invalid('a threshold is {value: number, unit: UCUM}', { where: c.id, field: 'attrs.result.threshold' });
    return {
      kind: 'measurement',
      loinc: r.loinc as string[],
      direction: r.direction,
      ...(t ? { threshold: { value: t.value as number, unit: t.unit as string } } : {}),
    };
  }
  if (r.kind === 'statement' && strings(r.patterns) && strings(r.context))
    return { kind: 'statement', patterns: r.patterns as string[], context: r.context as string[] };
  throw invalid(
    'attrs.result must be {kind: measurement, loinc[], direction: high|low} ' +
      'or {kind: statement, patterns[], context[]}',
    { where: c.id, field: 'attrs.result' },
  );
}

/** A name as compared across sources: NFKC, trimmed, lower case; two Chinese characters or four letters at least. */
function nameKey(s: string | undefined): string | undefined {
  const k = s?.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  if (!k) return undefined;
  if (/[\u4e00-\u9fff]/u.test(k)) return k.length >= 2 ? k : undefined;
  return k.replace(/[^a-z]/g, '').length >= 4 ? k : undefined;
}

/** Who asserts a same-name edge: the release's own names, read by this adapter. */
const SAME_NAME: Authority = {
  name: 'MedSeek: a disease presents the phenotype of the same name',
  document: 'src/reasoning/diagnosis/knowledge-adapter.ts (ownPhenotypeEdges)',
};

/**
 * Edges disease → finding where the release names a finding exactly as a disease (English or Chinese
 * name): HPO's phenotype "Congestive heart failure" and the Disease Ontology's congestive heart
 * failure, HPO 高钾血症 and ICD-10 高钾血症. The sources keep them apart, so the phenotype, read from a
 * record's diagnosis, had only the rare syndromes that list it as causes (278 OMIM entries for heart
 * failure, none of them heart failure itself). A disease shows its own phenotype; no source gives how
 * often it is recorded as such, so the edge is "frequency unknown" (the documented default).
 */
export function ownPhenotypeEdges(
  cn: CausalNetwork,
  findings: readonly FindingNode[],
  edges: readonly CausalEdge[],
  defaultEdge: number,
): CausalEdge[] {
  const byName = new Map<string, string[]>();
  for (const f of findings)
    for (const k of new Set([nameKey(f.name.en), nameKey(f.name.zh)]))
      if (k) byName.set(k, [...(byName.get(k) ?? []), f.id]);
  const linked = new Set(edges.filter((e) => e.kind === 'causes').map((e) => `${e.from}|${e.to}`));
  const out: CausalEdge[] = [];
  for (const c of cn.diseases) {
    for (const k of new Set([nameKey(c.name.en), nameKey(c.name.zh)])) {
      for (const f of (k && byName.get(k)) || []) {
        if (linked.has(`${c.id}|${f}`)) continue;
        linked.add(`${c.id}|${f}`);
        out.push({
          kind: 'causes',
          from: c.id,
          to: f,
          probability: defaultEdge,
          frequency: 'unknown',
          source: { kind: 'knowledge', edgeId: `same-name:${c.id}>${f}`, authority: SAME_NAME },
        });
      }
    }
  }
  return out;
}
