import type { Bilingual, DiagnosisConclusion, Evidence, KnowledgeSource, Lang, Source } from '../../core/index.js';
import { pick, stableId } from '../../core/index.js';
import type { Observations } from './evidence.js';
import type { Network } from './network.js';

/** One finding's weight for (positive) or against (negative) a disease: a signed log-likelihood ratio. */
export interface FindingContribution {
  readonly finding: string;
  readonly name: Bilingual;
  readonly observed: 'present' | 'absent';
  /** ln P(observation | disease) − ln P(observation | the rest of the differential). */
  readonly llr: number;
  /** The edge disease → finding, when there is one. */
  readonly edge?: KnowledgeSource;
  readonly edgeProbability?: number;
}

/** A causal chain risk factor → disease → finding, each link with the knowledge that asserts it. */
export interface CausalPath {
  readonly riskFactor?: {
    readonly id: string;
    readonly name: Bilingual;
    readonly source: KnowledgeSource;
    readonly probability: number;
  };
  readonly disease: string;
  readonly finding: {
    readonly id: string;
    readonly name: Bilingual;
    readonly source: KnowledgeSource;
    readonly probability: number;
  };
}

export interface Explanation {
  readonly disease: string;
  readonly name: Bilingual;
  readonly probability: number;
  /** Largest |llr| first. */
  readonly contributions: readonly FindingContribution[];
  /** Findings the disease usually causes (edge ≥ 0.5) that the patient does not have. */
  readonly expectedAbsent: readonly FindingContribution[];
  /** Findings it usually causes that nobody asked about yet. */
  readonly notAsked: readonly {
    readonly finding: string;
    readonly name: Bilingual;
    readonly edgeProbability: number;
  }[];
  readonly paths: readonly CausalPath[];
}

export interface ExplainOptions {
  /** Where each finding came from in the record or the session (for click-through). */
  readonly sourcesOf?: (findingId: string) => readonly Source[];
  /** Present risk factors (ids) for the paths. */
  readonly riskFactors?: readonly string[];
}

/**
 * Explains disease `d` against the rest of the differential `share` (normalised posterior): each
 * observed finding's signed log-likelihood ratio P(obs | d) / P(obs | not d), where "not d" is the
 * share-weighted mixture of the other diseases (single-fault likelihoods with the leak).
 */
export function explainDisease(
  net: Network,
  obs: Observations,
  share: Float64Array,
  d: number,
  probability: number,
  options: ExplainOptions = {},
): Explanation {
  const disease = net.diseases[d]!;
  let rest = 0;
  for (let i = 0; i < share.length; i++) if (i !== d) rest += share[i]!;
  const likelihood = (i: number, f: number) => {
    const q = net.effects[i]!.find((l) => l.to === f)?.q ?? 0;
    return 1 - (1 - net.leak[f]!) * (1 - q);
  };
  const others = (f: number) => {
    if (rest <= 0) return net.leak[f]!;
    let p = 0;
    for (let i = 0; i < share.length; i++) if (i !== d && share[i]! > 0) p += share[i]! * likelihood(i, f);
    return p / rest;
  };
  const edgeTo = new Map(net.effects[d]!.map((l) => [l.to, l]));
  const contribution = (f: number, present: boolean): FindingContribution => {
    const pd = likelihood(d, f);
    const po = others(f);
    const llr = present ? Math.log(pd / po) : Math.log((1 - pd) / (1 - po));
    const l = edgeTo.get(f);
    return {
      finding: net.findings[f]!.id,
      name: net.findings[f]!.name,
      observed: present ? 'present' : 'absent',
      llr,
      ...(l ? { edge: l.edge.source, edgeProbability: l.q } : {}),
    };
  };
  const contributions = [
    ...obs.positive.map((f) => contribution(f, true)),
    ...obs.negative.map((f) => contribution(f, false)),
  ]
    .filter((c) => Math.abs(c.llr) > 1e-3)
    .sort((a, b) => Math.abs(b.llr) - Math.abs(a.llr));
  const negative = new Set(obs.negative);
  const known = new Set([...obs.positive, ...obs.negative]);
  const expectedAbsent = net.effects[d]!.filter((l) => l.q >= 0.5 && negative.has(l.to))
    .map((l) => contribution(l.to, false))
    .sort((a, b) => (b.edgeProbability ?? 0) - (a.edgeProbability ?? 0));
  const notAsked = net.effects[d]!.filter((l) => l.q >= 0.5 && !known.has(l.to))
    .sort((a, b) => b.q - a.q)
    .slice(0, 5)
    .map((l) => ({ finding: net.findings[l.to]!.id, name: net.findings[l.to]!.name, edgeProbability: l.q }));
  // Paths: present risk factors (model risk edges) and present antecedents → disease → present finding.
  const present = new Set(options.riskFactors ?? []);
  const risks = net.risks[d]!.filter((l) => present.has(net.model.riskFactors![l.to]!.id)).map((l) => {
    const r = net.model.riskFactors![l.to]!;
    return { id: r.id, name: r.name, source: l.edge.source, probability: l.q };
  });
  const antecedents = obs.positive
    .filter((f) => net.findings[f]!.kind === 'antecedent' && edgeTo.has(f))
    .map((f) => ({
      id: net.findings[f]!.id,
      name: net.findings[f]!.name,
      source: edgeTo.get(f)!.edge.source,
      probability: edgeTo.get(f)!.q,
    }));
  const paths: CausalPath[] = [];
  // Paths explain support: findings that speak for the disease (positive log-likelihood ratio).
  const supporting = new Set(contributions.filter((c) => c.observed === 'present' && c.llr > 0).map((c) => c.finding));
  for (const f of obs.positive) {
    const l = edgeTo.get(f);
    if (!l || net.findings[f]!.kind === 'antecedent' || !supporting.has(net.findings[f]!.id)) continue;
    const finding = { id: net.findings[f]!.id, name: net.findings[f]!.name, source: l.edge.source, probability: l.q };
    const upstream = [...risks, ...antecedents];
    if (upstream.length === 0) paths.push({ disease: disease.id, finding });
    for (const r of upstream) paths.push({ riskFactor: r, disease: disease.id, finding });
  }
  return { disease: disease.id, name: disease.name, probability, contributions, expectedAbsent, notAsked, paths };
}

