import type { Bilingual, DiagnosisConclusion, Evidence, KnowledgeSource, Lang, Source } from '../../core/index.js';
import { pick, stableId } from '../../core/index.js';
import type { Observations } from './evidence.js';
import type { Link, Network } from './network.js';

/** One finding's weight for (positive) or against (negative) a disease: a signed log-likelihood ratio. */
export interface FindingContribution {
  readonly finding: string;
  readonly name: Bilingual;
  readonly observed: 'present' | 'absent';
  /** ln P(observation | disease) − ln P(observation | the rest of the differential). */
  readonly llr: number;
  /** The edge disease → finding, when there is one. */
  readonly edge?: KnowledgeSource;
  /** The source's frequency of the finding in the disease; absent when the source gives none. */
  readonly edgeProbability?: number;
  /** The source names the finding for the disease without a frequency (inference used the default). */
  readonly frequencyUnknown?: true;
}

/** A causal chain risk factor → disease → finding, each link with the knowledge that asserts it. */
export interface CausalPath {
  readonly riskFactor?: {
    readonly id: string;
    readonly name: Bilingual;
    readonly source: KnowledgeSource;
    /** The source's strength (a risk factor or antecedent without one makes no path). */
    readonly probability: number;
  };
  readonly disease: string;
  readonly finding: {
    readonly id: string;
    readonly name: Bilingual;
    readonly source: KnowledgeSource;
    /** The source's frequency; absent when it gives none ("frequency unknown"). */
    readonly probability?: number;
  };
}

export interface Explanation {
  readonly disease: string;
  readonly name: Bilingual;
  readonly probability: number;
  /** `uniform`: the release gives no prevalence, the prior is the documented uniform default. */
  readonly priorBasis: 'source' | 'uniform';
  /** Already a diagnosis in the patient's record (a Condition): shown as such, not proposed. */
  readonly diagnosed?: true;
  /** Largest |llr| first. */
  readonly contributions: readonly FindingContribution[];
  /** Findings the disease usually causes (edge ≥ 0.5) that the patient does not have. */
  readonly expectedAbsent: readonly FindingContribution[];
  /** Findings it usually causes that nobody asked about yet. */
  readonly notAsked: readonly {
    readonly finding: string;
    readonly name: Bilingual;
    /** Absent when the source gives no frequency (`frequencyUnknown`). */
    readonly edgeProbability?: number;
    readonly frequencyUnknown?: true;
  }[];
  readonly paths: readonly CausalPath[];
}