const pct = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;

/** The explanation as text a clinician can read, in Chinese or English. */
export function explanationText(e: Explanation, lang: Lang, maxItems = 6): string {
  const lines: string[] = [];
  const name = pick(e.name, lang);
  const forIt = e.contributions.filter((c) => c.llr > 0).slice(0, maxItems);
  const against = e.contributions.filter((c) => c.llr < 0).slice(0, maxItems);
  if (lang === 'zh') {
    lines.push(`${name}：概率 ${pct(e.probability)}`);
    if (forIt.length)
      lines.push(
        `  支持：${forIt.map((c) => `${pick(c.name, lang)}${c.observed === 'absent' ? '（无）' : ''}（+${c.llr.toFixed(2)}）`).join('；')}`,
      );
    if (against.length)
      lines.push(
        `  反对：${against.map((c) => `${pick(c.name, lang)}${c.observed === 'absent' ? '（无）' : ''}（${c.llr.toFixed(2)}）`).join('；')}`,
      );
    if (e.expectedAbsent.length)
      lines.push(
        `  应有而未见：${e.expectedAbsent
          .slice(0, maxItems)
          .map((c) => pick(c.name, lang))
          .join('；')}`,
      );
    if (e.notAsked.length) lines.push(`  尚未询问：${e.notAsked.map((c) => pick(c.name, lang)).join('；')}`);
    for (const p of e.paths.slice(0, 3))
      lines.push(
        `  因果链：${p.riskFactor ? `${pick(p.riskFactor.name, lang)} → ` : ''}${name} → ${pick(p.finding.name, lang)}（依据：${p.finding.source.authority.name}）`,
      );
  } else {
    lines.push(`${name}: probability ${pct(e.probability)}`);
    if (forIt.length)
      lines.push(
        `  for: ${forIt.map((c) => `${c.observed === 'absent' ? 'no ' : ''}${pick(c.name, lang)} (+${c.llr.toFixed(2)})`).join('; ')}`,
      );
    if (against.length)
      lines.push(
        `  against: ${against.map((c) => `${c.observed === 'absent' ? 'no ' : ''}${pick(c.name, lang)} (${c.llr.toFixed(2)})`).join('; ')}`,
      );
    if (e.expectedAbsent.length)
      lines.push(
        `  expected but absent: ${e.expectedAbsent
          .slice(0, maxItems)
          .map((c) => pick(c.name, lang))
          .join('; ')}`,
      );
    if (e.notAsked.length) lines.push(`  not asked yet: ${e.notAsked.map((c) => pick(c.name, lang)).join('; ')}`);
    for (const p of e.paths.slice(0, 3))
      lines.push(
        `  causal path: ${p.riskFactor ? `${pick(p.riskFactor.name, lang)} → ` : ''}${name} → ${pick(p.finding.name, lang)} (source: ${p.finding.source.authority.name})`,
      );
  }
  return lines.join('\n');
}

/** The explanation as a core `DiagnosisConclusion` (kind `diagnosis`), for the workspace and CDS cards. */
export function explanationConclusion(
  net: Network,
  e: Explanation,
  patientId: string,
  options: ExplainOptions & { rank?: number; createdAt?: string } = {},
): DiagnosisConclusion {
  const sources = (id: string) => options.sourcesOf?.(id) ?? [];
  const evidence: Evidence[] = [
    ...e.contributions.map((c) => ({
      role: (c.llr > 0 ? 'supports' : 'refutes') as Evidence['role'],
      statement: {
        en: `${c.observed === 'absent' ? 'No ' : ''}${c.name.en}: log-likelihood ratio ${c.llr >= 0 ? '+' : ''}${c.llr.toFixed(2)}`,
        zh: `${c.observed === 'absent' ? '无' : ''}${c.name.zh ?? c.name.en}：对数似然比 ${c.llr >= 0 ? '+' : ''}${c.llr.toFixed(2)}`,
      },
      factId: c.finding,
      sources: sources(c.finding),
      ...(c.edge ? { knowledge: [c.edge] } : {}),
      contribution: c.llr,
    })),
    ...e.notAsked.map((c) => ({
      role: 'missing' as const,
      statement: {
        en: `Not yet known: ${c.name.en} (expected in ${pct(c.edgeProbability)})`,
        zh: `尚不清楚：${c.name.zh ?? c.name.en}（该病 ${pct(c.edgeProbability)} 出现）`,
      },
      factId: c.finding,
      sources: [],
    })),
    ...e.paths
      .filter((p) => p.riskFactor)
      .slice(0, 5)
      .map((p) => ({
        role: 'context' as const,
        statement: {
          en: `${p.riskFactor!.name.en} → ${e.name.en} → ${p.finding.name.en}`,
          zh: `${p.riskFactor!.name.zh ?? p.riskFactor!.name.en} → ${e.name.zh ?? e.name.en} → ${p.finding.name.zh ?? p.finding.name.en}`,
        },
        sources: sources(p.riskFactor!.id),
        knowledge: [p.riskFactor!.source, p.finding.source],
      })),
  ];
  // Expected-but-absent findings are already among the contributions (refuting); mark them missing too.
  for (const c of e.expectedAbsent) {
    evidence.push({
      role: 'missing',
      statement: { en: `Expected but absent: ${c.name.en}`, zh: `应有而未见：${c.name.zh ?? c.name.en}` },
      factId: c.finding,
      sources: sources(c.finding),
      ...(c.edge ? { knowledge: [c.edge] } : {}),
      contribution: c.llr,
    });
  }
  const d = net.diseases[net.diseaseIndex.get(e.disease)!]!;
  return {
    id: stableId('diagnosis', net.model.id, patientId, e.disease),
    kind: 'diagnosis',
    producer: 'diagnosis/noisy-or',
    patientId,
    statement: { en: `${e.name.en} (${pct(e.probability)})`, zh: `${e.name.zh ?? e.name.en}（${pct(e.probability)}）` },
    detail: { en: explanationText(e, 'en'), zh: explanationText(e, 'zh') },
    confidence: e.probability,
    ...(d.severity !== undefined ? { severity: severityOf(d.severity) } : {}),
    ...(d.coding ? { concept: d.coding } : {}),
    evidence,
    ...(net.model.release ? { knowledgeRelease: net.model.release } : {}),
    model: { used: false, reason: 'causal network; no language model involved' },
    createdAt: options.createdAt ?? new Date().toISOString(),
  };
}

function severityOf(s: number): DiagnosisConclusion['severity'] {
  return s <= 1 ? 'critical' : s === 2 ? 'high' : s === 3 ? 'moderate' : 'low';
}