export interface ExplainOptions {
  /** Where each finding came from in the record or the session (for click-through). */
  readonly sourcesOf?: (findingId: string) => readonly Source[];
  /** Present risk factors (ids) for the paths. */
  readonly riskFactors?: readonly string[];
  /** Diseases already diagnosed in the record (ids): their explanation says so. */
  readonly diagnosed?: ReadonlySet<string>;
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
  const edgeTo = new Map(net.effects[d]!.map((l) => [l.to, l]));
  const likelihood = (f: number) => 1 - (1 - net.leak[f]!) * (1 - (edgeTo.get(f)?.q ?? 0));
  // P(f | the rest) = Σ_{i≠d} share_i·(leak + (1 − leak)·q_if) / rest: every disease contributes the
  // leak, only f's parents (net.causes) more, so the sum runs over f's parents rather than all diseases.
  const others = (f: number) => {
    if (rest <= 0) return net.leak[f]!;
    const leak = net.leak[f]!;
    let p = leak * rest;
    for (const l of net.causes[f]!) if (l.to !== d) p += share[l.to]! * (1 - leak) * l.q;
    return Math.min(Math.max(p / rest, leak), 1);
  };
  const contribution = (f: number, present: boolean): FindingContribution => {
    const pd = likelihood(f);
    const po = others(f);
    const llr = present ? Math.log(pd / po) : Math.log((1 - pd) / (1 - po));
    const l = edgeTo.get(f);
    return {
      finding: net.findings[f]!.id,
      name: net.findings[f]!.name,
      observed: present ? 'present' : 'absent',
      llr,
      ...(l ? { edge: l.edge.source, ...frequencyOf(l) } : {}),
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
  // "Usually causes": a known frequency of at least one half. A finding the source lists without a
  // frequency may still be expected, but comes after those with a number and says so.
  const expected = (l: Link) => l.q >= 0.5;
  const byFrequency = (a: Link, b: Link) =>
    Number(!!a.edge.frequency) - Number(!!b.edge.frequency) || b.q - a.q || a.to - b.to;
  const expectedAbsent = net.effects[d]!.filter((l) => expected(l) && negative.has(l.to))
    .sort(byFrequency)
    .map((l) => contribution(l.to, false));
  const notAsked = net.effects[d]!.filter((l) => expected(l) && !known.has(l.to))
    .sort(byFrequency)
    .slice(0, 5)
    .map((l) => ({ finding: net.findings[l.to]!.id, name: net.findings[l.to]!.name, ...frequencyOf(l) }));
  // Paths: present risk factors (model risk edges) and present antecedents → disease → present finding.
  const present = new Set(options.riskFactors ?? []);
  // A risk factor the source lists without a strength (DDXPlus antecedents) stays in the prior but is
  // no causal path: "高血压 → 会厌炎" read as a cause misleads when nothing says how strong it is.
  const risks = net.risks[d]!.filter((l) => !l.edge.frequency && present.has(net.model.riskFactors![l.to]!.id)).map(
    (l) => {
      const r = net.model.riskFactors![l.to]!;
      return { id: r.id, name: r.name, source: l.edge.source, probability: l.q };
    },
  );
  const antecedents = obs.positive
    .filter((f) => net.findings[f]!.kind === 'antecedent' && edgeTo.has(f) && !edgeTo.get(f)!.edge.frequency)
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
    const finding = {
      id: net.findings[f]!.id,
      name: net.findings[f]!.name,
      source: l.edge.source,
      ...(l.edge.frequency ? {} : { probability: l.q }),
    };
    const upstream = [...risks, ...antecedents];
    if (upstream.length === 0) paths.push({ disease: disease.id, finding });
    for (const r of upstream) paths.push({ riskFactor: r, disease: disease.id, finding });
  }
  return {
    disease: disease.id,
    name: disease.name,
    probability,
    priorBasis: disease.priorBasis ?? 'source',
    ...(options.diagnosed?.has(disease.id) ? { diagnosed: true as const } : {}),
    contributions,
    expectedAbsent,
    notAsked,
    paths,
  };
}

/** The source's frequency, or the mark that it gives none (never the default used for inference). */
function frequencyOf(l: Link): { edgeProbability: number } | { frequencyUnknown: true } {
  return l.edge.frequency === 'unknown' ? { frequencyUnknown: true } : { edgeProbability: l.q };
}

/** "该病 60% 出现" / "in 60% of cases", or "频率未知" / "frequency unknown" when the source gives none. */
export function frequencyText(c: { readonly edgeProbability?: number }, lang: Lang): string {
  if (c.edgeProbability === undefined) return lang === 'zh' ? '该病出现频率未知' : 'frequency unknown';
  return lang === 'zh' ? `该病 ${pct(c.edgeProbability)} 出现` : `in ${pct(c.edgeProbability)} of cases`;
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
const pct = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;

const WORDS = {
  zh: {
    sep: '；',
    probability: '概率',
    diagnosed: '（已诊断：病历中已有此诊断）',
    uniformPrior: '（患病率未知：按统一先验计）',
    for: '支持',
    against: '反对',
    expectedAbsent: '应有而未见',
    notAsked: '尚未询问',
    path: '因果链',
    source: '依据',
    absent: (n: string) => `${n}（无）`,
    unknown: '频率未知',
  },
  en: {
    sep: '; ',
    probability: 'probability',
    diagnosed: ' (already diagnosed: a diagnosis in the record)',
    uniformPrior: ' (prevalence unknown: uniform prior)',
    for: 'for',
    against: 'against',
    expectedAbsent: 'expected but absent',
    notAsked: 'not asked yet',
    path: 'causal path',
    source: 'source',
    absent: (n: string) => `no ${n}`,
    unknown: 'frequency unknown',
  },
} as const;

/** The explanation as text a clinician can read, in Chinese or English. */
export function explanationText(e: Explanation, lang: Lang, maxItems = 6): string {
  const w = WORDS[lang === 'zh' ? 'zh' : 'en'];
  const colon = lang === 'zh' ? '：' : ': ';
  const paren = (x: string) => (lang === 'zh' ? `（${x}）` : ` (${x})`);
  const name = pick(e.name, lang);
  const unknown = (c: { readonly frequencyUnknown?: true }) => (c.frequencyUnknown ? paren(w.unknown) : '');
  const item = (c: FindingContribution) =>
    `${c.observed === 'absent' ? w.absent(pick(c.name, lang)) : pick(c.name, lang)}${paren(
      `${c.llr > 0 ? '+' : ''}${c.llr.toFixed(2)}`,
    )}${unknown(c)}`;
  const forIt = e.contributions.filter((c) => c.llr > 0).slice(0, maxItems);
  const against = e.contributions.filter((c) => c.llr < 0).slice(0, maxItems);
  const lines = [
    `${name}${colon}${w.probability} ${pct(e.probability)}${e.diagnosed ? w.diagnosed : ''}${
      e.priorBasis === 'uniform' ? w.uniformPrior : ''
    }`,
  ];
  if (forIt.length) lines.push(`  ${w.for}${colon}${forIt.map(item).join(w.sep)}`);
  if (against.length) lines.push(`  ${w.against}${colon}${against.map(item).join(w.sep)}`);
  if (e.expectedAbsent.length)
    lines.push(
      `  ${w.expectedAbsent}${colon}${e.expectedAbsent
        .slice(0, maxItems)
        .map((c) => `${pick(c.name, lang)}${unknown(c)}`)
        .join(w.sep)}`,
    );
  if (e.notAsked.length)
    lines.push(`  ${w.notAsked}${colon}${e.notAsked.map((c) => `${pick(c.name, lang)}${unknown(c)}`).join(w.sep)}`);
  for (const p of e.paths.slice(0, 3)) {
    const risk = p.riskFactor ? `${pick(p.riskFactor.name, lang)} → ` : '';
    const freq = p.finding.probability === undefined ? `${w.unknown}${w.sep}` : '';
    lines.push(
      `  ${w.path}${colon}${risk}${name} → ${pick(p.finding.name, lang)}${paren(
        `${freq}${w.source}${colon}${p.finding.source.authority.name}`,
      )}`,
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
        en: `${c.observed === 'absent' ? 'No ' : ''}${c.name.en}: log-likelihood ratio ${signed(c.llr)}${
          c.frequencyUnknown ? ' (frequency unknown)' : ''
        }`,
        zh: `${c.observed === 'absent' ? '无' : ''}${c.name.zh ?? c.name.en}：对数似然比 ${signed(c.llr)}${
          c.frequencyUnknown ? '（频率未知）' : ''
        }`,
      },
      factId: c.finding,
      sources: sources(c.finding),
      ...(c.edge ? { knowledge: [c.edge] } : {}),
      contribution: c.llr,
    })),
    ...e.notAsked.map((c) => ({
      role: 'missing' as const,
      statement: {
        en: `Not yet known: ${c.name.en} (${frequencyText(c, 'en')})`,
        zh: `尚不清楚：${c.name.zh ?? c.name.en}（${frequencyText(c, 'zh')}）`,
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
    statement: {
      en: `${e.name.en} (${pct(e.probability)}${e.diagnosed ? '; already diagnosed' : ''})`,
      zh: `${e.name.zh ?? e.name.en}（${pct(e.probability)}${e.diagnosed ? '；已诊断' : ''}）`,
    },
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
